/**
 * Outbound delivery (issue 13) through the queue's workers, on a real Strapi with the fake Customerly:
 *  - 500, 429 (Retry-After) and a hang from Customerly: retried with back-off, then delivered;
 *  - `failed` after queue.maxAttempts, then a replay from the delivery log delivers it;
 *  - several changes of one user waiting together are one entry of one `POST /users` (coalesced), and the users of
 *    a burst share requests (batched, 50 at most);
 *  - an import job sends nothing back (no echo).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, type FakeCustomerly } from '../fake-customerly';
import { DELIVERY_UID } from '../helpers/fixtures';
import { waitFor } from '../helpers/processes';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { signedInAdmin, type AdminSession } from '../e2e/admin-api';
import { outboundRows, outboundSettled } from '../helpers/outbound';
import { OUTBOUND_GATHER_MS } from '../../server/src/services/outbound/lifecycles';

describe('outbound delivery: faults, retries, replay, coalescing, batching, imports (real Strapi, fake Customerly)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;
  let admin: AdminSession;
  let n = 0;

  const userService = () => app.strapi.plugin('users-permissions').service('user');
  const worker = () => app.strapi.plugin('customerly').service('worker');
  const register = async (email: string, extra: Record<string, unknown> = {}) =>
    userService().add({
      username: `u${++n}-${email}`,
      email,
      password: 'Passw0rd!x',
      provider: 'local',
      confirmed: true,
      ...extra,
    }) as Promise<{ id: number; documentId: string }>;
  const rowsOf = async (email: string) => (await outboundRows(app.strapi)).filter((r) => r.email === email);
  const postsTo = (email: string) =>
    fake.requestsTo('POST', '/users').filter((r) => JSON.stringify(r.body).includes(`"${email}"`));

  before(async () => {
    fake = await startFakeCustomerly();
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        outbound: { enabled: true },
        fieldMapping: [{ from: 'attributes.plan', to: 'plan', type: 'string', direction: 'out' }],
        queue: { pollMs: 50, retryBaseMs: 100, retryMaxMs: 300, maxAttempts: 4, syncWaitMs: 3000 },
        customerly: { timeoutMs: 2000, maxRetries: 0 },
      },
    });
    admin = await signedInAdmin(app);
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  for (const [name, fault] of [
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['HTTP 429 with Retry-After', { kind: 'rateLimit', retryAfter: 1 }],
    ['a hang (timeout)', { kind: 'hang' }],
  ] as const) {
    it(`${name} twice, then delivered`, async () => {
      const email = `fault-${fault.kind.toLowerCase()}@example.com`;
      fake.fault({ ...fault, path: '/users', method: 'POST', times: 2 });
      const started = Date.now();
      await register(email);
      const rows = await outboundSettled(app.strapi);
      const mine = rows.filter((r) => r.email === email);
      assert.deepEqual(
        mine.map((r) => [r.action, r.status, r.attempts]),
        [['upsert', 'done', 3]]
      );
      assert.equal(postsTo(email).length, 3, 'sent three times');
      assert.ok(fake.getUser(email), 'the user reached Customerly');
      if (fault.kind === 'rateLimit') assert.ok(Date.now() - started >= 1000, 'Retry-After was honoured');
      const detail = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { id: mine[0]!.id } });
      assert.equal(detail.history.length, 3, 'every attempt is in the history');
      fake.clearFaults();
    });
  }

  it('failed after maxAttempts, then replayed from the delivery log', async () => {
    const email = 'doomed@example.com';
    fake.fault({ kind: 'status', status: 503, path: '/users', method: 'POST' });
    await register(email);
    const rows = await waitFor(
      async () => {
        const r = await rowsOf(email);
        return r.length && r.every((x) => x.status === 'failed') ? r : undefined;
      },
      20_000,
      'the delivery to fail'
    );
    assert.equal(rows[0]!.attempts, 4, 'failed after maxAttempts (4)');
    assert.equal(fake.getUser(email), undefined);
    fake.clearFaults();
    const replay = await admin.call('POST', `/customerly/deliveries/${rows[0]!.documentId}/replay`, {});
    assert.equal(replay.status, 200, JSON.stringify(replay.json));
    assert.equal(replay.json.data.delivery.status, 'done');
    assert.equal(replay.json.data.delivery.direction, 'outbound');
    assert.ok(fake.getUser(email), 'the replay reached Customerly');
  });

  it('coalesces several pending upserts of one user into one entry with its latest values', async () => {
    await worker().stop();
    const email = 'coalesce@example.com';
    const user = await register(email, { plan: 'a' });
    await userService().edit(user.id, { plan: 'b' });
    await userService().edit(user.id, { plan: 'c' });
    const before = fake.requestsTo('POST', '/users').length;
    assert.equal((await rowsOf(email)).length, 3, 'three outbound deliveries stored');
    await worker().start();
    const rows = (await outboundSettled(app.strapi)).filter((r) => r.email === email);
    assert.deepEqual(
      rows.map((r) => r.status),
      ['done', 'done', 'done']
    );
    const sent = fake.requestsTo('POST', '/users').slice(before);
    assert.deepEqual(
      sent.map((r) => r.body),
      [{ users: [{ email, user_id: String(user.id), attributes: { plan: 'c' } }] }]
    );
  });

  it('batches the upserts of a burst: 120 users in 3 requests of at most 50', async () => {
    await worker().stop();
    const emails = Array.from({ length: 120 }, (_, i) => `batch${i}@example.com`);
    for (const email of emails) await register(email);
    // Each outbox row is due OUTBOUND_GATHER_MS after its write: the burst is whole once the last one is due (the
    // worker would otherwise send the last few one by one as they fall due, as it should for a trickle).
    await new Promise((r) => setTimeout(r, OUTBOUND_GATHER_MS + 50));
    const before = fake.requestsTo('POST', '/users').length;
    await worker().start();
    const rows = (await outboundSettled(app.strapi, 'the burst to be sent')).filter((r) => emails.includes(r.email));
    assert.equal(rows.length, 120);
    assert.deepEqual(
      rows.filter((r) => r.status !== 'done' || r.attempts !== 1),
      [],
      'each delivered at its first attempt'
    );
    const sent = fake.requestsTo('POST', '/users').slice(before);
    const sizes = sent.map((r) => (r.body as { users: unknown[] }).users.length);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      120,
      `each user sent once (${JSON.stringify(sizes)})`
    );
    assert.ok(sent.length <= 4, `few requests (${JSON.stringify(sizes)})`);
    assert.ok(
      sizes.every((s) => s <= 50),
      `at most 50 users a request (${JSON.stringify(sizes)})`
    );
    for (const email of emails) assert.ok(fake.getUser(email), `${email} reached Customerly`);
  });

  it('an import job sends nothing back (no echo)', async () => {
    fake.seedContacts({ users: 30, from: 0 });
    const outBefore = (await outboundRows(app.strapi)).length;
    const job = await admin.call('POST', '/customerly/jobs', {
      type: 'import',
      source: 'users',
      mode: 'create',
    });
    assert.equal(job.status, 201, JSON.stringify(job.json));
    const id = job.json.id ?? job.json.data?.id;
    const done = await waitFor(
      async () => {
        const r = await admin.call('GET', `/customerly/jobs/${id}`);
        const body = r.json.data ?? r.json;
        return body.status === 'done' || body.status === 'failed' ? body : undefined;
      },
      60_000,
      'the import to finish'
    );
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.progress.created, 30);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await outboundRows(app.strapi)).length, outBefore, 'the import stored no outbound delivery');
  });
});
