/**
 * `listContacts` of the Customerly client against the fake Customerly server, over real HTTP: pages from 0, 50 rows a
 * page, rows checked as contacts, retries on 5xx and 429 (Retry-After) through the client's own retry logic, and the
 * process-wide concurrency cap. Only `sleep` is injected, so the waits are recorded instead of waited.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  ConcurrencyLimiter,
  CustomerlyClient,
  CustomerlyResponseError,
  CustomerlyUnavailableError,
  LIST_PAGE_SIZE,
  type CustomerlyClientOptions,
} from '../../server/src/customerly';
import { seedEmail, startFakeCustomerly, type FakeCustomerly } from '../fake-customerly';

let fake: FakeCustomerly;
let sleeps: number[];

function client(over: Partial<CustomerlyClientOptions> = {}): CustomerlyClient {
  return new CustomerlyClient({
    apiUrl: fake.url,
    token: fake.token,
    timeoutMs: 2000,
    maxRetries: 3,
    maxBackoffMs: 30_000,
    limiter: new ConcurrencyLimiter(4),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...over,
  });
}

before(async () => {
  fake = await startFakeCustomerly();
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  sleeps = [];
});
afterEach(() => fake.clearFaults());

describe('listContacts', () => {
  it('pages from 0, 50 a page, a short page last; every row once, in order, with the fields of a contact', async () => {
    fake.seedContacts({ users: 120, attributes: (i) => ({ plan: i % 2 ? 'pro' : 'free' }) });
    const c = client();
    const pages = [
      await c.listContacts('users', 0),
      await c.listContacts('users', 1),
      await c.listContacts('users', 2),
    ];
    assert.deepEqual(
      pages.map((p) => p.length),
      [LIST_PAGE_SIZE, LIST_PAGE_SIZE, 20]
    );
    const emails = pages.flat().map((r) => r.email);
    assert.deepEqual(
      emails,
      Array.from({ length: 120 }, (_, i) => seedEmail('users', i))
    );
    const first = pages[0]![0]!;
    assert.equal(typeof first.crmhero_user_id, 'number');
    assert.deepEqual(first.attributes, { plan: 'free' });
    assert.equal(first.tags, undefined, 'list rows carry no tags by default');
    assert.deepEqual(
      fake.listRequests('users').map((r) => [r.list.page, r.list.perPage]),
      [
        [0, 50],
        [1, 50],
        [2, 50],
      ]
    );
  });

  it('leads are read from /leads/list; an empty list is an empty page', async () => {
    fake.seedContacts({ leads: 3 });
    const rows = await client().listContacts('leads', 0);
    assert.deepEqual(
      rows.map((r) => [r.email, r.is_user]),
      [0, 1, 2].map((i) => [seedEmail('leads', i), 0])
    );
    assert.deepEqual(await client().listContacts('users', 0), []);
  });

  it('tags in the rows are kept when the list has them', async () => {
    fake.options.listIncludesTags = true;
    fake.seedContacts({ users: 2, tags: (i) => (i ? ['vip'] : []) });
    const rows = await client().listContacts('users', 0);
    assert.deepEqual(
      rows.map((r) => r.tags),
      [[], ['vip']]
    );
  });

  it('HTTP 500 on a page is retried by the client, then the page comes', async () => {
    fake.seedContacts({ users: 60 });
    fake.fault({ kind: 'status', status: 500, path: '/users/list', page: 1, times: 2 });
    const rows = await client().listContacts('users', 1);
    assert.equal(rows.length, 10);
    assert.deepEqual(fake.pageCounts('users'), { 1: 3 });
    assert.equal(sleeps.length, 2);
  });

  it('429 honours Retry-After; beyond maxBackoffMs it is unavailable at once, carrying the wait', async () => {
    fake.seedContacts({ users: 5 });
    fake.fault({ kind: 'rateLimit', retryAfter: 2, path: '/users/list', times: 1 });
    assert.equal((await client().listContacts('users', 0)).length, 5);
    assert.deepEqual(sleeps, [2000]);

    fake.fault({ kind: 'rateLimit', retryAfter: 120, path: '/users/list', times: 1 });
    await assert.rejects(
      () => client().listContacts('users', 0),
      (e: unknown) => e instanceof CustomerlyUnavailableError && e.retryAfterMs === 120_000 && e.httpStatus === 429
    );
  });

  it('500 every time: unavailable after the retries (a transient failure the import waits out)', async () => {
    fake.seedContacts({ users: 5 });
    fake.fault({ kind: 'status', status: 503, path: '/users/list' });
    await assert.rejects(
      () => client({ maxRetries: 2 }).listContacts('users', 0),
      (e: unknown) => e instanceof CustomerlyUnavailableError && e.httpStatus === 503
    );
    assert.equal(fake.pageCounts('users')[0], 3);
  });

  it('a malformed page is a CustomerlyResponseError naming the call, never retried', async () => {
    fake.fault({ kind: 'respond', status: 200, body: { data: { users: 'nope' } }, path: '/users/list', times: 1 });
    await assert.rejects(
      () => client().listContacts('users', 0),
      (e: unknown) => e instanceof CustomerlyResponseError && /GET \/users\/list/.test(e.message)
    );
    assert.equal(fake.requests.length, 1);
  });

  it('"not found" on the first page is an error (a wrong API URL), on a later page the end of the list', async () => {
    fake.fault({ kind: 'respond', status: 404, body: { error: { message: 'Not found' } }, path: '/users/list' });
    await assert.rejects(() => client().listContacts('users', 0), CustomerlyResponseError);
    assert.deepEqual(await client().listContacts('users', 3), []);
  });
});
