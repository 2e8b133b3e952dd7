/**
 * The fake Customerly's list endpoints, seeding and list faults, called over real HTTP (the import jobs are
 * tested against them, so they must behave as customerly.md describes).
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MESSAGES, seedEmail, startFakeCustomerly } from '../fake-customerly';
import type { ContactKind, FakeCustomerly } from '../fake-customerly';

let fake: FakeCustomerly;

before(async () => {
  fake = await startFakeCustomerly({ token: 'list-tok' });
});
after(async () => {
  await fake.close();
});
afterEach(() => {
  fake.reset();
  fake.options.listIncludesTags = false;
  fake.options.includeTagsInContacts = false;
  fake.options.maxPerPage = 50;
});

interface Row {
  crmhero_user_id: number;
  user_id?: string;
  email: string;
  name: string | null;
  is_user: 0 | 1;
  app_id: string;
  attributes: Record<string, unknown>;
  tags?: string[];
  last_update: number;
  first_seen_at: number;
  last_activity: number;
}

interface Answer {
  status: number;
  json: unknown;
  text: string;
  headers: Headers;
}

type Auth = 'authentication' | 'bearer' | 'both' | 'none';

async function get(path: string, o: { auth?: Auth; token?: string; timeoutMs?: number } = {}): Promise<Answer> {
  const token = o.token ?? fake.token;
  const auth = o.auth ?? 'both';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth === 'authentication' || auth === 'both') headers['Authentication'] = `AccessToken: ${token}`;
  if (auth === 'bearer' || auth === 'both') headers['Authorization'] = `Bearer ${token}`;
  const res = await fetch(`${fake.url}${path}`, { headers, signal: AbortSignal.timeout(o.timeoutMs ?? 3000) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** The rows of a 200 list answer, checking the `{"data":{"<source>":[…]}}` envelope. */
function rowsOf(a: Answer, source: ContactKind): Row[] {
  assert.equal(a.status, 200, a.text);
  const data = (a.json as { data?: Record<string, unknown> }).data;
  assert.ok(data && Array.isArray(data[source]), `expected data.${source} to be an array: ${a.text}`);
  assert.deepEqual(Object.keys(data), [source]);
  return data[source] as Row[];
}

async function page(source: ContactKind, n: number, perPage = 50): Promise<Row[]> {
  return rowsOf(await get(`/${source}/list?page=${n}&per_page=${perPage}`), source);
}

/**
 * Pages from 0 until a short page, as the import will, retrying a page (up to `retries` times) when it fails
 * or times out. Returns every row and the number of pages that ended with a 200.
 */
async function pageAll(
  source: ContactKind,
  perPage: number,
  o: { retries?: number; timeoutMs?: number } = {}
): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  for (let n = 0; ; n++) {
    let got: Row[] | undefined;
    for (let attempt = 0; got === undefined; attempt++) {
      try {
        const a = await get(`/${source}/list?page=${n}&per_page=${perPage}`, { timeoutMs: o.timeoutMs });
        if (a.status === 200) got = rowsOf(a, source);
        else if (attempt >= (o.retries ?? 0)) assert.fail(`page ${n}: ${a.status} ${a.text}`);
      } catch (err) {
        if (attempt >= (o.retries ?? 0) || (err as Error).name !== 'TimeoutError') throw err;
      }
    }
    rows.push(...got);
    if (got.length < perPage) return { rows, pages: n + 1 };
  }
}

