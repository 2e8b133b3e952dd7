import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { userWebhook } from '../fake-customerly';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { spawnStrapi, waitFor } from '../helpers/processes';
import { CONTACT_LOCK_UID, DELIVERY_UID, WORKER_PROCESS_UID, oneUser, tagNames } from '../helpers/fixtures';
import { createAdmin, login, type AdminSession } from '../e2e/admin-api';
import type { DeliveryRow } from '../../shared/contracts';

/**
 * Issue 8, item 1: deliveries are written only by the plugin and never edited.
 *  - The plugin's own records are hidden from the Content Manager: Strapi's default Editor and Author roles cannot
 *    create, list or edit deliveries there (the delivery log under deliveries.read still works), and grants left by
 *    an older version of the plugin are removed at startup.
 *  - Every delivery row carries a MAC; a row written another way (directly in the database) is never run by the
 *    worker, and a past delivery edited in the database is refused on replay. An untouched one replays as before.
 */
const FORGED = 'refused: this delivery was not written by the plugin (its signature does not match)';
const CM = '/content-manager/collection-types';
const INTERNAL = [DELIVERY_UID, CONTACT_LOCK_UID, WORKER_PROCESS_UID];

describe('deliveries cannot be forged or edited (real Strapi, admin JWT over HTTP)', () => {
  let app: TestStrapi;
  let superAdmin: AdminSession;
  const roles = {} as Record<'editor' | 'author', { id: number; session?: AdminSession }>;

  const deliveryOf = async (email: string) => {
    const rows = await app.strapi.db
      .query(DELIVERY_UID)
      .findMany({ where: { email }, orderBy: { id: 'desc' }, limit: 1 });
    assert.equal(rows.length, 1, `a delivery for ${email}`);
    return rows[0];
  };

  /** A user made by the plugin from a genuine (signed) delivery. */
  const makeUser = async (email: string, userId: string, crmheroUserId: number, tags: string[]) => {
    const res = await app.webhook(
      { action: 'add' },
      userWebhook({ email, user_id: userId, crmhero_user_id: crmheroUserId, tags })
    );
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return oneUser(app.strapi, email);
  };

  before(async () => {
    app = await startStrapi({
      pluginConfig: {
        rateLimit: { enabled: false },
        queue: { pollMs: 100 },
        fieldMapping: [{ from: 'attributes.pass', to: 'user_pass' }],
      },
    });
    superAdmin = await (async () => {
      const creds = await createAdmin(app.strapi);
      return login(app.baseUrl, creds.email, creds.password);
    })();
    for (const [name, code] of [
      ['editor', 'strapi-editor'],
      ['author', 'strapi-author'],
    ] as const) {
      const role = await app.strapi.db.query('admin::role').findOne({ where: { code } });
      assert.ok(role, `Strapi's default ${name} role exists`);
      const creds = await createAdmin(app.strapi, { roleId: role.id });
      roles[name] = { id: role.id, session: await login(app.baseUrl, creds.email, creds.password) };
    }
  });
  after(async () => {
    await app?.stop();
  });

  it('Editor and Author cannot create, list or edit deliveries in the Content Manager; the log still works', async () => {
    const victim = await makeUser('cm.victim@example.test', 'u-cm-victim', 7001, ['vip']);
    const stored = await deliveryOf('cm.victim@example.test');
    const before = await app.strapi.db.query(DELIVERY_UID).count({});
    const forged = {
      eventId: randomUUID(),
      receivedAt: new Date().toISOString(),
      action: 'update',
      params: { action: 'update' },
      email: 'author@evil.test',
      contactKey: 'author@evil.test',
      payload: userWebhook({
        email: 'author@evil.test',
        user_id: 'u-cm-victim',
        crmhero_user_id: 7001,
        tags: ['owned'],
      }),
    };
    const refused = (status: number) => status === 403 || status === 404;
    for (const [name, { session }] of Object.entries(roles)) {
      const created = await session!.call('POST', `${CM}/${DELIVERY_UID}`, forged);
      assert.ok(
        refused(created.status),
        `${name}: create is refused (HTTP ${created.status} ${JSON.stringify(created.json).slice(0, 300)})`
      );
      const listed = await session!.call('GET', `${CM}/${DELIVERY_UID}`);
      assert.ok(refused(listed.status), `${name}: the list is refused (HTTP ${listed.status})`);
      assert.ok(!JSON.stringify(listed.json).includes('cm.victim@example.test'), `${name}: no payload is shown`);
      const edited = await session!.call('PUT', `${CM}/${DELIVERY_UID}/${stored.documentId}`, {
        payload: forged.payload,
      });
      assert.ok(refused(edited.status), `${name}: editing a past delivery is refused (HTTP ${edited.status})`);
      for (const uid of [CONTACT_LOCK_UID, WORKER_PROCESS_UID]) {
        const other = await session!.call('GET', `${CM}/${uid}`);
        assert.ok(refused(other.status), `${name}: ${uid} is not listed (HTTP ${other.status})`);
      }
    }
    assert.equal(await app.strapi.db.query(DELIVERY_UID).count({}), before, 'no delivery was created');
    const after = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { id: stored.id } });
    assert.deepEqual(after.payload, stored.payload, 'the past delivery is unchanged');
    const user = await oneUser(app.strapi, 'cm.victim@example.test');
    assert.equal(user.id, victim.id);
    assert.deepEqual(tagNames(user), ['vip']);

    // The plugin's own log, under deliveries.read, still works for a super admin, without the private columns.
    const log = await superAdmin.call('GET', '/customerly/deliveries?email=cm.victim');
    assert.equal(log.status, 200, JSON.stringify(log.json));
    assert.ok(log.json.data.some((d: DeliveryRow) => d.documentId === stored.documentId));
    const detail = await superAdmin.call('GET', `/customerly/deliveries/${stored.documentId}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.json.data.email, 'cm.victim@example.test');
    assert.ok(
      !('mac' in detail.json.data) && !('sealed' in detail.json.data),
      'private columns never leave the server'
    );
  });

  it("no role but the super admin holds a Content Manager permission on the plugin's records", async () => {
    const perms: Array<{ action: string; subject: string; role?: { code: string } }> = await app.strapi.db
      .query('admin::permission')
      .findMany({
        where: { subject: { $in: INTERNAL } },
        populate: { role: { select: ['code'] } },
      });
    const granted = perms
      .filter((p) => p.role?.code !== 'strapi-super-admin')
      .map((p) => `${p.role?.code}: ${p.action} ${p.subject}`);
    assert.deepEqual(granted, []);
  });

  it('a row written outside the plugin (as by the Content Manager of an older version) is never run', async () => {
    const victim = await makeUser('forge.victim@example.test', 'u-forge-victim', 7002, ['vip']);
    const genuine = await deliveryOf('forge.victim@example.test');
    const forge = (mac: string | undefined) =>
      app.strapi.db.query(DELIVERY_UID).create({
        data: {
          eventId: randomUUID(),
          receivedAt: new Date(),
          action: 'update',
          params: { action: 'update' },
          email: 'attacker@evil.test',
          contactKey: 'attacker@evil.test',
          payload: userWebhook({
            email: 'attacker@evil.test',
            user_id: 'u-forge-victim',
            crmhero_user_id: 7002,
            tags: ['owned'],
          }),
          status: 'queued',
          attempts: 0,
          nextAttemptAt: Date.now(),
          history: [],
          ...(mac ? { mac } : {}),
        },
      });
    // One without a MAC, one with the MAC of a genuine delivery copied onto it.
    const rows = [await forge(undefined), await forge(genuine.mac)];
    for (const row of rows) {
      const done = await waitFor(
        async () => {
          const r = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { id: row.id } });
          return ['done', 'skipped', 'failed'].includes(r.status) ? r : undefined;
        },
        20_000,
        `the worker to settle forged delivery #${row.id}`
      );
      assert.equal(done.status, 'failed');
      assert.equal(done.error, FORGED);
      assert.equal(done.result, null, 'nothing was run');
    }
    const user = await oneUser(app.strapi, 'forge.victim@example.test');
    assert.equal(user.id, victim.id);
    assert.deepEqual(tagNames(user), ['vip'], 'the user is unchanged');
    assert.equal(
      await app.strapi.db.query('plugin::users-permissions.user').count({ where: { email: 'attacker@evil.test' } }),
      0
    );
    assert.equal(
      await app.strapi.db.query(CONTACT_LOCK_UID).count({ where: { contactKey: 'attacker@evil.test' } }),
      0,
      'its contact is released'
    );
    assert.match(genuine.mac, /^[0-9a-f]{64}$/, 'the plugin signs what it writes');
    const warned = app.output.join('');
    assert.match(warned, /refused: its signature does not match/);
    assert.ok(!warned.includes('u-forge-victim'), 'the warning holds no payload content');
  });

  it('a past delivery edited in the database is refused on replay, and the user is unchanged', async () => {
    const victim = await makeUser('edit.victim@example.test', 'u-edit-victim', 7003, ['vip']);
    const stored = await deliveryOf('edit.victim@example.test');
    assert.equal(stored.status, 'done');
    const editedPayload = userWebhook({
      email: 'attacker2@evil.test',
      user_id: 'u-edit-victim',
      crmhero_user_id: 7003,
      tags: ['owned'],
    });
    await app.strapi.db.query(DELIVERY_UID).update({ where: { id: stored.id }, data: { payload: editedPayload } });

    const res = await superAdmin.call('POST', `/customerly/deliveries/${stored.documentId}/replay`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.data.answer.status, 409, JSON.stringify(res.json.data.answer));
    assert.equal(res.json.data.answer.body.error.code, 'forged_delivery');
    assert.equal(res.json.data.answer.body.error.message, FORGED);

    const user = await oneUser(app.strapi, 'edit.victim@example.test');
    assert.equal(user.id, victim.id);
    assert.deepEqual(tagNames(user), ['vip'], 'the user is unchanged');
    const row = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { id: stored.id } });
    assert.equal(row.status, 'done', 'the row was not queued again');
    assert.equal(row.attempts, stored.attempts, 'no attempt was made');

    // Editing the action or the email (not only the payload) is refused too.
    const other = await makeUser('edit2.victim@example.test', 'u-edit2-victim', 7004, ['vip']);
    const stored2 = await deliveryOf('edit2.victim@example.test');
    await app.strapi.db
      .query(DELIVERY_UID)
      .update({ where: { id: stored2.id }, data: { email: 'attacker3@evil.test' } });
    const res2 = await superAdmin.call('POST', `/customerly/deliveries/${stored2.documentId}/replay`);
    assert.equal(res2.json.data.answer.status, 409);
    assert.equal((await oneUser(app.strapi, 'edit2.victim@example.test')).id, other.id);
  });

  it('an untouched delivery still replays, also one whose sealed password was dropped when it finished', async () => {
    await makeUser('replay.ok@example.test', 'u-replay-ok', 7005, ['vip']);
    const plain = await deliveryOf('replay.ok@example.test');
    const res = await superAdmin.call('POST', `/customerly/deliveries/${plain.documentId}/replay`);
    assert.equal(res.status, 200);
    assert.equal(res.json.data.answer.status, 200, JSON.stringify(res.json.data.answer));
    assert.equal(res.json.data.answer.body.ok, true);
    const row = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { id: plain.id } });
    assert.equal(row.status, 'done');
    assert.equal(row.attempts, plain.attempts + 1);

    // A password given by the contact is sealed on the delivery (and signed) until it finishes, then dropped.
    const add = await app.webhook(
      { action: 'add' },
      userWebhook({ email: 'sealed.ok@example.test', tags: ['vip'], attributes: { pass: 'Sealed-Pass-123' } })
    );
    assert.equal(add.status, 200, JSON.stringify(add.json));
    const sealed = await deliveryOf('sealed.ok@example.test');
    assert.equal(sealed.sealed, null, 'the sealed password is dropped once the delivery is done');
    const again = await superAdmin.call('POST', `/customerly/deliveries/${sealed.documentId}/replay`);
    assert.equal(again.json.data.answer.status, 200, JSON.stringify(again.json.data.answer));
  });

  it(
    'Content Manager grants left by an older version are removed when Strapi starts',
    { timeout: 180_000 },
    async () => {
      const editor = roles.editor.id;
      const legacy = [
        'plugin::content-manager.explorer.read',
        'plugin::content-manager.explorer.create',
        'plugin::content-manager.explorer.update',
      ];
      for (const action of legacy) {
        await app.strapi.db.query('admin::permission').create({
          data: { action, subject: DELIVERY_UID, properties: {}, conditions: [], actionParameters: {}, role: editor },
        });
      }
      const count = () =>
        app.strapi.db.query('admin::permission').count({ where: { subject: DELIVERY_UID, role: { id: editor } } });
      assert.equal(await count(), legacy.length);
      // A second process starts on this database: its bootstrap removes them.
      const node = await spawnStrapi(app.db, {
        webhookKey: app.webhookKey,
        pluginConfig: { queue: { enabled: false } },
      });
      try {
        assert.equal(await count(), 0, 'the Editor role holds no permission on deliveries any more');
      } finally {
        await node.stop();
      }
    }
  );
});
