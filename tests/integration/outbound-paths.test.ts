/**
 * Outbound (issue 13, "Both ways"), each trigger path on a real Strapi with the fake Customerly:
 *  - a user created by `/api/auth/local/register`, the Content Manager, a provider login (the users-permissions
 *    providers service, which writes with the query engine outside any transaction) and the REST API is upserted
 *    with `POST /users` (exact body: email, user_id, the `out`/`both` mapped fields; never `tags`);
 *  - a change of an `out`/`both` field or of the email is upserted; a change of an `in` field is not;
 *  - tags connected / disconnected (Content Manager, REST API) go through `POST /tags` (`untag: true`);
 *  - a deletion (onDelete) is `DELETE /users?email=`;
 *  - no echo: the users the webhook creates or updates, and an import, send nothing;
 *  - the delivery log shows the direction and filters by it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, userWebhook, type FakeCustomerly, type RecordedRequest } from '../fake-customerly';
import { DELIVERY_UID, ROLE_UID, USER_UID, TAG_UID } from '../helpers/fixtures';
import { outboundRows, outboundSettled } from '../helpers/outbound';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { signedInAdmin, type AdminSession } from '../e2e/admin-api';

const bodies = (reqs: RecordedRequest[]) => reqs.map((r) => r.body);

describe('outbound: every path that writes a user (real Strapi, fake Customerly)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;
  let admin: AdminSession;
  let seen = 0;
  /** The requests the fake received since the last call. */
  const fresh = () => {
    const out = fake.requests.slice(seen);
    seen = fake.requests.length;
    return out;
  };

  before(async () => {
    fake = await startFakeCustomerly({ includeTagsInContacts: true });
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        outbound: { enabled: true, onDelete: true },
        fieldMapping: [
          { from: 'name', to: 'firstName', type: 'string', direction: 'both' },
          { from: 'attributes.plan', to: 'plan', type: 'string', direction: 'out' },
          { from: 'attributes.seats', to: 'seats', type: 'number' },
        ],
        queue: { pollMs: 50, retryBaseMs: 50, retryMaxMs: 200 },
        customerly: { timeoutMs: 2000, maxRetries: 0 },
      },
    });
    admin = await signedInAdmin(app);
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('no echo: a webhook that creates and updates a user sends nothing back', async () => {
    const add = await app.webhook(
      { action: 'add' },
      userWebhook({ email: 'hook@example.com', name: 'Hook', attributes: { seats: 3 }, tags: ['Pro', 'Basic'] })
    );
    assert.equal(add.status, 200, JSON.stringify(add.json));
    const upd = await app.webhook(
      { action: 'update' },
      userWebhook({ email: 'hook@example.com', name: 'Hooked', attributes: { seats: 4 }, tags: ['Pro'] })
    );
    assert.equal(upd.status, 200, JSON.stringify(upd.json));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await outboundRows(app.strapi), [], 'no outbound delivery stored');
    assert.deepEqual(
      fresh().filter((r) => r.method !== 'GET'),
      [],
      'nothing written to Customerly'
    );
  });

  it('/api/auth/local/register: upserted with POST /users, exactly {email, user_id}', async () => {
    const res = await fetch(`${app.baseUrl}/api/auth/local/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'reg1', email: 'Reg1@Example.com', password: 'Passw0rd!x' }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const { user } = (await res.json()) as { user: { id: number } };
    const rows = await outboundSettled(app.strapi);
    assert.deepEqual(
      rows.map((r) => [r.action, r.email, r.status]),
      [['upsert', 'reg1@example.com', 'done']]
    );
    const posts = fresh().filter((r) => r.method === 'POST');
    assert.deepEqual(bodies(posts), [{ users: [{ email: 'reg1@example.com', user_id: String(user.id) }] }]);
    assert.equal(fake.getUser('reg1@example.com')?.user_id, String(user.id));
  });

  it('with email confirmation on, a registration reaches Customerly only once its email is confirmed', async () => {
    const advanced = app.strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
    const saved = (await advanced.get()) as Record<string, unknown>;
    await advanced.set({ value: { ...saved, email_confirmation: true } });
    try {
      fresh();
      // Whoever types the victim's email registers: nothing may reach the victim's contact yet.
      const res = await fetch(`${app.baseUrl}/api/auth/local/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'claimer', email: 'victim@example.com', password: 'Passw0rd!x' }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(
        (await outboundSettled(app.strapi)).filter((r) => r.email === 'victim@example.com'),
        [],
        'no outbound row for an unconfirmed email'
      );
      assert.equal(fake.getUser('victim@example.com'), undefined);

      // The owner of the mailbox confirms (the link of the confirmation email): now it is sent.
      const user = (await app.strapi.db
        .query(USER_UID)
        .findOne({ where: { email: 'victim@example.com' }, select: ['id', 'confirmationToken'] })) as {
        id: number;
        confirmationToken: string;
      };
      const confirm = await fetch(
        `${app.baseUrl}/api/auth/email-confirmation?confirmation=${encodeURIComponent(user.confirmationToken)}`,
        { redirect: 'manual' }
      );
      assert.ok([200, 301, 302].includes(confirm.status), `confirmation answered ${confirm.status}`);
      const rows = (await outboundSettled(app.strapi)).filter((r) => r.email === 'victim@example.com');
      assert.deepEqual(
        rows.map((r) => [r.action, r.status]),
        [['upsert', 'done']]
      );
      assert.equal(fake.getUser('victim@example.com')?.user_id, String(user.id));
    } finally {
      fresh();
      await advanced.set({ value: saved });
    }
  });

  it('the Content Manager: create with mapped fields and tags, change fields, tags, email; delete', async () => {
    const tags: Array<{ id: number; name: string }> = await app.strapi.db
      .query(TAG_UID)
      .findMany({ select: ['id', 'name'], orderBy: { name: 'asc' } });
    const basic = tags.find((t) => t.name === 'Basic')!;
    const pro = tags.find((t) => t.name === 'Pro')!;
    const role = await app.strapi.db.query(ROLE_UID).findOne({ where: { type: 'authenticated' } });
    const cm = '/content-manager/collection-types/plugin::users-permissions.user';
    const created = await admin.call('POST', cm, {
      username: 'cm1',
      email: 'cm1@example.com',
      password: 'Passw0rd!x',
      confirmed: true,
      role: role.id,
      firstName: 'Carla',
      plan: 'gold',
      seats: 7,
      tags: { connect: [{ id: basic.id }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const { documentId, id } = (created.json.data ?? created.json) as { documentId: string; id: number };
    await outboundSettled(app.strapi);
    let posts = fresh().filter((r) => r.method === 'POST');
    assert.deepEqual(bodies(posts), [
      { users: [{ email: 'cm1@example.com', user_id: String(id), name: 'Carla', attributes: { plan: 'gold' } }] },
      { tag: 'Basic', users: [{ email: 'cm1@example.com' }] },
    ]);
    assert.deepEqual(fake.getUser('cm1@example.com')?.tags, ['Basic']);

    // An `in` field only: nothing is sent.
    const before = (await outboundRows(app.strapi)).length;
    const seats = await admin.call('PUT', `${cm}/${documentId}`, { seats: 8 });
    assert.equal(seats.status, 200, JSON.stringify(seats.json));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await outboundRows(app.strapi)).length, before, 'a change of an `in` field sends nothing');

    // An `out` field.
    assert.equal((await admin.call('PUT', `${cm}/${documentId}`, { plan: 'platinum' })).status, 200);
    await outboundSettled(app.strapi);
    posts = fresh().filter((r) => r.method === 'POST');
    assert.deepEqual(bodies(posts), [
      { users: [{ email: 'cm1@example.com', user_id: String(id), name: 'Carla', attributes: { plan: 'platinum' } }] },
    ]);

    // Tags: connect Pro, disconnect Basic.
    const t = await admin.call('PUT', `${cm}/${documentId}`, {
      tags: { connect: [{ id: pro.id }], disconnect: [{ id: basic.id }] },
    });
    assert.equal(t.status, 200, JSON.stringify(t.json));
    await outboundSettled(app.strapi);
    posts = fresh().filter((r) => r.method === 'POST');
    assert.deepEqual(bodies(posts), [
      { tag: 'Pro', users: [{ email: 'cm1@example.com' }] },
      { tag: 'Basic', users: [{ email: 'cm1@example.com' }], untag: true },
    ]);
    assert.deepEqual(fake.getUser('cm1@example.com')?.tags, ['Pro']);

    // The email: the new address is upserted and given the user's tags; the old contact is left alone.
    assert.equal((await admin.call('PUT', `${cm}/${documentId}`, { email: 'cm1.new@example.com' })).status, 200);
    await outboundSettled(app.strapi);
    posts = fresh().filter((r) => r.method === 'POST');
    assert.deepEqual(bodies(posts), [
      {
        users: [{ email: 'cm1.new@example.com', user_id: String(id), name: 'Carla', attributes: { plan: 'platinum' } }],
      },
      { tag: 'Pro', users: [{ email: 'cm1.new@example.com' }] },
    ]);
    assert.ok(fake.getUser('cm1@example.com'), 'the old contact is not deleted');

    // Deletion (onDelete).
    assert.equal((await admin.call('DELETE', `${cm}/${documentId}`)).status, 200);
    await outboundSettled(app.strapi);
    const deletes = fresh().filter((r) => r.method === 'DELETE');
    assert.deepEqual(
      deletes.map((r) => [r.path, r.query, r.body]),
      [['/users', { email: 'cm1.new@example.com' }, undefined]]
    );
    assert.equal(fake.getUser('cm1.new@example.com'), undefined);
  });

  it('a provider login (query engine, outside any transaction): upserted', async () => {
    const up = app.strapi.plugin('users-permissions');
    up.service('providers-registry').add('fakeprov', {
      enabled: true,
      icon: '',
      grantConfig: {},
      authCallback: async () => ({ username: 'prov1', email: 'prov1@example.com' }),
    });
    const user = await up.service('providers').connect('fakeprov', { access_token: 'x' });
    await outboundSettled(app.strapi);
    const posts = fresh().filter((r) => r.method === 'POST');
    assert.deepEqual(bodies(posts), [{ users: [{ email: 'prov1@example.com', user_id: String(user.id) }] }]);
  });

  it('the REST API (/api/users): create, tags, delete', async () => {
    const publicRole = await app.strapi.db.query(ROLE_UID).findOne({ where: { type: 'public' } });
    for (const action of ['create', 'update', 'destroy']) {
      await app.strapi.db
        .query('plugin::users-permissions.permission')
        .create({ data: { action: `plugin::users-permissions.user.${action}`, role: publicRole.id } });
    }
    const pro = await app.strapi.db.query(TAG_UID).findOne({ where: { name: 'Pro' } });
    const res = await fetch(`${app.baseUrl}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'rest1',
        email: 'rest1@example.com',
        password: 'Passw0rd!x',
        plan: 'silver',
        role: publicRole.id,
      }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = (await res.json()) as { id: number };
    await outboundSettled(app.strapi);
    let posts = fresh().filter((r) => r.method === 'POST');
    assert.deepEqual(bodies(posts), [
      { users: [{ email: 'rest1@example.com', user_id: String(id), attributes: { plan: 'silver' } }] },
    ]);

    const put = await fetch(`${app.baseUrl}/api/users/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tags: { connect: [pro.documentId] } }),
    });
    assert.equal(put.status, 200, await put.clone().text());
    await outboundSettled(app.strapi);
    posts = fresh().filter((r) => r.method === 'POST');
    assert.deepEqual(bodies(posts), [{ tag: 'Pro', users: [{ email: 'rest1@example.com' }] }]);

    const del = await fetch(`${app.baseUrl}/api/users/${id}`, { method: 'DELETE' });
    assert.equal(del.status, 200, await del.clone().text());
    await outboundSettled(app.strapi);
    const deletes = fresh().filter((r) => r.method === 'DELETE');
    assert.deepEqual(
      deletes.map((r) => r.query),
      [{ email: 'rest1@example.com' }]
    );
  });

  it('the delivery log: direction in the list and the detail, and the direction filter', async () => {
    const out = await admin.call('GET', '/customerly/deliveries?direction=outbound&pageSize=100');
    assert.equal(out.status, 200, JSON.stringify(out.json));
    const rows = out.json.data as Array<{ direction: string; action: string; documentId: string }>;
    assert.ok(rows.length >= 8, `outbound rows listed (${rows.length})`);
    assert.ok(rows.every((r) => r.direction === 'outbound'));
    const inbound = await admin.call('GET', '/customerly/deliveries?direction=inbound&pageSize=100');
    const inRows = inbound.json.data as Array<{ direction: string; action: string }>;
    assert.deepEqual(
      inRows.map((r) => [r.direction, r.action]),
      [
        ['inbound', 'update'],
        ['inbound', 'add'],
      ]
    );
    const detail = await admin.call('GET', `/customerly/deliveries/${rows[0]!.documentId}`);
    assert.equal(detail.json.data.direction, 'outbound');
    const bad = await admin.call('GET', '/customerly/deliveries?direction=sideways');
    assert.equal(bad.status, 400);
    const notDone = (await outboundRows(app.strapi)).filter((r) => r.status !== 'done');
    assert.deepEqual(notDone, [], 'every outbound delivery so far is done');
  });

  it('deletes the user in Strapi only once all is sent: a user deleted before its upsert is skipped', async () => {
    await app.strapi.plugin('customerly').service('worker').stop();
    const user = await app.strapi.plugin('users-permissions').service('user').add({
      username: 'gone1',
      email: 'gone1@example.com',
      password: 'Passw0rd!x',
      provider: 'local',
      confirmed: true,
    });
    await app.strapi.plugin('users-permissions').service('user').remove({ id: user.id });
    await app.strapi.plugin('customerly').service('worker').start();
    const rows = (await outboundSettled(app.strapi)).filter((r) => r.email === 'gone1@example.com');
    const errors = await app.strapi.db
      .query(DELIVERY_UID)
      .findMany({ where: { email: 'gone1@example.com' }, select: ['error', 'result'] });
    assert.deepEqual(
      rows.map((r) => [r.action, r.status]),
      [
        ['upsert', 'skipped'],
        ['delete', 'done'],
      ],
      JSON.stringify(errors)
    );
    const users = await app.strapi.db.query(USER_UID).count({ where: { email: 'gone1@example.com' } });
    assert.equal(users, 0);
  });

  it('one transaction: when the outbox row cannot be written, the user is not written either (every path)', async () => {
    const record = app.strapi.plugin('customerly').service('delivery-record');
    const create = record.create;
    record.create = async () => {
      throw new Error('outbox unavailable (test)');
    };
    try {
      const res = await fetch(`${app.baseUrl}/api/auth/local/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'atomic1', email: 'atomic1@example.com', password: 'Passw0rd!x' }),
      });
      assert.notEqual(res.status, 200);
      const up = app.strapi.plugin('users-permissions');
      up.service('providers-registry').add('fakeprov2', {
        enabled: true,
        icon: '',
        grantConfig: {},
        authCallback: async () => ({ username: 'atomic2', email: 'atomic2@example.com' }),
      });
      await assert.rejects(up.service('providers').connect('fakeprov2', { access_token: 'x' }), /outbox unavailable/);
      const created = await app.strapi.db
        .query(USER_UID)
        .count({ where: { email: { $in: ['atomic1@example.com', 'atomic2@example.com'] } } });
      assert.equal(created, 0, 'neither user was committed without its outbox row');

      // A deletion (query engine, user.remove) is rolled back too.
      record.create = create;
      const user = await up.service('user').add({
        username: 'atomic3',
        email: 'atomic3@example.com',
        password: 'Passw0rd!x',
        provider: 'local',
        confirmed: true,
      });
      await outboundSettled(app.strapi);
      record.create = async () => {
        throw new Error('outbox unavailable (test)');
      };
      await assert.rejects(up.service('user').remove({ id: user.id }), /outbox unavailable/);
      assert.equal(await app.strapi.db.query(USER_UID).count({ where: { id: user.id } }), 1, 'the user is still there');
    } finally {
      record.create = create;
    }
  });

  it('the switches saved from the panel apply to the next write (settings service)', async () => {
    const saved = {
      enabled: true,
      onCreate: false,
      onUpdate: true,
      onTags: true,
      onDelete: true,
      userId: 'documentId',
    };
    const put = await admin.call('PUT', '/customerly/settings', { outbound: saved });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    assert.deepEqual(put.json.data.settings.outbound, saved);
    const up = app.strapi.plugin('users-permissions').service('user');
    const before = (await outboundRows(app.strapi)).length;
    const user = await up.add({
      username: 'panel1',
      email: 'panel1@example.com',
      password: 'Passw0rd!x',
      provider: 'local',
      confirmed: true,
    });
    assert.equal((await outboundRows(app.strapi)).length, before, 'onCreate off: nothing stored');
    await up.edit(user.id, { plan: 'bronze' });
    await outboundSettled(app.strapi);
    fresh();
    const last = fake.requestsTo('POST', '/users').at(-1);
    assert.deepEqual(last?.body, {
      users: [{ email: 'panel1@example.com', user_id: user.documentId, attributes: { plan: 'bronze' } }],
    });
    const bad = await admin.call('PUT', '/customerly/settings', { outbound: { ...saved, userId: 'email' } });
    assert.equal(bad.status, 400);
  });
});
