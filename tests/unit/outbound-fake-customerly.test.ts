/**
 * The fake Customerly's outbound endpoints (issue 13): `POST /users` bodies checked exactly (known keys, value types,
 * at most 50 users), `POST /tags` bodies checked exactly (`untag` a boolean, items `{email}`), `DELETE /users?email=`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, type FakeCustomerly } from '../fake-customerly';

describe('fake Customerly: outbound endpoints', () => {
  let fake: FakeCustomerly;
  before(async () => {
    fake = await startFakeCustomerly();
  });
  after(() => fake.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as { data?: unknown; error?: { message: string } } };
  };

  it('POST /users: known keys only, typed values, at most 50 users', async () => {
    const ok = await call('POST', '/users', {
      users: [{ email: 'a@x.io', user_id: '1', name: 'A', attributes: { plan: 'p', n: 2, b: true } }],
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(fake.getUser('a@x.io')?.attributes, { plan: 'p', n: 2, b: true });
    const extra = await call('POST', '/users', { users: [{ email: 'a@x.io', nickname: 'x' }] });
    assert.equal(extra.status, 400);
    assert.match(extra.json.error!.message, /Unknown field "nickname" in users\[0\]/);
    const nested = await call('POST', '/users', { users: [{ email: 'a@x.io', attributes: { o: { deep: 1 } } }] });
    assert.equal(nested.status, 400);
    const many = await call('POST', '/users', {
      users: Array.from({ length: 51 }, (_, i) => ({ email: `u${i}@x.io` })),
    });
    assert.equal(many.status, 400);
    assert.match(many.json.error!.message, /At most 50 users/);
    const topLevel = await call('POST', '/users', { users: [], extra: 1 });
    assert.equal(topLevel.status, 400);
  });

  it('POST /tags: tags and untags; the body is checked exactly', async () => {
    assert.equal((await call('POST', '/tags', { tag: 'Pro', users: [{ email: 'a@x.io' }] })).status, 200);
    assert.deepEqual(fake.getUser('a@x.io')?.tags, ['Pro']);
    assert.equal((await call('POST', '/tags', { tag: 'Pro', users: [{ email: 'a@x.io' }], untag: true })).status, 200);
    assert.deepEqual(fake.getUser('a@x.io')?.tags, []);
    assert.equal((await call('POST', '/tags', { tag: 'Pro', users: [{ email: 'a@x.io' }], untag: 'yes' })).status, 400);
    assert.equal((await call('POST', '/tags', { tag: 'Pro', users: [{ mail: 'a@x.io' }] })).status, 400);
    assert.equal((await call('POST', '/tags', { tag: 'Pro', users: [], remove: true })).status, 400);
  });

  it('DELETE /users?email=: deletes; an unknown email is "User doesn\'t exist"', async () => {
    const del = await call('DELETE', '/users?email=a%40x.io');
    assert.equal(del.status, 200);
    assert.equal(fake.getUser('a@x.io'), undefined);
    const again = await call('DELETE', '/users?email=a%40x.io');
    assert.equal(again.status, 404);
    assert.match(again.json.error!.message, /doesn't exist/);
    assert.deepEqual(
      fake.requestsTo('DELETE', '/users').map((r) => r.query),
      [{ email: 'a@x.io' }, { email: 'a@x.io' }]
    );
  });
});
