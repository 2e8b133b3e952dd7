import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, isSecretKey, redactUrl, redactValue } from '../../server/src/utils/redact';
import { secureEqual } from '../../server/src/utils/secure-compare';

describe('isSecretKey', () => {
  it('matches the secret names in any case, with or without underscore', () => {
    for (const k of ['access_key', 'accesskey', 'ACCESS_KEY', 'accessKey', 'api_token', 'apiToken', 'token', 'Token', 'password', 'PASSWORD', 'user_pass', 'pass', 'secret', 'authorization', 'Authentication']) {
      assert.equal(isSecretKey(k), true, k);
    }
  });

  it('does not match names that only contain a secret word', () => {
    for (const k of ['passenger', 'tokens', 'my_token', 'password_hint', 'secretary', 'email', 'action', 'key', 'access', '']) {
      assert.equal(isSecretKey(k), false, k);
    }
  });
});

describe('redactUrl', () => {
  it('replaces the access key in a webhook URL and keeps the rest', () => {
    const out = redactUrl('/api/customerly/webhook?action=add&access_key=Sup3rSecret&role=editor');
    assert.ok(!out.includes('Sup3rSecret'));
    const q = new URLSearchParams(out.split('?')[1]);
    assert.equal(q.get('access_key'), REDACTED);
    assert.equal(q.get('action'), 'add');
    assert.equal(q.get('role'), 'editor');
    assert.ok(out.startsWith('/api/customerly/webhook?'));
  });

  it('replaces every secret parameter, whatever its case, also when repeated', () => {
    const out = redactUrl('/x?ACCESS_KEY=k1&token=t1&Password=p1&access_key=k2&api_token=t2&action=add');
    const q = new URLSearchParams(out.split('?')[1]);
    for (const k of ['ACCESS_KEY', 'token', 'Password', 'access_key', 'api_token']) assert.deepEqual(q.getAll(k), [REDACTED], k);
    assert.equal(q.get('action'), 'add');
    const repeated = new URLSearchParams(redactUrl('/x?access_key=k1&action=add&access_key=k2').split('?')[1]);
    assert.deepEqual(repeated.getAll('access_key'), [REDACTED], 'both values of a repeated key are gone');
  });

  it('finds an URL-encoded key too', () => {
    const out = redactUrl('/x?access_key=a%2Bb%2Fc%3D%3D&action=test');
    assert.ok(!out.includes('a%2Bb'));
    assert.ok(!decodeURIComponent(out).includes('a+b/c=='));
  });

  it('leaves a URL without secrets byte for byte as it was', () => {
    for (const url of ['/api/customerly/webhook', '/x?action=add&email=a%40b.co', '/x?q=a+b%20c&empty=', '/x?']) {
      assert.equal(redactUrl(url), url);
    }
  });

  it('keeps an empty secret parameter redacted (no value leaks, no crash)', () => {
    assert.equal(new URLSearchParams(redactUrl('/x?access_key=').split('?')[1]).get('access_key'), REDACTED);
  });
});

describe('redactValue', () => {
  it('replaces secret keys at any depth, in objects and arrays', () => {
    const input = {
      action: 'add',
      access_key: 'k',
      data: { user: { data: { email: 'a@b.co', password: 'p', attributes: { user_pass: 'up', plan: 'pro', Token: 't' } } } },
      list: [{ secret: 's', keep: 1 }, ['x', { apiToken: 'a' }]],
    };
    assert.deepEqual(redactValue(input), {
      action: 'add',
      access_key: REDACTED,
      data: { user: { data: { email: 'a@b.co', password: REDACTED, attributes: { user_pass: REDACTED, plan: 'pro', Token: REDACTED } } } },
      list: [{ secret: REDACTED, keep: 1 }, ['x', { apiToken: REDACTED }]],
    });
  });

  it('replaces a secret key whatever its value type (objects included)', () => {
    assert.deepEqual(redactValue({ password: { nested: 'x' }, token: 12, secret: null }), { password: REDACTED, token: REDACTED, secret: REDACTED });
  });

  it('replaces any string that contains a given secret value, under any key', () => {
    const key = 'the-access-key-123';
    const out = redactValue({ note: `url?access=${key}`, plain: 'nothing here', n: [key, 'ok'], deep: { x: { y: key } } }, [key]);
    assert.deepEqual(out, { note: REDACTED, plain: 'nothing here', n: [REDACTED, 'ok'], deep: { x: { y: REDACTED } } });
  });

  it('ignores empty secret values (they would match everything)', () => {
    assert.deepEqual(redactValue({ a: 'keep me' }, ['', 'zzz']), { a: 'keep me' });
  });

  it('keeps numbers, booleans and null, and does not change the input', () => {
    const input = { n: 1, b: false, z: null, s: 'x', password: 'p' };
    const copy = structuredClone(input);
    const out = redactValue(input) as Record<string, unknown>;
    assert.deepEqual(input, copy, 'input untouched');
    assert.notEqual(out, input);
    assert.deepEqual(out, { n: 1, b: false, z: null, s: 'x', password: REDACTED });
  });

  it('cuts off structures deeper than 32 levels', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const out = JSON.stringify(redactValue(deep));
    assert.ok(!out.includes('bottom'));
    assert.ok(out.includes(REDACTED));
  });
});

describe('secureEqual', () => {
  it('is true only for identical strings', () => {
    assert.equal(secureEqual('abc', 'abc'), true);
    assert.equal(secureEqual('', ''), true);
    assert.equal(secureEqual('ключ-🔑', 'ключ-🔑'), true);
    assert.equal(secureEqual('abc', 'abd'), false);
    assert.equal(secureEqual('abc', 'ABC'), false);
    assert.equal(secureEqual('abc', 'abc '), false);
    assert.equal(secureEqual('abc', 'ab'), false, 'a prefix');
    assert.equal(secureEqual('', 'abc'), false);
    assert.equal(secureEqual('abc', ''), false);
    assert.equal(secureEqual('a'.repeat(10_000), 'a'.repeat(10_000)), true, 'long values');
    assert.equal(secureEqual('a'.repeat(10_000), 'a'.repeat(9_999) + 'b'), false);
  });

  it('does not normalise unicode (é composed vs decomposed differ)', () => {
    assert.equal(secureEqual('caf\u00e9', 'cafe\u0301'), false);
  });
});
