import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MESSAGES, leadWebhook, startFakeCustomerly, userWebhook, webhookForContact } from '../fake-customerly';
import type { FakeCustomerly } from '../fake-customerly';

let fake: FakeCustomerly;

before(async () => {
  fake = await startFakeCustomerly({ token: 'tok-123' });
});
after(async () => {
  await fake.close();
});
afterEach(() => {
  fake.reset();
});

interface CallOptions {
  method?: string;
  body?: unknown;
  rawBody?: string;
  auth?: 'authentication' | 'bearer' | 'both' | 'none';
  token?: string;
  signal?: AbortSignal;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw JSON of the fake's answers, read field by field in asserts
type FakeJson = any;

async function call(path: string, o: CallOptions = {}): Promise<{ status: number; json: FakeJson; headers: Headers }> {
  const token = o.token ?? fake.token;
  const headers: Record<string, string> = { accept: 'application/json' };
  const auth = o.auth ?? 'both';
  if (auth === 'authentication' || auth === 'both') headers['Authentication'] = `AccessToken: ${token}`;
  if (auth === 'bearer' || auth === 'both') headers['Authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (o.rawBody !== undefined) body = o.rawBody;
  else if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${fake.url}${path}`, {
    method: o.method ?? (body !== undefined ? 'POST' : 'GET'),
    headers,
    body: body ?? null,
    signal: o.signal ?? AbortSignal.timeout(2000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe('fake Customerly: basics and auth', () => {
  it('serves under /v1 on 127.0.0.1 with a random default token', async () => {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const other = await startFakeCustomerly();
    try {
      assert.ok(other.token.length >= 16);
      assert.notEqual(other.url, fake.url);
    } finally {
      await other.close();
    }
  });

  it('accepts the Authentication: AccessToken header alone', async () => {
    const r = await call('/tags', { auth: 'authentication' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { data: [] });
  });

  it('accepts the Authorization: Bearer header alone', async () => {
    const r = await call('/tags', { auth: 'bearer' });
    assert.equal(r.status, 200);
  });

  it('no auth header: 500 "Access token not found."', async () => {
    const r = await call('/tags', { auth: 'none' });
    assert.equal(r.status, 500);
    assert.deepEqual(r.json, { error: { message: 'Access token not found.', code: 0 } });
  });

  it('wrong token: 500 with the Bearer message, and the request is recorded', async () => {
    for (const auth of ['authentication', 'bearer', 'both'] as const) {
      const r = await call('/users?email=a%40b.co', { auth, token: 'nope' });
      assert.equal(r.status, 500);
      assert.deepEqual(r.json, {
        error: { message: 'You must provide a valid header Authorization: Bearer <TOKEN>', code: 0 },
      });
    }
    assert.equal(MESSAGES.badToken, 'You must provide a valid header Authorization: Bearer <TOKEN>');
    assert.equal(fake.requests.length, 3);
    assert.equal(fake.requests[0]!.headers['authentication'], 'AccessToken: nope');
    assert.equal(fake.requests[1]!.headers['authorization'], 'Bearer nope');
  });

  it('unknown route: 404; invalid JSON: 400; bad bulk body: 400 (Customerly-shaped)', async () => {
    const a = await call('/nothing');
    assert.equal(a.status, 404);
    assert.equal(typeof a.json.error.message, 'string');
    const b = await call('/users', { method: 'PUT' });
    assert.equal(b.status, 404);
    const c = await call('/users', { rawBody: '{not json' });
    assert.equal(c.status, 400);
    assert.equal(typeof c.json.error.message, 'string');
    assert.equal(fake.requests[2]!.body, '{not json');
    const d = await call('/users', { body: { leads: [] } });
    assert.equal(d.status, 400);
    assert.ok(d.json.error);
    const e = await call('/leads', { body: [{ email: 'x@y.co' }] });
    assert.equal(e.status, 400);
  });

  it('records every request with method, path, query, headers, parsed body and time', async () => {
    const t0 = Date.now();
    await call('/users?email=A%40b.co', { auth: 'none' });
    await call('/users', { body: { users: [{ email: 'a@b.co' }] } });
    assert.equal(fake.requests.length, 2);
    const [get, post] = fake.requests;
    assert.equal(get!.method, 'GET');
    assert.equal(get!.path, '/users');
    assert.equal(get!.fullPath, '/v1/users');
    assert.deepEqual(get!.query, { email: 'A@b.co' });
    assert.equal(get!.body, undefined);
    assert.ok(get!.at >= t0 && get!.at <= Date.now());
    assert.equal(post!.method, 'POST');
    assert.deepEqual(post!.body, { users: [{ email: 'a@b.co' }] });
    assert.equal(post!.headers['content-type'], 'application/json');
    assert.equal(fake.requestsTo('POST', '/users').length, 1);
    fake.reset();
    assert.equal(fake.requests.length, 0);
  });
});

describe('fake Customerly: contacts', () => {
  it('missing contact: "User doesn\'t exist" with notFoundStatus', async () => {
    const u = await call('/users?email=ghost%40x.co');
    assert.equal(u.status, 404);
    assert.deepEqual(u.json, { error: { message: "User doesn't exist", code: 404 } });
    const l = await call('/leads?email=ghost%40x.co');
    assert.equal(l.status, 404);
    assert.equal(l.json.error.message, "User doesn't exist");
    const byId = await call('/users?user_id=42');
    assert.equal(byId.json.error.message, "User doesn't exist");

    const other = await startFakeCustomerly({ notFoundStatus: 200 });
    try {
      const res = await fetch(`${other.url}/users?email=ghost%40x.co`, {
        headers: { Authorization: `Bearer ${other.token}` },
      });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as FakeJson).error.message, "User doesn't exist");
    } finally {
      await other.close();
    }
  });

  it('upserts users by email (case-insensitive), then finds them by email and by user_id', async () => {
    const r1 = await call('/users', {
      body: {
        users: [
          { email: 'Ann@Example.com', user_id: 'u-1', name: 'Ann', attributes: { plan: 'pro' }, tags: ['vip'] },
          { email: 'not-an-email', name: 'Bad' },
          { name: 'No email' },
        ],
      },
    });
    assert.equal(r1.status, 200);
    assert.equal(r1.json.data.inserted, 1);
    assert.equal(r1.json.data.updated, 0);
    assert.deepEqual(r1.json.data.errors, []);
    assert.equal(r1.json.data.not_added.length, 2);

    const r2 = await call('/users', {
      body: { users: [{ email: 'ann@example.com', attributes: { score: 3 }, tags: ['beta', 'vip'] }] },
    });
    assert.equal(r2.json.data.inserted, 0);
    assert.equal(r2.json.data.updated, 1);

    const byEmail = await call(`/users?email=${encodeURIComponent('ANN@example.com')}`);
    assert.equal(byEmail.status, 200);
    const c = byEmail.json.data;
    assert.equal(c.email, 'Ann@Example.com');
    assert.equal(c.user_id, 'u-1');
    assert.equal(c.name, 'Ann');
    assert.equal(c.is_user, 1);
    assert.equal(typeof c.crmhero_user_id, 'number');
    assert.equal(typeof c.app_id, 'string');
    assert.deepEqual(c.attributes, { plan: 'pro', score: 3 });
    for (const k of ['last_update', 'first_seen_at', 'last_activity']) {
      assert.ok(Number.isInteger(c[k]) && c[k] > 1_600_000_000 && c[k] < 10_000_000_000, k);
    }
    assert.equal('tags' in c, false, 'the API does not show tags by default');

    const byId = await call('/users?user_id=u-1');
    assert.equal(byId.status, 200);
    assert.equal(byId.json.data.crmhero_user_id, c.crmhero_user_id);

    const stored = fake.getUser('ann@EXAMPLE.com');
    assert.deepEqual(stored?.tags, ['vip', 'beta']);
    assert.equal(fake.getLead('ann@example.com'), undefined);
  });

  it('leads: upsert, lookup, is_user 0, no user_id', async () => {
    const r = await call('/leads', { body: { leads: [{ email: 'lee@x.co', name: 'Lee', attributes: { a: 1 } }] } });
    assert.equal(r.json.data.inserted, 1);
    const got = await call('/leads?email=LEE%40x.co');
    assert.equal(got.status, 200);
    assert.equal(got.json.data.is_user, 0);
    assert.equal(got.json.data.name, 'Lee');
    assert.equal('user_id' in got.json.data, false);
    assert.equal((await call('/users?email=lee%40x.co')).status, 404);
    assert.equal(fake.getLead('lee@x.co')?.attributes.a, 1);
  });

  it('includeTagsInContacts shows tags on returned contacts', async () => {
    const other = await startFakeCustomerly({ includeTagsInContacts: true });
    try {
      other.addUser({ email: 't@x.co', tags: ['a', 'b'] });
      const res = await fetch(`${other.url}/users?email=t%40x.co`, {
        headers: { Authentication: `AccessToken: ${other.token}` },
      });
      assert.deepEqual(((await res.json()) as FakeJson).data.tags, ['a', 'b']);
    } finally {
      await other.close();
    }
  });

  it('state helpers: addUser/addLead assign ids, return copies, merge on same email', () => {
    const a = fake.addUser({ email: 'a@x.co', name: 'A', attributes: { x: 1 } });
    const b = fake.addLead({ email: 'b@x.co' });
    assert.equal(a.crmhero_user_id, 1);
    assert.equal(b.crmhero_user_id, 2);
    assert.equal(a.is_user, 1);
    assert.equal(b.is_user, 0);
    a.attributes.x = 999;
    assert.equal(fake.getUser('a@x.co')?.attributes.x, 1, 'returned contacts are copies');
    const again = fake.addUser({ email: 'A@X.CO', attributes: { y: 2 } });
    assert.equal(again.crmhero_user_id, 1);
    assert.deepEqual(again.attributes, { x: 1, y: 2 });
    assert.equal(fake.listUsers().length, 1);
    fake.reset();
    assert.equal(fake.getUser('a@x.co'), undefined);
    assert.equal(fake.addUser({ email: 'c@x.co' }).crmhero_user_id, 1);
  });
});

describe('fake Customerly: tags and paging', () => {
  it('GET /tags lists created and used tags; POST /tags tags and untags by email, user_id, crmhero_user_id', async () => {
    const u1 = fake.addUser({ email: 'u1@x.co', user_id: 'ext-1', tags: ['old'] });
    fake.addUser({ email: 'u2@x.co' });
    const l1 = fake.addLead({ email: 'l1@x.co' });
    assert.deepEqual((await call('/tags')).json, { data: ['old'] });

    const t = await call('/tags', {
      body: {
        tag: 'gold',
        users: [{ user_id: 'ext-1' }, { email: 'U2@x.co' }, { email: 'ghost@x.co' }],
        leads: [{ crmhero_user_id: l1.crmhero_user_id }],
      },
    });
    assert.equal(t.status, 200);
    assert.deepEqual(t.json, { data: { tagged: 3 } });
    assert.deepEqual(fake.getUser('u1@x.co')?.tags, ['old', 'gold']);
    assert.deepEqual(fake.getUser('u2@x.co')?.tags, ['gold']);
    assert.deepEqual(fake.getLead('l1@x.co')?.tags, ['gold']);
    assert.deepEqual((await call('/tags')).json.data, ['old', 'gold']);
    assert.deepEqual(fake.listTags(), ['old', 'gold']);

    const un = await call('/tags', {
      body: { tag: 'gold', users: [{ crmhero_user_id: u1.crmhero_user_id }], untag: true },
    });
    assert.deepEqual(un.json, { data: { tagged: 1 } });
    assert.deepEqual(fake.getUser('u1@x.co')?.tags, ['old']);
    assert.deepEqual(fake.getUser('u2@x.co')?.tags, ['gold']);

    const bad = await call('/tags', { body: { users: [] } });
    assert.equal(bad.status, 400);
    assert.ok(bad.json.error.message);
  });

  it('pages through users and leads from page 0; a short page ends the list', async () => {
    for (let i = 0; i < 5; i++) fake.addUser({ email: `p${i}@x.co` });
    fake.addLead({ email: 'lead@x.co' });
    const emails: string[] = [];
    let pages = 0;
    for (let page = 0; ; page++) {
      const r = await call(`/users/list?page=${page}&per_page=2`);
      assert.equal(r.status, 200);
      const rows = r.json.data.users as Array<{ email: string; tags?: unknown }>;
      pages++;
      emails.push(...rows.map((x) => x.email));
      for (const row of rows) assert.equal(row.tags, undefined);
      if (rows.length < 2) break;
    }
    assert.equal(pages, 3);
    assert.deepEqual(emails, ['p0@x.co', 'p1@x.co', 'p2@x.co', 'p3@x.co', 'p4@x.co']);
    assert.deepEqual((await call('/users/list?page=9&per_page=2')).json, { data: { users: [] } });
    const leads = await call('/leads/list?page=0&per_page=50');
    assert.deepEqual(
      leads.json.data.leads.map((x: { email: string }) => x.email),
      ['lead@x.co']
    );
    assert.equal((await call('/users/list')).json.data.users.length, 5, 'defaults page 0, per_page 50');
  });
});

describe('fake Customerly: faults', () => {
  it('latency measurably delays answers', async () => {
    fake.fault({ kind: 'latency', ms: 150, times: 1 });
    const t0 = performance.now();
    const r = await call('/tags');
    const slow = performance.now() - t0;
    assert.equal(r.status, 200);
    assert.ok(slow >= 140, `expected >= 140 ms, got ${slow}`);
    const t1 = performance.now();
    await call('/tags');
    assert.ok(performance.now() - t1 < 100, 'fault consumed');
  });

  it('status fault answers 500/502/503 and `times` is consumed per matching request', async () => {
    fake.fault({ kind: 'status', status: 503, times: 2 });
    assert.equal((await call('/tags')).status, 503);
    const second = await call('/tags');
    assert.equal(second.status, 503);
    assert.ok(second.json.error.message);
    assert.equal((await call('/tags')).status, 200);

    fake.fault({ kind: 'status', status: 500 });
    for (let i = 0; i < 3; i++) assert.equal((await call('/tags')).status, 500);
    fake.clearFaults();
    assert.equal((await call('/tags')).status, 200);

    fake.fault({ kind: 'status', status: 502, times: 1, path: '/users', method: 'POST' });
    assert.equal((await call('/tags')).status, 200, 'path filter');
    assert.equal((await call('/users?email=a%40b.co')).status, 404, 'method filter');
    assert.equal((await call('/users', { body: { users: [] } })).status, 502);
    assert.equal((await call('/users', { body: { users: [] } })).status, 200);
    assert.deepEqual(fake.listFaults(), []);
  });

  it('rateLimit answers 429 with Retry-After and a Customerly-shaped body', async () => {
    fake.fault({ kind: 'rateLimit', retryAfter: 7, times: 1 });
    const r = await call('/users?email=a%40b.co');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '7');
    assert.equal(typeof r.json.error.message, 'string');
    assert.equal(r.json.error.code, 429);
    assert.equal((await call('/tags')).status, 200);
  });

  it('redirect answers its status with a Location (the given URL, or with keepPath the request path appended)', async () => {
    fake.fault({ kind: 'redirect', status: 301, location: 'http://127.0.0.1:9/elsewhere', times: 1, path: '/users' });
    fake.fault({ kind: 'redirect', status: 307, location: 'http://127.0.0.1:9/', keepPath: true, times: 1 });
    const seen = async (path: string) => {
      const res = await fetch(`${fake.url}${path}`, {
        redirect: 'manual',
        headers: { Authorization: `Bearer ${fake.token}` },
      });
      await res.text();
      return [res.status, res.headers.get('location')];
    };
    assert.deepEqual(
      await seen('/tags'),
      [307, 'http://127.0.0.1:9/v1/tags'],
      'the path filter skips the 301 for /tags'
    );
    assert.deepEqual(await seen('/users?email=a%40b.co'), [301, 'http://127.0.0.1:9/elsewhere']);
    assert.deepEqual(fake.listFaults(), []);
    assert.equal(fake.requests.length, 2, 'both recorded');
  });

  it('faults apply in order: latency then status', async () => {
    fake.fault({ kind: 'latency', ms: 80, times: 1 });
    fake.fault({ kind: 'status', status: 500, times: 1 });
    const t0 = performance.now();
    assert.equal((await call('/tags')).status, 500);
    assert.ok(performance.now() - t0 >= 70);
    assert.equal((await call('/tags')).status, 200);
  });

  it('hang never answers: the client gives up with an AbortSignal timeout; the request is recorded', async () => {
    fake.fault({ kind: 'hang', times: 1 });
    await assert.rejects(call('/tags', { signal: AbortSignal.timeout(150) }), (err: Error) => {
      assert.equal(err.name, 'TimeoutError');
      return true;
    });
    assert.equal(fake.requests.length, 1);
    assert.equal((await call('/tags')).status, 200);
  });

  it('close() does not block on a hanging request', async () => {
    const other = await startFakeCustomerly();
    other.fault({ kind: 'hang' });
    const pending = fetch(`${other.url}/tags`, { headers: { Authorization: `Bearer ${other.token}` } }).then(
      () => 'answered',
      () => 'failed'
    );
    while (other.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = performance.now();
    await other.close();
    assert.ok(performance.now() - t0 < 500);
    assert.equal(await pending, 'failed');
    await other.close(); // idempotent
  });
});

describe('webhook payload builders', () => {
  it('userWebhook / leadWebhook keep only the given fields', () => {
    assert.deepEqual(userWebhook({ email: 'a@b.co' }), {
      event: 'contact_tagged',
      data: { user: { data: { email: 'a@b.co' } } },
    });
    assert.deepEqual(
      userWebhook({ email: 'a@b.co', tags: [{ name: 't' }], attributes: { x: 1 }, user_id: 'u' }, 'contact_updated'),
      {
        event: 'contact_updated',
        data: { user: { data: { email: 'a@b.co', user_id: 'u', attributes: { x: 1 }, tags: [{ name: 't' }] } } },
      }
    );
    assert.deepEqual(leadWebhook({ email: 'l@b.co', crmhero_user_id: 5 }), {
      event: 'contact_tagged',
      data: { lead: { data: { email: 'l@b.co', crmhero_user_id: 5 } } },
    });
  });

  it('webhookForContact builds from a stored contact with its tags and attributes', () => {
    const u = fake.addUser({ email: 'w@x.co', user_id: 'ext', name: 'W', attributes: { plan: 'pro' }, tags: ['a'] });
    assert.deepEqual(webhookForContact(u), {
      event: 'contact_tagged',
      data: {
        user: {
          data: {
            email: 'w@x.co',
            crmhero_user_id: u.crmhero_user_id,
            user_id: 'ext',
            name: 'W',
            attributes: { plan: 'pro' },
            tags: ['a'],
          },
        },
      },
    });
    const l = fake.addLead({ email: 'l@x.co', tags: ['b'] });
    const p = webhookForContact(l, { tags: 'objects', omitAttributes: true, event: 'contact_updated' });
    assert.deepEqual(p, {
      event: 'contact_updated',
      data: { lead: { data: { email: 'l@x.co', crmhero_user_id: l.crmhero_user_id, tags: [{ name: 'b' }] } } },
    });
  });
});