describe('fake Customerly lists: paging', () => {
  it('pages start at 0, rows come by crmhero_user_id, and a short page ends the list (users and leads)', async () => {
    for (let i = 0; i < 5; i++) fake.addUser({ email: `p${i}@x.co`, user_id: `ext-${i}` });
    fake.addLead({ email: 'lead-a@x.co' });
    fake.addLead({ email: 'lead-b@x.co' });
    fake.addLead({ email: 'lead-c@x.co' });

    const p0 = await page('users', 0, 2);
    const p1 = await page('users', 1, 2);
    const p2 = await page('users', 2, 2);
    assert.deepEqual(
      [p0, p1, p2].map((p) => p.map((r) => r.email)),
      [['p0@x.co', 'p1@x.co'], ['p2@x.co', 'p3@x.co'], ['p4@x.co']]
    );
    const all = await pageAll('users', 2);
    assert.equal(all.pages, 3);
    assert.deepEqual(
      all.rows.map((r) => r.crmhero_user_id),
      [1, 2, 3, 4, 5]
    );

    const leads = await pageAll('leads', 2);
    assert.equal(leads.pages, 2);
    assert.deepEqual(
      leads.rows.map((r) => r.email),
      ['lead-a@x.co', 'lead-b@x.co', 'lead-c@x.co']
    );
  });

  it('a list that fills its last page exactly ends with an empty page', async () => {
    for (let i = 0; i < 4; i++) fake.addUser({ email: `q${i}@x.co` });
    const all = await pageAll('users', 2);
    assert.equal(all.pages, 3);
    assert.equal(all.rows.length, 4);
    assert.deepEqual(await page('users', 2, 2), []);
    assert.deepEqual(await page('users', 99, 2), []);
  });

  it('an empty list answers an empty page 0 for users and for leads', async () => {
    assert.deepEqual((await get('/users/list?page=0&per_page=50')).json, { data: { users: [] } });
    assert.deepEqual((await get('/leads/list?page=0&per_page=50')).json, { data: { leads: [] } });
    assert.deepEqual((await get('/leads/list')).json, { data: { leads: [] } }, 'page and per_page are optional');
  });

  it('list rows are shaped like contacts, plus location/browser/UTM fields; leads have no user_id', async () => {
    fake.addUser({ email: 'row@x.co', user_id: 'ext-row', name: 'Row', attributes: { plan: 'pro' }, tags: ['t'] });
    fake.addLead({ email: 'lead@x.co', name: 'Lead', attributes: { source: 'chat' } });
    const [u] = await page('users', 0);
    assert.ok(u);
    assert.equal(u.email, 'row@x.co');
    assert.equal(u.user_id, 'ext-row');
    assert.equal(u.name, 'Row');
    assert.equal(u.is_user, 1);
    assert.equal(u.app_id, 'fakeapp1');
    assert.deepEqual(u.attributes, { plan: 'pro' });
    assert.equal(typeof u.crmhero_user_id, 'number');
    for (const k of ['last_update', 'first_seen_at', 'last_activity'] as const) {
      assert.ok(Number.isInteger(u[k]) && u[k] > 1_600_000_000 && u[k] < 10_000_000_000, k);
    }
    for (const k of ['country', 'browser', 'utm_source']) assert.ok(k in u, k);
    const [l] = await page('leads', 0);
    assert.ok(l);
    assert.equal(l.is_user, 0);
    assert.equal('user_id' in l, false);
    assert.deepEqual(l.attributes, { source: 'chat' });
  });

  it('per_page defaults to 50 and is clamped to maxPerPage; bad page or per_page is a 400 Customerly error', async () => {
    fake.seedContacts({ users: 120 });
    assert.equal((await page('users', 0, 500)).length, 50, 'clamped to 50');
    assert.equal(rowsOf(await get('/users/list'), 'users').length, 50, 'default 50');
    assert.deepEqual(
      fake.listRequests('users').map((r) => r.list),
      [
        { source: 'users', page: 0, perPage: 50 },
        { source: 'users', page: 0, perPage: 50 },
      ]
    );
    assert.equal(fake.listRequests('users')[0]!.query.per_page, '500', 'the query as sent is kept');
    fake.options.maxPerPage = 100;
    assert.equal((await page('users', 1, 500)).length, 20, 'the cap can be changed at run time');

    for (const q of ['page=-1', 'page=x', 'page=1.5', 'per_page=0', 'per_page=abc', 'page=']) {
      const a = await get(`/users/list?${q}`);
      assert.equal(a.status, 400, q);
      assert.equal(typeof (a.json as { error: { message: string } }).error.message, 'string', q);
      assert.deepEqual(Object.keys(a.json as object), ['error']);
    }
    assert.equal(fake.listRequests().length, 3, 'invalid list calls carry no `list`');
  });
});

