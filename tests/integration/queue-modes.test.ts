import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import { startStrapi, type AnswerJson, type TestStrapi } from '../helpers/strapi';
import { waitFor, pool } from '../helpers/processes';
import {
  CONTACT_LOCK_UID,
  DELIVERY_UID,
  ensureRole,
  oneUser,
  setResetPasswordUrl,
  tagNames,
  usersByEmail,
} from '../helpers/fixtures';

describe('queued processing (real Strapi, fake Customerly)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;

  before(async () => {
    fake = await startFakeCustomerly();
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        processing: 'queued',
        allowedRoles: ['authenticated', 'customer'],
        customerly: { timeoutMs: 500, maxRetries: 1, maxBackoffMs: 200, concurrency: 4 },
        queue: { pollMs: 100, retryBaseMs: 200, retryMaxMs: 1500, maxAttempts: 10, concurrency: 4 },
        rateLimit: { enabled: true, burst: 5000, perSecond: 1000 },
      },
    });
    await ensureRole(app.strapi, 'Customer', 'customer');
    await setResetPasswordUrl(app.strapi, 'http://front.test/reset-password');
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  const delivery = (eventId: string) => app.strapi.db.query(DELIVERY_UID).findOne({ where: { eventId } });
  const finished = (eventId: string) =>
    waitFor(
      async () => {
        const d = await delivery(eventId);
        return ['done', 'skipped', 'failed'].includes(d?.status) ? d : undefined;
      },
      30_000,
      `delivery ${eventId}`
    );

  it('answers 202 at once with the event id, and a worker processes it', async () => {
    const res = await app.webhook({ action: 'add' }, userWebhook({ email: 'q1@example.com', tags: ['queued'] }));
    assert.equal(res.status, 202);
    assert.equal(res.json.ok, true);
    assert.equal(res.json.queued, true);
    const d = await finished(res.json.eventId);
    assert.equal(d.status, 'done');
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'q1@example.com')), ['queued']);
  });

  it('send_notification and role survive the queue', async () => {
    const res = await app.webhook(
      { action: 'add', send_notification: 'true', role: 'customer' },
      userWebhook({ email: 'q2@example.com', tags: [] })
    );
    assert.equal(res.status, 202);
    const d = await finished(res.json.eventId);
    assert.equal(d.status, 'done');
    assert.equal(d.result.welcomeEmail, 'sent');
    const user = await oneUser(app.strapi, 'q2@example.com');
    assert.equal(user.role.type, 'customer');
    assert.ok(app.emails.some((m) => m.to === 'q2@example.com' && /reset-password\?code=/.test(String(m.text))));
  });

  it('a password given by the contact survives the queue sealed, never in plain text', async () => {
    // No mapping of user_pass here: the password in the payload is a secret key and is redacted.
    const res = await app.webhook(
      { action: 'add' },
      userWebhook({ email: 'q3@example.com', tags: [], attributes: { password: 'Plain-Text-Pw-999' } })
    );
    await finished(res.json.eventId);
    const stored = await delivery(res.json.eventId);
    assert.ok(!JSON.stringify(stored).includes('Plain-Text-Pw-999'));
    assert.equal(stored.sealed, null, 'sealed secrets are dropped once the delivery is finished');
  });

  it('async=true queues a delivery even in synchronous mode', async () => {
    const settings = app.strapi.plugin('customerly').service('settings');
    await settings.update({ processing: 'sync' });
    try {
      const sync = await app.webhook({ action: 'add' }, userWebhook({ email: 'q4@example.com', tags: [] }));
      assert.equal(sync.status, 200, 'sync mode answers with the result');
      const res = await app.webhook(
        { action: 'update_tags', async: 'true' },
        userWebhook({ email: 'q4@example.com', tags: ['later'] })
      );
      assert.equal(res.status, 202);
      await finished(res.json.eventId);
      assert.deepEqual(tagNames(await oneUser(app.strapi, 'q4@example.com')), ['later']);
    } finally {
      await settings.update({ processing: 'queued' });
    }
  });

  it('Customerly answering 500, then 429 with Retry-After, then recovering: everything completes within the attempt budget', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `storm${i}@example.com`);
    for (const email of emails) {
      fake.addUser({ email, attributes: { plan: 'x' } });
    }
    // The payload has no tags: each delivery must ask Customerly.
    fake.fault({ kind: 'status', status: 500, times: 40, path: '/users', method: 'GET' });
    fake.fault({ kind: 'rateLimit', retryAfter: 1, times: 20, path: '/users', method: 'GET' });
    const answers = await pool(
      emails.map((email) => () => app.webhook({ action: 'add' }, userWebhook({ email }))),
      10
    );
    assert.ok(answers.every((a) => a.status === 202));
    const rows = await Promise.all(answers.map((a) => finished(a.json.eventId)));
    assert.deepEqual(
      rows.map((r) => r.status),
      Array(30).fill('done')
    );
    assert.ok(
      rows.every((r) => r.attempts <= 10),
      'within the attempt budget'
    );
    assert.ok(
      rows.some((r) => r.attempts > 1),
      'some needed a retry from the queue'
    );
    for (const email of emails) assert.equal((await usersByEmail(app.strapi, email)).length, 1);
    assert.equal(fake.listFaults().length, 0, 'every fault was served');
  });

  it("claims a contact's delivery only when no earlier one of the contact waits or runs", async () => {
    const strapi = app.strapi;
    const record = strapi.plugin('customerly').service('delivery-record');
    const queue = strapi.plugin('customerly').service('queue');
    // Not due for an hour: the workers leave them alone, only the claims below touch them.
    const later = Date.now() + 3_600_000;
    const store = (email: string) =>
      record.create({
        action: 'update',
        params: { action: 'update' },
        email,
        contactKey: email,
        payload: {},
        nextAttemptAt: later,
      });
    const first = await store('turns@example.com');
    const second = await store('turns@example.com');
    const other = await store('other-turns@example.com');
    const row = (d: { id: number; contactKey: string }) => ({ id: d.id, contactKey: d.contactKey, attempts: 0 });
    const locks = () => strapi.db.query(CONTACT_LOCK_UID).findMany({});

    // The first still waits (queued, a retry due later): the second is not claimed, and leaves no lock behind.
    assert.equal(await queue.tryClaim(row(second), 60_000), false);
    assert.deepEqual(await locks(), []);
    assert.equal((await delivery(second.eventId)).status, 'queued');
    // Another contact is not held back by it.
    assert.equal(await queue.tryClaim(row(other), 60_000), true);
    await queue.unlockContact(other.contactKey, other.id);

    // The first runs (claimed, its contact locked): the second still waits.
    assert.equal(await queue.tryClaim(row(first), 60_000), true);
    await queue.unlockContact(first.contactKey, first.id);
    assert.equal(await queue.tryClaim(row(second), 60_000), false, 'the first is processing');
    assert.deepEqual(await locks(), []);

    // The first is done: now the second's turn.
    await record.finish({ ...first, attempts: 1 }, { status: 'done' });
    assert.equal(await queue.tryClaim(row(second), 60_000), true);
    assert.equal((await delivery(second.eventId)).status, 'processing');
    assert.deepEqual(
      (await locks()).map((l: { contactKey: string }) => l.contactKey),
      ['turns@example.com']
    );
    await record.finish({ ...second, attempts: 1 }, { status: 'done' });
    await record.finish({ ...other, attempts: 1 }, { status: 'done' });
    await queue.unlockContact(second.contactKey, second.id);
  });

  it('replay runs a delivery again and records a new attempt', async () => {
    const res = await app.webhook(
      { action: 'update_tags' },
      userWebhook({ email: 'q1@example.com', tags: ['replayed'] })
    );
    const first = await finished(res.json.eventId);
    await app.strapi.db
      .query('plugin::users-permissions.user')
      .update({ where: { email: 'q1@example.com' }, data: { tags: [] } });
    const answer = await app.strapi.plugin('customerly').service('webhook').replay(first.documentId);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const again = await delivery(res.json.eventId);
    assert.equal(again.attempts, 2);
    assert.equal(again.history.length, 2);
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'q1@example.com')), ['replayed']);
  });
});

