import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, isSecretKey, redactUrl, redactValue } from '../../server/src/utils/redact';
import { secureEqual } from '../../server/src/utils/secure-compare';

describe('isSecretKey', () => {
  it('matches the secret names in any case, with or without underscore', () => {
    for (const k of [
      'access_key',
      'accesskey',
      'ACCESS_KEY',
      'accessKey',
      'api_token',
      'apiToken',
      'token',
      'Token',
      'password',
      'PASSWORD',
      'user_pass',
      'pass',
      'secret',
      'authorization',
      'Authentication',
    ]) {
      assert.equal(isSecretKey(k), true, k);
    }
  });

  it('does not match names that only contain a secret word', () => {
    for (const k of [
      'passenger',
      'tokens',
      'my_token',
      'password_hint',
      'secretary',
      'email',
      'action',
      'key',
      'access',
      '',
    ]) {
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
    for (const k of ['ACCESS_KEY', 'token', 'Password', 'access_key', 'api_token'])
      assert.deepEqual(q.getAll(k), [REDACTED], k);
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
      data: {
        user: { data: { email: 'a@b.co', password: 'p', attributes: { user_pass: 'up', plan: 'pro', Token: 't' } } },
      },
      list: [{ secret: 's', keep: 1 }, ['x', { apiToken: 'a' }]],
    };
    assert.deepEqual(redactValue(input), {
      action: 'add',
      access_key: REDACTED,
      data: {
        user: {
          data: {
            email: 'a@b.co',
            password: REDACTED,
            attributes: { user_pass: REDACTED, plan: 'pro', Token: REDACTED },
          },
        },
      },
      list: [{ secret: REDACTED, keep: 1 }, ['x', { apiToken: REDACTED }]],
    });
  });

  it('replaces a secret key whatever its value type (objects included)', () => {
    assert.deepEqual(redactValue({ password: { nested: 'x' }, token: 12, secret: null }), {
      password: REDACTED,
      token: REDACTED,
      secret: REDACTED,
    });
  });

  it('replaces a given secret value where it is a whole string, and cuts a long one out of text, under any key', () => {
    const key = 'the-access-key-123';
    const out = redactValue(
      { note: `url?access=${key}`, plain: 'nothing here', n: [key, 'ok'], deep: { x: { y: key } } },
      [key]
    );
    assert.deepEqual(out, {
      note: `url?access=${REDACTED}`,
      plain: 'nothing here',
      n: [REDACTED, 'ok'],
      deep: { x: { y: REDACTED } },
    });
  });

  it('a short secret (a common password) only replaces whole values: text that contains it is left intact', () => {
    const out = redactValue({ id: 'acct-123456', tag: '123456', email: 'x123456@example.com' }, ['123456']);
    assert.deepEqual(out, { id: 'acct-123456', tag: REDACTED, email: 'x123456@example.com' });
  });

  it('a "__proto__" key stays a plain key of the copy and never becomes its prototype', () => {
    const input = JSON.parse('{"__proto__":{"email":"victim@example.com"},"email":"nobody@example.com"}');
    const out = redactValue(input) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(out.email, 'nobody@example.com');
    assert.deepEqual(Object.keys(out), ['__proto__', 'email']);
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

describe('redactUrl: every spelling of a secret parameter (issue 8, item 7)', () => {
  const KEY = 'K3y-Zz9_q';
  const leaks = (url: string) => url.includes(KEY) || url.includes(encodeURIComponent(KEY));

  it('redacts the value whatever the spelling of the name', () => {
    const spellings = [
      'access_key',
      'ACCESS_KEY',
      'Access_Key',
      'accessKey',
      'accesskey',
      'access-key',
      'access.key',
      'access key',
      'access_key[]',
      'access_key[0]',
      'access_key[a][b]',
      'x[access_key]',
      'x[access_key][]',
      'access_key.x',
      'access%5Fkey',
      '%61ccess_key',
      'ACCESS%5FKEY',
      'access_key%5B%5D',
      'access_key%5b0%5d',
      'access%255Fkey',
      'access_key+',
      '+access_key',
      'access_key%20',
      'access_key%00',
      'x?access_key',
      'access_key%',
      'api_token[]',
      'TOKEN',
      'token[]',
      'password[]',
      'PassWord',
      'user_pass[0]',
      'user-pass',
      'secret[x]',
      'Authorization',
    ];
    for (const name of spellings) {
      for (const url of [`/api/customerly/webhook?${name}=${KEY}`, `/x?action=add&${name}=${KEY}&role=editor`]) {
        const out = redactUrl(url);
        assert.ok(!leaks(out), `${name}: ${out}`);
        assert.ok(out.includes(encodeURIComponent(REDACTED)), `${name}: the value is replaced, not dropped`);
      }
    }
  });

  it('keeps the other parameters byte for byte, and the name as it was spelled', () => {
    assert.equal(
      redactUrl(`/x?action=add&email=a%40b.co&access%5Fkey=${KEY}&q=a+b%20c`),
      `/x?action=add&email=a%40b.co&access%5Fkey=%5Bredacted%5D&q=a+b%20c`
    );
    assert.equal(
      redactUrl(`/x?access_key[]=${KEY}&access_key[]=${KEY}2&page=2`),
      '/x?access_key[]=%5Bredacted%5D&page=2'
    );
  });

  it("finds a secret name after a ';' inside a pair, and replaces the rest of that pair", () => {
    assert.equal(
      redactUrl(`/x?action=test;access_key=${KEY};more&page=1`),
      '/x?action=test;access_key=%5Bredacted%5D&page=1'
    );
    assert.ok(!leaks(redactUrl(`/x?a=1;ACCESS%5FKEY=${KEY}`)));
  });

  it('redacts a value holding ; = or # (the whole value up to the next &)', () => {
    for (const value of [`${KEY};x`, `${KEY}=x`, `${KEY}#frag`, `a;${KEY}`]) {
      assert.ok(!leaks(redactUrl(`/x?access_key=${value}&b=1`)), value);
    }
  });

  it('leaves names that only contain a secret word alone', () => {
    for (const url of [
      '/x?my_token=1',
      '/x?tokens=2',
      '/x?password_hint=3',
      '/x?access=4&key=5',
      '/x?passenger=6',
      '/x?confirmation=7',
    ]) {
      assert.equal(redactUrl(url), url);
    }
  });

  it('never throws on a malformed escape, an absolute URL or an empty query', () => {
    assert.ok(!leaks(redactUrl(`/x?%E0%A4%A=1&access_key=${KEY}&%zz=2`)));
    assert.equal(redactUrl(`http://h/x?access_key=${KEY}`), 'http://h/x?access_key=%5Bredacted%5D');
    assert.equal(redactUrl('/x?&&'), '/x?&&');
  });
});

describe('isSecretKey: separators and case (issue 8, item 7)', () => {
  it('takes the secret names with any separator or case', () => {
    for (const k of [
      'access-key',
      'Access Key',
      'ACCESS.KEY',
      'api-token',
      'API_TOKEN',
      'user-pass',
      'UserPass',
      'access_key_',
    ]) {
      assert.equal(isSecretKey(k), true, k);
    }
  });
  it('still refuses other names', () => {
    for (const k of ['my-token', 'token-hint', 'pass word hint', 'access_keys', 'key_access'])
      assert.equal(isSecretKey(k), false, k);
  });
});

describe('OAuth parameters are secrets too', () => {
  it('access_token, refresh_token and id_token are redacted from a URL', () => {
    const out = redactUrl(
      '/api/auth/google/callback?access_token=ya29.SECRET&refresh_token=1//R&id_token=eyJ.x.y&state=s'
    );
    assert.ok(!/SECRET|1\/\/R|eyJ/.test(decodeURIComponent(out)), out);
    assert.match(out, /state=s/);
  });
});