describe('fake Customerly lists: auth', () => {
  it('accepts either auth header; no header and a bad token answer 500 like the other endpoints', async () => {
    fake.addUser({ email: 'a@x.co' });
    for (const source of ['users', 'leads'] as const) {
      for (const auth of ['authentication', 'bearer', 'both'] as const) {
        const a = await get(`/${source}/list?page=0&per_page=50`, { auth });
        assert.equal(a.status, 200, `${source} ${auth}`);
      }
      const none = await get(`/${source}/list?page=0`, { auth: 'none' });
      assert.equal(none.status, 500);
      assert.deepEqual(none.json, { error: { message: MESSAGES.noToken, code: 0 } });
      for (const auth of ['authentication', 'bearer', 'both'] as const) {
        const bad = await get(`/${source}/list?page=0`, { auth, token: 'wrong' });
        assert.equal(bad.status, 500, `${source} ${auth}`);
        assert.deepEqual(bad.json, { error: { message: MESSAGES.badToken, code: 0 } });
      }
    }
    const recorded = fake.listRequests();
    assert.equal(recorded.length, 14, 'every list call is recorded, refused ones too');
    assert.deepEqual(
      recorded.map((r) => r.status),
      [200, 200, 200, 500, 500, 500, 500, 200, 200, 200, 500, 500, 500, 500]
    );
  });
});

