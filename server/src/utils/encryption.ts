import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets saved from the admin panel are stored with AES-256-GCM. The key comes from Strapi 5's
 * `admin.secrets.encryptionKey` (ENCRYPTION_KEY in a standard app); without it, it is derived from the app keys.
 * Stored form: `enc1:<iv b64url>:<tag b64url>:<ciphertext b64url>`.
 */
const PREFIX = 'enc1';

/** HKDF labels: one per use, so that no key of the plugin is ever used for two purposes. */
export const KEY_LABELS = {
  /** AES-256-GCM of the settings' secrets and of the secrets sealed on a delivery. */
  secrets: 'customerly settings secrets v1',
  /** HMAC-SHA256 that signs each delivery row (see services/delivery/mac.ts). */
  deliveryMac: 'customerly delivery mac v1',
} as const;

/**
 * A 32-byte key for one use, derived with HKDF-SHA256 from the app's key material (see keyMaterial) and a label.
 * The same ENCRYPTION_KEY gives a different key for each label, and none of them is the material itself.
 */
export function deriveKey(material: string, label: string): Buffer {
  if (!material) throw new Error('deriveKey needs key material');
  const salt = createHash('sha256').update('strapi-plugin-customerly').digest();
  return Buffer.from(hkdfSync('sha256', Buffer.from(material, 'utf8'), salt, label, 32));
}

export class SecretBox {
  private readonly key: Buffer;

  constructor(material: string) {
    if (!material) throw new Error('SecretBox needs key material');
    // HKDF over the raw material, with a plugin-specific label: the same ENCRYPTION_KEY gives a different key here.
    this.key = deriveKey(material, KEY_LABELS.secrets);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [PREFIX, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join(':');
  }

  /** The plain text, or null when the value was not made by this box (wrong key, tampered, not encrypted). */
  decrypt(stored: string): string | null {
    const parts = stored.split(':');
    if (parts.length !== 4 || parts[0] !== PREFIX) return null;
    try {
      const [, iv, tag, data] = parts as [string, string, string, string];
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

export const isEncrypted = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith(`${PREFIX}:`);

/** The key material of this Strapi app: the admin encryption key, else the app keys. */
export function keyMaterial(getConfig: (path: string) => unknown): {
  material: string;
  source: 'encryptionKey' | 'appKeys';
} {
  const encryptionKey = getConfig('admin.secrets.encryptionKey');
  if (typeof encryptionKey === 'string' && encryptionKey) return { material: encryptionKey, source: 'encryptionKey' };
  const appKeys = getConfig('server.app.keys');
  if (Array.isArray(appKeys) && appKeys.length && appKeys.every((k) => typeof k === 'string' && k)) {
    return { material: (appKeys as string[]).join('|'), source: 'appKeys' };
  }
  throw new Error(
    'The Customerly plugin cannot store secrets: set admin.secrets.encryptionKey (ENCRYPTION_KEY) or server.app.keys (APP_KEYS).'
  );
}

/** A new access key: 32 random bytes, base64url (43 characters). */
export const newAccessKey = () => randomBytes(32).toString('base64url');

/** What the panel shows of a secret: nothing of its value, only that it is set. */
export const MASK = '••••••••••••';
export const maskSecret = (value: string): string => (value ? MASK : '');
