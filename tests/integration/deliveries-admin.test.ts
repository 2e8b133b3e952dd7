/**
 * The delivery log's admin API (issue 10, "Deliveries"), on a real Strapi with the fake Customerly:
 *  - a delivery that finished with warnings stays `done` and carries `warnings` in the list and the detail, and the
 *    list filters by them;
 *  - a replay of a delivery whose contact has newer finished deliveries is refused (409 `stale`, with how many and
 *    the latest) unless forced; the body is validated;
 *  - the `test` action is recorded (parameters only, never the key or the body), and only the newest tests are kept;
 *  - the detail never sends which process ran a delivery.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { DeliveriesPage, DeliveryDetail, DeliveryRow } from '../../shared/contracts/deliveries';
import { TEST_DELIVERIES_KEPT } from '../../server/src/services/delivery/test-deliveries';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import { DELIVERY_UID, oneUser, tagNames } from '../helpers/fixtures';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { signedInAdmin, type AdminSession } from '../e2e/admin-api';
import { validationPaths } from '../helpers/assertions';

describe('delivery log admin API: warnings, stale replays, test deliveries (real Strapi, fake Customerly)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;
  let admin: AdminSession;

  before(async () => {
    fake = await startFakeCustomerly();
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        returnPassword: { enabled: true, attribute: 'wp_password' },
        customerly: { timeoutMs: 500, maxRetries: 0 },
      },
    });
    admin = await signedInAdmin(app);
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  const list = async (qs: string): Promise<DeliveriesPage> => {
    const res = await admin.call('GET', `/customerly/deliveries?${qs}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json;
  };
  const detail = async (documentId: string): Promise<DeliveryDetail> => {
    const res = await admin.call('GET', `/customerly/deliveries/${documentId}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json.data;
  };
  const rowOf = async (eventId: string): Promise<DeliveryRow> => {
    const row = (await list('pageSize=100')).data.find((d) => d.eventId === eventId);
    assert.ok(row, `delivery ${eventId} is in the list`);
    return row;
  };
  const replay = (documentId: string, body?: unknown) =>
    admin.call('POST', `/customerly/deliveries/${documentId}/replay`, body);

  describe('warnings', () => {
    let returnFailed = '';
    let tagsUnknown = '';
    let clean = '';

    before(async () => {
      // The password return fails (Customerly answers 500 to the attribute write): the user is made all the same.
      fake.fault({ kind: 'status', status: 500, path: '/users', method: 'POST' });
      try {
        const a = await app.webhook({ action: 'add' }, userWebhook({ email: 'warn.return@example.com', tags: ['a'] }));
        assert.equal(a.status, 200, JSON.stringify(a.json));
        assert.equal(a.json.passwordReturn, 'failed');
        returnFailed = a.json.eventId;
      } finally {
        fake.clearFaults();
      }
      // The tags cannot be learned: none in the payload, and the API's record has none either.
      fake.addUser({ email: 'warn.return@example.com' });
      const u = await app.webhook({ action: 'update' }, userWebhook({ email: 'warn.return@example.com' }));
      assert.equal(u.status, 200, JSON.stringify(u.json));
      assert.equal(u.json.tags.unchanged, true);
      tagsUnknown = u.json.eventId;
      // A delivery without a warning: the tags are in the payload, the user exists (no password to return).
      const c = await app.webhook(
        { action: 'update_tags' },
        userWebhook({ email: 'warn.return@example.com', tags: ['b'] })
      );
      assert.equal(c.status, 200, JSON.stringify(c.json));
      assert.equal(c.json.warnings, undefined, JSON.stringify(c.json));
      clean = c.json.eventId;
    });

    it('a failed password return: done, with the warning in the list and the detail', async () => {
      const row = await rowOf(returnFailed);
      assert.equal(row.status, 'done');
      assert.equal(row.warnings.length, 1, JSON.stringify(row.warnings));
      assert.match(row.warnings[0]!, /password could not be returned/);
      const d = await detail(row.documentId);
      assert.equal(d.status, 'done');
      assert.deepEqual(d.warnings, row.warnings);
      assert.match(JSON.stringify((d.result as { warnings: string[] }).warnings), /password could not be returned/);
      assert.ok(!JSON.stringify(d).includes(fake.token), 'no token in the detail');
    });

    it('tags that could not be learned: done, with a warning that says why', async () => {
      const row = await rowOf(tagsUnknown);
      assert.equal(row.status, 'done');
      assert.equal(row.warnings.length, 1, JSON.stringify(row.warnings));
      assert.match(row.warnings[0]!, /tags are unknown \(neither the payload nor the Customerly API gave the tags\)/);
      assert.deepEqual(tagNames(await oneUser(app.strapi, 'warn.return@example.com')), ['b']);
    });

    it('a delivery without warnings has none, and the list filters by warnings', async () => {
      assert.deepEqual((await rowOf(clean)).warnings, []);
      const withWarnings = (await list('warnings=with&pageSize=100')).data.map((d) => d.eventId);
      assert.ok(withWarnings.includes(returnFailed) && withWarnings.includes(tagsUnknown), withWarnings.join());
      assert.ok(!withWarnings.includes(clean));
      const without = (await list('warnings=without&pageSize=100')).data.map((d) => d.eventId);
      assert.ok(without.includes(clean));
      assert.ok(!without.includes(returnFailed) && !without.includes(tagsUnknown));
      const bad = await admin.call('GET', '/customerly/deliveries?warnings=maybe');
      assert.equal(bad.status, 400);
      assert.deepEqual(validationPaths(bad.json), ['warnings']);
    });

    it('a replay that ends without a warning clears it (the user exists now: no password to return)', async () => {
      const failed = await rowOf(returnFailed);
      const res = await replay(failed.documentId, { force: true });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.data.delivery.status, 'done');
      assert.deepEqual(res.json.data.delivery.warnings, []);
      assert.deepEqual((await rowOf(returnFailed)).warnings, []);
      // The contact's latest delivery replays without a question and puts its tags back.
      const latest = await replay((await rowOf(clean)).documentId);
      assert.equal(latest.status, 200, JSON.stringify(latest.json));
      assert.deepEqual(tagNames(await oneUser(app.strapi, 'warn.return@example.com')), ['b']);
    });
  });

  describe('stale replays', () => {
    const email = 'stale@example.com';
    const ids: string[] = [];

    before(async () => {
      for (const [action, tags] of [
        ['add', ['one']],
        ['update_tags', ['two']],
        ['update_tags', ['three']],
      ] as const) {
        const res = await app.webhook({ action }, userWebhook({ email, crmhero_user_id: 9101, tags: [...tags] }));
        assert.equal(res.status, 200, JSON.stringify(res.json));
        ids.push((await rowOf(res.json.eventId)).documentId);
      }
      assert.deepEqual(tagNames(await oneUser(app.strapi, email)), ['three']);
    });

    it('a replay with newer finished deliveries of the contact is refused: 409 stale, how many, the latest', async () => {
      const before_ = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { documentId: ids[0] } });
      const res = await replay(ids[0]!, {});
      assert.equal(res.status, 409, JSON.stringify(res.json));
      assert.equal(res.json.ok, false);
      assert.equal(res.json.error.status, 409);
      assert.equal(res.json.error.code, 'stale');
      assert.match(res.json.error.message, /2 newer deliveries of this contact are done/);
      assert.match(res.json.error.message, /"force": true/);
      assert.deepEqual(res.json.error.details, { newer: 2, latest: ids[2] });
      assert.deepEqual(tagNames(await oneUser(app.strapi, email)), ['three'], 'nothing was replayed');
      const after_ = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { documentId: ids[0] } });
      assert.equal(after_.attempts, before_.attempts, 'no attempt was made');
      assert.equal(after_.status, 'done');

      const middle = await replay(ids[1]!);
      assert.equal(middle.status, 409);
      assert.match(middle.json.error.message, /1 newer delivery of this contact is done/);
      assert.deepEqual(middle.json.error.details, { newer: 1, latest: ids[2] });
    });

    it('{"force": true} replays it anyway (and so rolls the user back)', async () => {
      const res = await replay(ids[0]!, { force: true });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.data.answer.status, 200, JSON.stringify(res.json.data.answer));
      assert.equal(res.json.data.delivery.attempts, 2);
      assert.deepEqual(tagNames(await oneUser(app.strapi, email)), ['one']);
    });

    it('the latest delivery replays without a question, and the user is back to its last state', async () => {
      const res = await replay(ids[2]!);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.data.answer.status, 200);
      assert.deepEqual(tagNames(await oneUser(app.strapi, email)), ['three']);
      // force: false is the same as no force.
      assert.equal((await replay(ids[2]!, { force: false })).status, 200);
      assert.equal((await replay(ids[0]!, { force: false })).status, 409);
    });

    it('a bad replay body is refused with 400 and a sentence, and nothing runs', async () => {
      const attempts = (await detail(ids[0]!)).attempts;
      for (const [body, path] of [
        [{ force: 'yes' }, 'force'],
        [{ force: 1 }, 'force'],
        [{ force: true, extra: 1 }, ''],
        [[true], ''],
      ] as Array<[unknown, string]>) {
        const res = await replay(ids[0]!, body);
        assert.equal(res.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(res.json)}`);
        assert.equal(res.json.error.name, 'ValidationError');
        assert.match(res.json.error.message, /The replay request is not valid/);
        assert.deepEqual(validationPaths(res.json), [path], JSON.stringify(res.json));
      }
      assert.equal((await detail(ids[0]!)).attempts, attempts);
      assert.equal((await replay('doesnotexist', {})).status, 404);
    });
  });

  describe('the test action', () => {
    it('is recorded as a done delivery with its parameters only: no key, no body', async () => {
      const res = await app.webhook({ action: 'test' }, { password: 'Body-Secret-123', note: 'hello from the test' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, { ok: true });
      const page = await list('action=test');
      assert.equal(page.data.length, 1);
      const row = page.data[0]!;
      assert.equal(row.status, 'done');
      assert.equal(row.email, null);
      assert.deepEqual(row.warnings, []);
      const d = await detail(row.documentId);
      assert.deepEqual(d.params, { action: 'test' });
      assert.deepEqual(d.payload, {});
      assert.equal((d.result as { ok: boolean }).ok, true);
      assert.equal(d.attempts, 1);
      const stored = JSON.stringify(await app.strapi.db.query(DELIVERY_UID).findOne({ where: { id: row.id } }));
      for (const secret of [app.webhookKey, 'Body-Secret-123', 'hello from the test'])
        assert.ok(!stored.includes(secret), `${secret} is not stored`);
    });

    it('a wrong key records nothing; a replay of a test answers ok', async () => {
      const before_ = (await list('action=test')).meta.pagination.total;
      assert.equal((await app.webhook({ action: 'test', access_key: 'a-wrong-key-123456789' })).status, 401);
      assert.equal((await list('action=test')).meta.pagination.total, before_);
      const row = (await list('action=test')).data[0]!;
      const res = await replay(row.documentId);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.data.answer.status, 200);
      assert.deepEqual(res.json.data.answer.body, { ok: true });
    });

    it(`only the newest ${TEST_DELIVERIES_KEPT} tests are kept`, async () => {
      const eventIds: string[] = [];
      for (let i = 0; i < TEST_DELIVERIES_KEPT + 5; i++) {
        assert.equal((await app.webhook({ action: 'test' })).status, 200);
      }
      const page = await list(`action=test&pageSize=100`);
      assert.equal(page.meta.pagination.total, TEST_DELIVERIES_KEPT);
      eventIds.push(...page.data.map((d) => d.eventId));
      assert.equal(new Set(eventIds).size, TEST_DELIVERIES_KEPT);
      // Other deliveries are untouched.
      assert.ok((await list('action=add')).meta.pagination.total >= 2);
    });
  });

  describe('the detail and the filters', () => {
    it('never sends which process ran a delivery, and says when the next retry is (none for a done one)', async () => {
      const row = (await list('action=add')).data[0]!;
      const d = await detail(row.documentId);
      const text = JSON.stringify(d);
      assert.ok(!('processedBy' in d), 'processedBy is not sent');
      for (const attempt of d.history) assert.ok(!('by' in attempt), JSON.stringify(attempt));
      assert.ok(!text.includes(`${hostname()}:`), 'no process id anywhere in the detail');
      assert.equal(d.nextRetryAt, null);
      const stored = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { id: row.id } });
      assert.match(String(stored.processedBy), new RegExp(`^${hostname()}:`), 'it is still stored');
    });

    it('a delivery queued for a retry says when', async () => {
      fake.fault({ kind: 'status', status: 503, path: '/users', method: 'GET' });
      try {
        const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'stale@example.com' }));
        assert.equal(res.status, 202, JSON.stringify(res.json));
        const row = await rowOf(res.json.eventId);
        assert.equal(row.status, 'queued');
        const d = await detail(row.documentId);
        assert.equal(d.nextRetryAt, res.json.retry.at);
        assert.ok(Date.parse(d.nextRetryAt!) > Date.now());
      } finally {
        fake.clearFaults();
      }
    });

    it('a start date after the end date is refused on the end date', async () => {
      const res = await admin.call('GET', '/customerly/deliveries?from=2025-02-01&to=2025-01-31');
      assert.equal(res.status, 400);
      assert.deepEqual(validationPaths(res.json), ['to']);
      assert.equal((await admin.call('GET', '/customerly/deliveries?from=2025-02-01&to=2025-02-01')).status, 200);
    });
  });
});
