import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { DELIVERY_UID, oneUser, tagNames, usersByEmail } from '../helpers/fixtures';

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Customerly outages, rate limits and a bad token (real Strapi, fake Customerly)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;

  before(async () => {
    fake = await startFakeCustomerly();
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        returnPassword: { enabled: true, attribute: 'wp_password' },
        customerly: { timeoutMs: 300, maxRetries: 3, maxBackoffMs: 1500, concurrency: 4 },
        queue: { pollMs: 100, retryBaseMs: 300, retryMaxMs: 600, maxAttempts: 3 },
      },
    });
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });
  beforeEach(() => fake.clearFaults());

  const delivery = (eventId: string) => app.strapi.db.query(DELIVERY_UID).findOne({ where: { eventId } });

  it('a Customerly outage (HTTP 500) is retried until it recovers', async () => {
    fake.addUser({ email: 'outage@example.com', attributes: {} });
    await app.webhook({ action: 'add' }, userWebhook({ email: 'outage@example.com', tags: ['before'] }));
    fake.options.includeTagsInContacts = true;
    fake.addUser({ email: 'outage@example.com', tags: ['after'] });
    fake.fault({ kind: 'status', status: 500, times: 2, path: '/users', method: 'GET' });
    const before = fake.requestsTo('GET', '/users').length;
    try {
      const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'outage@example.com' }));
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(fake.requestsTo('GET', '/users').length - before, 3, 'two failures, then the success');
      assert.ok(tagNames(await oneUser(app.strapi, 'outage@example.com')).includes('after'));
    } finally {
      fake.options.includeTagsInContacts = false;
    }
  });

  it('a 429 is retried after its Retry-After', async () => {
    fake.addUser({ email: 'limited@example.com' });
    await app.webhook({ action: 'add' }, userWebhook({ email: 'limited@example.com', tags: [] }));
    fake.fault({ kind: 'rateLimit', retryAfter: 1, times: 1, path: '/users', method: 'GET' });
    const t0 = Date.now();
    const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'limited@example.com' }));
    const elapsed = Date.now() - t0;
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.ok(elapsed >= 950, `waited for Retry-After (1 s), took ${elapsed} ms`);
    const gets = fake.requestsTo('GET', '/users').filter((r) => r.query.email === 'limited@example.com');
    assert.equal(gets.length, 2);
  });

  it('an outage that outlasts the client retries answers 202, stays queued, and completes when Customerly is back', async () => {
    await app.webhook({ action: 'add' }, userWebhook({ email: 'down@example.com', tags: ['kept'] }));
    fake.fault({ kind: 'status', status: 503, path: '/users' });
    const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'down@example.com' }));
    assert.equal(res.status, 202, JSON.stringify(res.json));
    assert.equal(res.json.queued, true);
    assert.match(res.json.retry.reason, /503/);
    const d = await delivery(res.json.eventId);
    assert.equal(d.status, 'queued');
    assert.match(d.error, /503/);
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'down@example.com')), ['kept'], 'nothing changed yet');

    fake.clearFaults();
    fake.options.includeTagsInContacts = true;
    fake.addUser({ email: 'down@example.com', tags: ['back'] });
    try {
      const done = await waitFor(async () => {
        const row = await delivery(res.json.eventId);
        return row.status === 'done' ? row : undefined;
      });
      assert.equal(done.attempts, 2);
      assert.deepEqual(tagNames(await oneUser(app.strapi, 'down@example.com')), ['back']);
    } finally {
      fake.options.includeTagsInContacts = false;
    }
  });

  it('a delivery that keeps failing ends failed after maxAttempts, with every attempt in its history', async () => {
    await app.webhook({ action: 'add' }, userWebhook({ email: 'never@example.com', tags: [] }));
    fake.fault({ kind: 'status', status: 500, path: '/users', method: 'GET' });
    const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'never@example.com' }));
    assert.equal(res.status, 202);
    const failed = await waitFor(async () => {
      const row = await delivery(res.json.eventId);
      return row.status === 'failed' ? row : undefined;
    });
    assert.equal(failed.attempts, 3);
    assert.deepEqual(
      failed.history.map((h: { status: string }) => h.status),
      ['queued', 'queued', 'failed']
    );
  });

  it('a Customerly that hangs times out and is retried, then the delivery waits in the queue', async () => {
    await app.webhook({ action: 'add' }, userWebhook({ email: 'hang@example.com', tags: [] }));
    fake.fault({ kind: 'hang', path: '/users', method: 'GET' });
    const before = fake.requestsTo('GET', '/users').length;
    const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'hang@example.com' }));
    assert.equal(res.status, 202);
    assert.match(res.json.retry.reason, /timed out/);
    assert.equal(fake.requestsTo('GET', '/users').length - before, 4, 'the first try and 3 retries');
  });

  it('a failed password return is recorded on the delivery and does not undo the user', async () => {
    fake.fault({ kind: 'status', status: 500, path: '/users', method: 'POST' });
    const res = await app.webhook({ action: 'add' }, userWebhook({ email: 'noreturn@example.com', tags: [] }));
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.passwordReturn, 'failed');
    assert.equal((await usersByEmail(app.strapi, 'noreturn@example.com')).length, 1);
    const d = await delivery(res.json.eventId);
    assert.equal(d.status, 'done');
    assert.match(JSON.stringify(d.result.warnings), /password could not be returned/);
  });
});

