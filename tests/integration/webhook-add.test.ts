import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, userWebhook, leadWebhook, type FakeCustomerly } from '../fake-customerly';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import {
  DELIVERY_UID,
  ensureRole,
  login,
  oneUser,
  recordEvents,
  setResetPasswordUrl,
  tagNames,
  usersByEmail,
  USER_UID,
  type ContactWrite,
  type RecordedEvent,
} from '../helpers/fixtures';

describe('action=add (real Strapi, fake Customerly)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;
  let events: RecordedEvent[];

  before(async () => {
    fake = await startFakeCustomerly();
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        allowedRoles: ['authenticated', 'customer'],
        returnPassword: { enabled: true, attribute: 'wp_password' },
        fieldMapping: [
          { from: 'attributes.login', to: 'user_login' },
          { from: 'attributes.pass', to: 'user_pass' },
          { from: 'attributes.plan', to: 'plan', type: 'string' },
        ],
        // The 20 concurrent adds below wait their turn one after the other; on a loaded machine that can take a while.
        queue: { syncWaitMs: 60_000 },
      },
    });
    await ensureRole(app.strapi, 'Customer', 'customer');
    await ensureRole(app.strapi, 'Editor', 'editor');
    await setResetPasswordUrl(app.strapi, 'http://front.test/reset-password');
    events = recordEvents(app.strapi, [
      'customerly.user.created',
      'customerly.user.updated',
      'customerly.tags.changed',
    ]);
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('creates a new contact with the default role, its tags and Customerly id, and returns the generated password', async () => {
    const res = await app.webhook(
      { action: 'add' },
      userWebhook({
        email: 'New.Person@Example.com',
        crmhero_user_id: 101,
        user_id: 'ext-101',
        tags: ['VIP', 'beta'],
        attributes: { plan: 'pro' },
      })
    );
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.ok, true);
    assert.equal(res.json.action, 'add');
    assert.match(res.json.eventId, /^[0-9a-f-]{36}$/);
    assert.equal(res.json.user.created, true);
    assert.equal(res.json.user.email, 'new.person@example.com');
    assert.equal(res.json.user.username, 'new.person@example.com');
    assert.deepEqual(res.json.tags.added.sort(), ['VIP', 'beta']);
    assert.equal(res.json.passwordReturn, 'written');

    const user = await oneUser(app.strapi, 'new.person@example.com');
    assert.equal(user.role.type, 'authenticated');
    assert.equal(user.confirmed, true);
    assert.equal(user.blocked, false);
    assert.equal(user.provider, 'local');
    assert.equal(user.plan, 'pro');
    assert.deepEqual(tagNames(user), ['VIP', 'beta']);
    assert.equal(user.customerlyContactId, '101');
    assert.equal(user.customerlyUserId, 'ext-101');
    assert.match(user.password, /^\$2[aby]\$/, 'hashed by Strapi with bcrypt');

    // The generated password went back to Customerly, and it is the user's real password.
    const writes = fake.requestsTo('POST', '/users');
    assert.equal(writes.length, 1);
    const sent = (writes[0]!.body as { users: ContactWrite[] }).users[0];
    assert.equal(sent.email, 'new.person@example.com');
    const returned = sent.attributes.wp_password as string;
    assert.ok(returned.length >= 20, 'at least 20 characters');
    assert.equal(await login(app.baseUrl, 'new.person@example.com', returned), 200);
    assert.ok(!JSON.stringify(res.json).includes(returned), 'the answer never carries the password');

    const created = events.find((e) => e.name === 'customerly.user.created');
    assert.equal(created?.payload.user.email, 'new.person@example.com');
    const tagsEvent = events.find((e) => e.name === 'customerly.tags.changed');
    assert.deepEqual(tagsEvent?.payload.added.sort(), ['VIP', 'beta']);
  });

  it('the delivery is stored with the action, params, email, status and linked user', async () => {
    const res = await app.webhook({ action: 'add' }, userWebhook({ email: 'stored@example.com', tags: [] }));
    const delivery = await app.strapi.db
      .query(DELIVERY_UID)
      .findOne({ where: { eventId: res.json.eventId }, populate: ['user'] });
    assert.equal(delivery.action, 'add');
    assert.equal(delivery.status, 'done');
    assert.equal(delivery.email, 'stored@example.com');
    assert.equal(delivery.attempts, 1);
    assert.ok(delivery.receivedAt);
    assert.equal(delivery.user.email, 'stored@example.com');
    assert.deepEqual(delivery.params, { action: 'add' });
    assert.equal(delivery.payload.data.user.data.email, 'stored@example.com');
    assert.equal(delivery.result.user.id, res.json.user.id);
  });

  it('role=NAME sets the role, matched by type or name ignoring case', async () => {
    const a = await app.webhook(
      { action: 'add', role: 'customer' },
      userWebhook({ email: 'cust1@example.com', tags: [] })
    );
    assert.equal(a.status, 200, JSON.stringify(a.json));
    assert.equal((await oneUser(app.strapi, 'cust1@example.com')).role.type, 'customer');
    const b = await app.webhook(
      { action: 'add', role: 'CUSTOMER' },
      userWebhook({ email: 'cust2@example.com', tags: [] })
    );
    assert.equal(b.status, 200);
    assert.equal((await oneUser(app.strapi, 'cust2@example.com')).role.type, 'customer');
  });

  it('a role that does not exist is 422 and one off the allowlist is 403; neither creates a user', async () => {
    const missing = await app.webhook({ action: 'add', role: 'ghost' }, userWebhook({ email: 'ghost@example.com' }));
    assert.equal(missing.status, 422);
    assert.equal(missing.json.error.code, 'unknown_role');
    const refused = await app.webhook({ action: 'add', role: 'editor' }, userWebhook({ email: 'ghost@example.com' }));
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'role_not_allowed');
    assert.equal((await usersByEmail(app.strapi, 'ghost@example.com')).length, 0);
  });

  it('user_login and user_pass from the contact (through the mapping) become the username and password', async () => {
    const before = fake.requestsTo('POST', '/users').length;
    const res = await app.webhook(
      { action: 'add' },
      userWebhook({
        email: 'own@example.com',
        tags: [],
        attributes: { login: 'owner_login', pass: 'Own-Secret-Pass-123' },
      })
    );
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.user.username, 'owner_login');
    assert.equal(res.json.passwordReturn, 'not-generated');
    assert.equal(await login(app.baseUrl, 'owner_login', 'Own-Secret-Pass-123'), 200);
    assert.equal(fake.requestsTo('POST', '/users').length, before, 'a given password is not written back');
    const delivery = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { eventId: res.json.eventId } });
    assert.ok(!JSON.stringify(delivery).includes('Own-Secret-Pass-123'), 'the stored delivery has no password');
  });

  it('a username that is taken gets a numeric suffix', async () => {
    await app.webhook(
      { action: 'add' },
      userWebhook({ email: 'first@example.com', tags: [], attributes: { login: 'samename' } })
    );
    const res = await app.webhook(
      { action: 'add' },
      userWebhook({ email: 'second@example.com', tags: [], attributes: { login: 'SameName' } })
    );
    assert.equal(res.status, 200);
    assert.equal(res.json.user.username, 'SameName-2');
  });

  it('send_notification=true sends a welcome email whose link sets the password through users-permissions', async () => {
    const res = await app.webhook(
      { action: 'add', send_notification: 'true' },
      userWebhook({ email: 'welcome@example.com', tags: [] })
    );
    assert.equal(res.status, 200);
    assert.equal(res.json.welcomeEmail, 'sent');
    const mail = app.emails.find((m) => m.to === 'welcome@example.com');
    assert.ok(mail, 'an email was given to the provider');
    assert.match(String(mail!.subject), /Welcome/);
    const link = /http:\/\/front\.test\/reset-password\?code=([0-9a-f]+)/.exec(String(mail!.text));
    assert.ok(link, `the text has the set-password link: ${mail!.text}`);
    assert.ok(String(mail!.html).includes(link![1]!), 'the html has it too');
    const returned = (fake.requestsTo('POST', '/users').at(-1)!.body as { users: ContactWrite[] }).users[0].attributes
      .wp_password as string;
    assert.ok(!JSON.stringify(mail).includes(returned), 'the email never carries the password');

    const reset = await fetch(`${app.baseUrl}/api/auth/reset-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: link![1], password: 'Chosen-Pass-456', passwordConfirmation: 'Chosen-Pass-456' }),
    });
    assert.equal(reset.status, 200, await reset.text());
    assert.equal(await login(app.baseUrl, 'welcome@example.com', 'Chosen-Pass-456'), 200);
  });

  it('no email is sent without send_notification, and a bad send_notification is 400', async () => {
    const count = app.emails.length;
    const res = await app.webhook(
      { action: 'add', send_notification: 'false' },
      userWebhook({ email: 'quiet@example.com', tags: [] })
    );
    assert.equal(res.json.welcomeEmail, 'not-requested');
    assert.equal(app.emails.length, count);
    const bad = await app.webhook(
      { action: 'add', send_notification: 'maybe' },
      userWebhook({ email: 'quiet2@example.com', tags: [] })
    );
    assert.equal(bad.status, 400);
    assert.equal((await usersByEmail(app.strapi, 'quiet2@example.com')).length, 0);
  });

  it('an existing user is updated, never duplicated', async () => {
    await app.webhook(
      { action: 'add' },
      userWebhook({ email: 'twice@example.com', tags: ['one'], attributes: { plan: 'free' } })
    );
    const res = await app.webhook(
      { action: 'add' },
      userWebhook({ email: 'TWICE@example.com', tags: ['two'], attributes: { plan: 'team' } })
    );
    assert.equal(res.status, 200);
    assert.equal(res.json.user.created, false);
    const user = await oneUser(app.strapi, 'twice@example.com');
    assert.deepEqual(tagNames(user), ['two']);
    assert.equal(user.plan, 'team');
    assert.equal(res.json.passwordReturn, 'not-created');
  });

  it('20 concurrent add deliveries for one new email give exactly one user', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.webhook({ action: 'add' }, userWebhook({ email: 'race@example.com', tags: [`t${i % 3}`, 'shared'] }))
      )
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(20).fill(200)
    );
    assert.equal(answers.filter((a) => a.json.user.created).length, 1);
    assert.equal((await usersByEmail(app.strapi, 'race@example.com')).length, 1);
    const shared = await app.strapi.db.query('plugin::customerly.tag').findMany({ where: { nameKey: 'shared' } });
    assert.equal(shared.length, 1, 'one tag entry per name');
  });

  it('never changes the role of a user whose current role is off the allowlist', async () => {
    const editor = await ensureRole(app.strapi, 'Editor', 'editor');
    await app.webhook({ action: 'add' }, userWebhook({ email: 'boss@example.com', tags: [] }));
    const user = await oneUser(app.strapi, 'boss@example.com');
    await app.strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { role: editor.id } });

    const res = await app.webhook(
      { action: 'add', role: 'customer' },
      userWebhook({ email: 'boss@example.com', tags: ['x'] })
    );
    assert.equal(res.status, 200);
    assert.equal(res.json.role.changed, false);
    const after = await oneUser(app.strapi, 'boss@example.com');
    assert.equal(after.role.type, 'editor');
    assert.deepEqual(tagNames(after), ['x'], 'the rest of the update still applies');
  });

  it('a lead works, and its password is returned through /leads', async () => {
    const res = await app.webhook({ action: 'add' }, leadWebhook({ email: 'lead@example.com', tags: ['from-chat'] }));
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.user.created, true);
    assert.equal(res.json.passwordReturn, 'written');
    const write = fake.requestsTo('POST', '/leads').at(-1);
    assert.equal((write!.body as { leads: ContactWrite[] }).leads[0].email, 'lead@example.com');
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'lead@example.com')), ['from-chat']);
  });
});