describe('per-IP rate limit (real Strapi)', () => {
  let app: TestStrapi;
  before(async () => {
    app = await startStrapi({ pluginConfig: { rateLimit: { enabled: true, burst: 3, perSecond: 0.5 } } });
  });
  after(async () => app?.stop());

  it('answers 429 JSON with Retry-After once the burst is spent', async () => {
    const statuses = [];
    let limited: { json: AnswerJson; headers: Headers } | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await app.webhook({ action: 'test' });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.equal(limited!.json.error.code, 'rate_limited');
    assert.ok(Number(limited!.headers.get('retry-after')) >= 1);
  });
});

describe('shutdown (real Strapi)', () => {
  it('stops the worker after the delivery in hand, leaving nothing claimed', async () => {
    const fake = await startFakeCustomerly();
    const app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: { processing: 'queued', queue: { pollMs: 50 } },
    });
    try {
      fake.addUser({ email: 'slow@example.com' });
      fake.fault({ kind: 'latency', ms: 800, path: '/users', method: 'GET' });
      const res = await app.webhook({ action: 'add' }, userWebhook({ email: 'slow@example.com' }));
      await waitFor(
        async () =>
          (await app.strapi.db.query(DELIVERY_UID).findOne({ where: { eventId: res.json.eventId } }))?.status ===
          'processing',
        10_000,
        'the claim'
      );
      const strapi = app.strapi;
      const stopping = strapi.plugin('customerly').service('worker').stop();
      await stopping;
      const row = await strapi.db.query(DELIVERY_UID).findOne({ where: { eventId: res.json.eventId } });
      assert.equal(row.status, 'done', 'the delivery in hand was finished');
      assert.equal(await strapi.db.query('plugin::customerly.contact-lock').count({}), 0);
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