describe('fake Customerly lists: seeding', () => {
  it('seeds 10,000 users and 500 leads fast; paging them sees each once, with no gaps, one request per page', async () => {
    const t0 = performance.now();
    const seeded = fake.seedContacts({
      users: 10_000,
      leads: 500,
      tags: (i, kind) => (kind === 'users' && i % 3 === 0 ? ['vip'] : []),
      attributes: (i) => ({ n: i }),
    });
    const seedMs = performance.now() - t0;
    assert.ok(seedMs < 3000, `seeding took ${seedMs} ms`);
    assert.deepEqual(seeded, {
      users: { count: 10_000, firstId: 1, lastId: 10_000 },
      leads: { count: 500, firstId: 10_001, lastId: 10_500 },
    });
    assert.equal(fake.count('users'), 10_000);
    assert.equal(fake.count('leads'), 500);

    const users = await pageAll('users', 50);
    assert.equal(users.pages, 201, '200 full pages and an empty one');
    assert.equal(users.rows.length, 10_000);
    const emails = new Set(users.rows.map((r) => r.email));
    assert.equal(emails.size, 10_000, 'no duplicates');
    users.rows.forEach((r, i) => {
      assert.equal(r.crmhero_user_id, i + 1);
      assert.equal(r.email, seedEmail('users', i));
      assert.equal(r.user_id, `u${i}`);
      assert.deepEqual(r.attributes, { n: i });
      assert.equal(r.tags, undefined, 'no tags in list rows by default');
    });
    const counts = fake.pageCounts('users');
    assert.equal(Object.keys(counts).length, 201);
    assert.ok(
      Object.values(counts).every((c) => c === 1),
      'each page fetched once'
    );

    const leads = await pageAll('leads', 50);
    assert.equal(leads.pages, 11);
    assert.deepEqual(
      leads.rows.map((r) => r.email),
      Array.from({ length: 500 }, (_, i) => `lead${i}@import.test`)
    );
    assert.deepEqual(fake.getUser('user9@import.test')?.tags, ['vip']);
    assert.deepEqual(fake.listTags(), ['vip']);
  });

  it('seeded contacts are found by GET /users?email=, ?user_id= and GET /leads?email=', async () => {
    fake.seedContacts({
      users: 20,
      leads: 5,
      name: (i, kind) => `${kind}-${i}`,
      attributes: (i, kind) => ({ kind, i }),
    });
    const byEmail = await get(`/users?email=${encodeURIComponent('USER7@import.test')}`);
    assert.equal(byEmail.status, 200);
    const u = (byEmail.json as { data: Row }).data;
    assert.equal(u.email, 'user7@import.test');
    assert.equal(u.user_id, 'u7');
    assert.equal(u.name, 'users-7');
    assert.deepEqual(u.attributes, { kind: 'users', i: 7 });
    const byId = await get('/users?user_id=u7');
    assert.equal((byId.json as { data: Row }).data.crmhero_user_id, u.crmhero_user_id);
    const lead = await get('/leads?email=lead4%40import.test');
    assert.equal(lead.status, 200);
    assert.equal((lead.json as { data: Row }).data.is_user, 0);
    const missing = await get('/users?email=user20%40import.test');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { error: { message: MESSAGES.notFound, code: 404 } });
  });

  it('seeding again continues from `from`, merges an existing email, and userId can omit user_id', async () => {
    fake.addUser({ email: 'user2@import.test', attributes: { kept: true } });
    const r = fake.seedContacts({ users: 3, userId: (i) => (i === 1 ? undefined : `ext-${i}`) });
    assert.deepEqual(r.users, { count: 3, firstId: 2, lastId: 1 }, 'user2 kept its id 1; new ids 2 and 3');
    assert.deepEqual(fake.getUser('user2@import.test')?.attributes, { kept: true });
    assert.equal(fake.getUser('user1@import.test')?.user_id, undefined);
    const more = fake.seedContacts({ users: 2, from: 3 });
    assert.deepEqual(more.users, { count: 2, firstId: 4, lastId: 5 });
    const emails = (await pageAll('users', 50)).rows.map((x) => x.email);
    assert.deepEqual(emails, [
      'user2@import.test',
      'user0@import.test',
      'user1@import.test',
      'user3@import.test',
      'user4@import.test',
    ]);
    assert.throws(() => fake.seedContacts({ users: -1 }), RangeError);
  });

  it('POST /users upserts into seeded contacts (the email index is shared)', async () => {
    fake.seedContacts({ users: 3 });
    const res = await fetch(`${fake.url}/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ users: [{ email: 'User1@Import.test', attributes: { x: 1 } }, { email: 'new@x.co' }] }),
    });
    assert.deepEqual(((await res.json()) as { data: { inserted: number; updated: number } }).data, {
      inserted: 1,
      updated: 1,
      errors: [],
      not_added: [],
    });
    assert.equal(fake.count('users'), 4);
    assert.deepEqual(fake.getUser('user1@import.test')?.attributes, { x: 1 });
  });
});

describe('fake Customerly lists: tags in rows', () => {
  it('listIncludesTags (default false) decides whether rows carry tags, independently of lookups', async () => {
    fake.seedContacts({ users: 2, leads: 1, tags: (i, kind) => [`${kind}-${i}`] });
    assert.equal((await page('users', 0))[0]!.tags, undefined);
    assert.equal((await page('leads', 0))[0]!.tags, undefined);

    fake.options.listIncludesTags = true;
    assert.deepEqual(
      (await page('users', 0)).map((r) => r.tags),
      [['users-0'], ['users-1']]
    );
    assert.deepEqual((await page('leads', 0))[0]!.tags, ['leads-0']);
    const lookup = await get('/users?email=user0%40import.test');
    assert.equal((lookup.json as { data: Row }).data.tags, undefined, 'lookups follow includeTagsInContacts');

    fake.options.listIncludesTags = false;
    fake.options.includeTagsInContacts = true;
    assert.equal((await page('users', 0))[0]!.tags, undefined);

    const other = await startFakeCustomerly({ listIncludesTags: true });
    try {
      other.seedContacts({ users: 1, tags: () => ['a'] });
      const res = await fetch(`${other.url}/users/list?page=0`, {
        headers: { Authorization: `Bearer ${other.token}` },
      });
      assert.deepEqual(((await res.json()) as { data: { users: Row[] } }).data.users[0]!.tags, ['a']);
    } finally {
      await other.close();
    }
  });
});

describe('fake Customerly lists: faults', () => {
  it('500 twice on one page, then it answers: only that page is retried', async () => {
    fake.seedContacts({ users: 260 });
    fake.fault({ kind: 'status', status: 500, path: '/users/list', page: 3, times: 2 });
    fake.fault({ kind: 'status', status: 503, path: '/leads/list', page: 3 });
    const all = await pageAll('users', 50, { retries: 2 });
    assert.equal(all.rows.length, 260);
    assert.equal(new Set(all.rows.map((r) => r.crmhero_user_id)).size, 260);
    assert.deepEqual(fake.pageCounts('users'), { 0: 1, 1: 1, 2: 1, 3: 3, 4: 1, 5: 1 });
    assert.deepEqual(
      fake
        .listRequests('users')
        .filter((r) => r.list.page === 3)
        .map((r) => r.status),
      [500, 500, 200]
    );
    assert.equal(fake.listFaults().length, 1, 'the users fault is used up; the leads one is not');
    assert.equal((await get('/tags')).status, 200, 'a page fault never matches other endpoints');
    assert.equal((await get('/leads/list?page=3')).status, 503);
    assert.equal((await get('/leads/list?page=2')).status, 200);
  });

  it('a page fault without a path applies to both lists; a predicate picks pages', async () => {
    fake.seedContacts({ users: 10, leads: 10 });
    fake.fault({ kind: 'status', status: 502, page: (p) => p >= 1, times: 2 });
    assert.equal((await get('/users/list?page=0&per_page=5')).status, 200);
    assert.equal((await get('/users/list?page=1&per_page=5')).status, 502);
    assert.equal((await get('/leads/list?page=2&per_page=5')).status, 502);
    assert.equal((await get('/leads/list?page=2&per_page=5')).status, 200);
  });

  it('429 with Retry-After on page k', async () => {
    fake.seedContacts({ leads: 120 });
    fake.fault({ kind: 'rateLimit', retryAfter: 2, path: '/leads/list', page: 1, times: 1 });
    const p1 = await get('/leads/list?page=1&per_page=50');
    assert.equal(p1.status, 429);
    assert.equal(p1.headers.get('retry-after'), '2');
    assert.deepEqual(Object.keys((p1.json as { error: object }).error).sort(), ['code', 'message']);
    assert.equal((await page('leads', 1)).length, 50);
    assert.deepEqual(fake.pageCounts('leads'), { 1: 2 });
  });

  it('a hang on page k times out the client; the retry answers; the hung call is recorded without a status', async () => {
    fake.seedContacts({ users: 120 });
    fake.fault({ kind: 'hang', path: '/users/list', page: 2, times: 1 });
    const all = await pageAll('users', 50, { retries: 1, timeoutMs: 300 });
    assert.equal(all.rows.length, 120);
    const p2 = fake.listRequests('users').filter((r) => r.list.page === 2);
    assert.equal(p2.length, 2);
    assert.equal(p2[0]!.status, undefined);
    assert.equal(p2[1]!.status, 200);
  });

  it('latency on every page', async () => {
    fake.seedContacts({ users: 100 });
    fake.fault({ kind: 'latency', ms: 60, path: /\/list$/ });
    const t0 = performance.now();
    const all = await pageAll('users', 50);
    const ms = performance.now() - t0;
    assert.equal(all.pages, 3);
    assert.ok(ms >= 3 * 55, `3 pages took ${ms} ms`);
    const t1 = performance.now();
    assert.equal((await get('/tags')).status, 200);
    assert.ok(performance.now() - t1 < 50, 'other endpoints are not delayed');
  });

  it('respond answers a page with any status and body (e.g. a malformed page)', async () => {
    fake.seedContacts({ users: 3 });
    fake.fault({ kind: 'respond', status: 200, body: { data: {} }, page: 0, times: 1 });
    fake.fault({
      kind: 'respond',
      status: 502,
      body: '<html>bad gateway</html>',
      headers: { 'content-type': 'text/html' },
      page: 0,
      times: 1,
    });
    assert.deepEqual((await get('/users/list?page=0')).json, { data: {} });
    const html = await get('/users/list?page=0');
    assert.equal(html.status, 502);
    assert.equal(html.text, '<html>bad gateway</html>');
    assert.equal(html.headers.get('content-type'), 'text/html');
    assert.equal((await page('users', 0)).length, 3);
  });
});