describe('a Retry-After longer than a request may wait (real Strapi, fake Customerly)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;
  // maxBackoffMs is high, so that only the wait budget (queue.syncWaitMs) stops the client from waiting; the queue's
  // own backoff (retryMaxMs) is short, so that only the Retry-After can put the retry an hour away.
  const syncWaitMs = 2000;
  const retryMaxMs = 600;

  before(async () => {
    fake = await startFakeCustomerly();
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        customerly: { timeoutMs: 1000, maxRetries: 3, maxBackoffMs: 600_000, concurrency: 4 },
        queue: { pollMs: 100, retryBaseMs: 300, retryMaxMs, maxAttempts: 5, syncWaitMs },
      },
    });
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });
  beforeEach(() => fake.clearFaults());

  const delivery = (eventId: string) => app.strapi.db.query(DELIVERY_UID).findOne({ where: { eventId } });

  it(
    '429 with Retry-After: 3600 answers 202 within syncWaitMs, and the delivery is retried only after the hour',
    { timeout: 60_000 },
    async () => {
      await app.webhook({ action: 'add' }, userWebhook({ email: 'hour@example.com', tags: ['kept'] }));
      fake.fault({ kind: 'rateLimit', retryAfter: 3600, path: '/users', method: 'GET' });
      const lookups = () => fake.requestsTo('GET', '/users').filter((r) => r.query.email === 'hour@example.com').length;

      const t0 = Date.now();
      const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'hour@example.com' }));
      const elapsed = Date.now() - t0;
      assert.equal(res.status, 202, JSON.stringify(res.json));
      assert.ok(elapsed < syncWaitMs + 1500, `answered in ${elapsed} ms (syncWaitMs ${syncWaitMs})`);
      assert.equal(res.json.queued, true);
      assert.match(res.json.retry.reason, /429/);
      assert.equal(lookups(), 1, 'no retry inside the request: the hour is not waited in part either');

      const hour = 3_600_000;
      const slack = 5_000;
      const at = Date.parse(res.json.retry.at);
      assert.ok(
        at >= t0 + hour - slack && at <= Date.now() + hour + retryMaxMs + slack,
        `the answer says the retry is at ${res.json.retry.at}`
      );
      const d = await delivery(res.json.eventId);
      assert.equal(d.status, 'queued');
      assert.match(d.error, /429/);
      const next = Number(d.nextAttemptAt);
      assert.ok(
        next >= t0 + hour - slack,
        `nextAttemptAt is ${Math.round((next - t0) / 1000)} s after the request, not the hour asked`
      );
      assert.ok(next <= Date.now() + hour + retryMaxMs + slack, 'and not much later either');

      // The worker polls every 100 ms: it leaves the delivery alone meanwhile.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(lookups(), 1, 'the worker did not retry before the hour');
      assert.equal((await delivery(res.json.eventId)).status, 'queued');
      assert.deepEqual(tagNames(await oneUser(app.strapi, 'hour@example.com')), ['kept'], 'nothing changed');
    }
  );

  it('a Retry-After within the budget is still waited in the request', async () => {
    await app.webhook({ action: 'add' }, userWebhook({ email: 'second@example.com', tags: [] }));
    fake.fault({ kind: 'rateLimit', retryAfter: 1, times: 1, path: '/users', method: 'GET' });
    const t0 = Date.now();
    const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'second@example.com' }));
    const elapsed = Date.now() - t0;
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.ok(elapsed >= 950 && elapsed < syncWaitMs + 1500, `waited the Retry-After (1 s): took ${elapsed} ms`);
    assert.equal(fake.requestsTo('GET', '/users').filter((r) => r.query.email === 'second@example.com').length, 2);
  });
});

describe('a wrong Customerly API token (real Strapi, fake Customerly)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;
  before(async () => {
    fake = await startFakeCustomerly();
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: 'not-the-token',
      pluginConfig: { customerly: { maxRetries: 3, maxBackoffMs: 50 } },
    });
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('is a configuration error: answered 503, not retried, recorded on the delivery', async () => {
    const res = await app.webhook({ action: 'add' }, userWebhook({ email: 'token@example.com' }));
    assert.equal(res.status, 503);
    assert.equal(res.json.error.code, 'customerly_auth');
    assert.match(res.json.error.message, /API token/);
    assert.equal(fake.requests.length, 1, 'one request, no retry');
    const d = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { eventId: res.json.eventId } });
    assert.equal(d.status, 'failed');
    assert.equal((await usersByEmail(app.strapi, 'token@example.com')).length, 0);
    assert.ok(!JSON.stringify(res.json).includes('not-the-token'));
  });
});
