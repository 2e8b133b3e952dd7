import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretBox, isEncrypted, keyMaterial, maskSecret, newAccessKey } from '../../server/src/utils/encryption';
import { settingsUpdateSchema } from '../../server/src/validation/settings';

describe('settings secrets', () => {
  it('encrypts with AES-GCM and decrypts with the same key only', () => {
    const box = new SecretBox('an-encryption-key');
    const stored = box.encrypt('my secret token');
    assert.ok(isEncrypted(stored));
    assert.ok(!stored.includes('my secret token'));
    assert.notEqual(box.encrypt('my secret token'), stored, 'a fresh IV each time');
    assert.equal(box.decrypt(stored), 'my secret token');
    assert.equal(new SecretBox('another-key').decrypt(stored), null);
    const [p, iv, tag, data] = stored.split(':');
    const flipped = data!.slice(0, -1) + (data!.endsWith('A') ? 'B' : 'A');
    assert.equal(box.decrypt([p, iv, tag, flipped].join(':')), null, 'tampering is detected');
    assert.equal(box.decrypt('plain'), null);
  });

  it('takes the admin encryption key, else the app keys, else refuses', () => {
    const cfg = (values: Record<string, unknown>) => (p: string) => values[p];
    assert.equal(
      keyMaterial(cfg({ 'admin.secrets.encryptionKey': 'k', 'server.app.keys': ['a'] })).source,
      'encryptionKey'
    );
    assert.equal(keyMaterial(cfg({ 'server.app.keys': ['a', 'b'] })).source, 'appKeys');
    assert.throws(() => keyMaterial(cfg({})), /ENCRYPTION_KEY/);
  });

  it('access keys are 32 random bytes in base64url; masks show nothing of the value', () => {
    const k = newAccessKey();
    assert.match(k, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(k, 'base64url').length, 32);
    assert.notEqual(newAccessKey(), k);
    const mask = maskSecret(k);
    assert.ok(mask.length > 0);
    for (const c of k) if (mask.includes(c)) assert.fail('the mask shows a character of the key');
    assert.equal(maskSecret(''), '');
  });

  it('the update schema reports each bad field', () => {
    const r = settingsUpdateSchema.safeParse({
      webhookKey: 'short',
      returnPassword: { enabled: true, attribute: '' },
      extra: 1,
    });
    assert.equal(r.success, false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    assert.ok(paths.includes('webhookKey'));
    assert.ok(paths.includes('returnPassword.attribute'));
    assert.ok(r.error!.issues.some((i) => i.code === 'unrecognized_keys'));
  });
});
