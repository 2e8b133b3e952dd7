import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, userWebhook, leadWebhook, type FakeCustomerly } from '../fake-customerly';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import {
  ensureRole,
  oneUser,
  recordEvents,
  tagNames,
  usersByEmail,
  TAG_UID,
  USER_UID,
  type RecordedEvent,
} from '../helpers/fixtures';

describe('actions update_tags and update (real Strapi, fake Customerly)', () => {
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
        fieldMapping: [
          { from: 'name', to: 'firstName', type: 'string' },
          { from: 'attributes.plan', to: 'plan', type: 'string' },
          { from: 'attributes.seats', to: 'seats', type: 'number' },
          { from: 'attributes.is_vip', to: 'vip', type: 'boolean' },
          { from: 'attributes.trial_end', to: 'trialEndsAt', type: 'date' },
          { from: 'attributes.birthday', to: 'birthday', type: 'date' },
          { from: 'attributes.prefs', to: 'profile', type: 'json', writeEmpty: true },
        ],
      },
    });
    await ensureRole(app.strapi, 'Customer', 'customer');
    events = recordEvents(app.strapi, ['customerly.tags.changed', 'customerly.user.updated']);
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  const add = (email: string, extra: Record<string, unknown> = {}) =>
    app.webhook({ action: 'add' }, userWebhook({ email, tags: [], ...extra }));

  it('update_tags sets exactly the contact tags: adds new ones, removes missing ones, emits the change', async () => {
    await add('tags@example.com', { tags: ['alpha', 'beta'] });
    events.length = 0;
    const res = await app.webhook(
      { action: 'update_tags' },
      userWebhook({ email: 'tags@example.com', tags: ['beta', 'gamma'] })
    );
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.tags.added, ['gamma']);
    assert.deepEqual(res.json.tags.removed, ['alpha']);
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'tags@example.com')), ['beta', 'gamma']);
    const ev = events.find((e) => e.name === 'customerly.tags.changed');
    assert.deepEqual(ev?.payload.added, ['gamma']);
    assert.deepEqual(ev?.payload.removed, ['alpha']);
    assert.deepEqual(ev?.payload.tags.sort(), ['beta', 'gamma']);
    assert.equal(ev?.payload.user.email, 'tags@example.com');
  });

  it('tag names match ignoring case and keep the case Customerly first sent', async () => {
    await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'tags@example.com', tags: ['Premium Plan'] }));
    await add('other@example.com', { tags: ['premium plan'] });
    const entries = await app.strapi.db.query(TAG_UID).findMany({ where: { nameKey: 'premium plan' } });
    assert.equal(entries.length, 1);
    assert.equal(entries[0].name, 'Premium Plan');
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'other@example.com')), ['Premium Plan']);
  });

  it('tags as {name} objects work, and an empty list removes every tag', async () => {
    await app.webhook(
      { action: 'update_tags' },
      userWebhook({ email: 'tags@example.com', tags: [{ name: 'obj-tag' }] })
    );
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'tags@example.com')), ['obj-tag']);
    await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'tags@example.com', tags: [] }));
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'tags@example.com')), []);
  });

  it('a contact with no user is skipped with 200 and creates nothing', async () => {
    for (const action of ['update_tags', 'update']) {
      const res = await app.webhook({ action }, userWebhook({ email: 'nobody@example.com', tags: ['x'] }));
      assert.equal(res.status, 200);
      assert.equal(res.json.skipped, 'no-matching-user');
    }
    assert.equal((await usersByEmail(app.strapi, 'nobody@example.com')).length, 0);
  });

  it('tags that cannot be learned leave the user tags as they are, and the answer says so', async () => {
    await add('keep@example.com', { tags: ['kept'] });
    const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'keep@example.com' }));
    assert.equal(res.status, 200);
    assert.equal(res.json.tags.unchanged, true);
    assert.match(res.json.tags.reason, /Customerly/);
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'keep@example.com')), ['kept']);
  });

  it('without tags in the payload they come from the Customerly API when it has them', async () => {
    fake.options.includeTagsInContacts = true;
    try {
      await add('apitags@example.com', { tags: ['old'] });
      fake.addUser({ email: 'apitags@example.com', tags: ['from-api'] });
      const before = fake.requests.length;
      const res = await app.webhook({ action: 'update_tags' }, userWebhook({ email: 'apitags@example.com' }));
      assert.equal(res.status, 200);
      assert.deepEqual(tagNames(await oneUser(app.strapi, 'apitags@example.com')), ['from-api']);
      assert.equal(fake.requests.length - before, 1, 'one API call');
      assert.equal(res.json.contact.apiCalls, 1);
    } finally {
      fake.options.includeTagsInContacts = false;
    }
  });

  it('a payload with tags and attributes makes no API call', async () => {
    await add('noapi@example.com');
    const before = fake.requests.length;
    const res = await app.webhook(
      { action: 'update' },
      userWebhook({ email: 'noapi@example.com', name: 'Nia', tags: ['a'], attributes: { plan: 'pro' } })
    );
    assert.equal(res.status, 200);
    assert.equal(fake.requests.length, before);
    assert.equal(res.json.contact.apiCalls, 0);
  });

  it('update maps typed fields from the payload', async () => {
    await add('fields@example.com');
    const res = await app.webhook(
      { action: 'update' },
      userWebhook({
        email: 'fields@example.com',
        name: 'Fiona',
        tags: ['t1'],
        attributes: {
          plan: 'enterprise',
          seats: '12',
          is_vip: 1,
          trial_end: 1767225600,
          birthday: 631152000,
          prefs: { lang: 'it' },
        },
      })
    );
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const user = await oneUser(app.strapi, 'fields@example.com');
    assert.equal(user.firstName, 'Fiona');
    assert.equal(user.plan, 'enterprise');
    assert.equal(user.seats, 12);
    assert.equal(user.vip, true);
    assert.equal(new Date(user.trialEndsAt as string | Date).toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(String(user.birthday).slice(0, 10), '1990-01-01');
    assert.deepEqual(typeof user.profile === 'string' ? JSON.parse(user.profile) : user.profile, { lang: 'it' });
    assert.deepEqual(tagNames(user), ['t1']);
    assert.deepEqual(res.json.fields.updated.sort(), [
      'birthday',
      'firstName',
      'plan',
      'profile',
      'seats',
      'trialEndsAt',
      'vip',
    ]);
  });

  it('update skips empty values unless the mapping says otherwise, and reports values it cannot convert', async () => {
    await add('empty@example.com', { name: 'Emma', attributes: { plan: 'pro', prefs: { a: 1 } } });
    const res = await app.webhook(
      { action: 'update' },
      userWebhook({
        email: 'empty@example.com',
        name: '',
        tags: [],
        attributes: { plan: '', prefs: null, seats: 'many' },
      })
    );
    assert.equal(res.status, 200);
    const user = await oneUser(app.strapi, 'empty@example.com');
    assert.equal(user.firstName, 'Emma', 'an empty name is skipped');
    assert.equal(user.plan, 'pro', 'an empty plan is skipped');
    assert.equal(user.profile, null, 'writeEmpty writes null');
    assert.ok(res.json.fields.skipped.includes('attributes.seats → seats'));
  });

  it('update never touches protected attributes, whatever the payload carries', async () => {
    await add('safe@example.com');
    const before = await oneUser(app.strapi, 'safe@example.com');
    const res = await app.webhook(
      { action: 'update' },
      userWebhook({
        email: 'safe@example.com',
        tags: [],
        attributes: {
          confirmed: false,
          blocked: true,
          role: 'admin',
          password: 'hacked-123456',
          provider: 'github',
          resetPasswordToken: 'x',
        },
        ...({ role: 'admin', confirmed: false, blocked: true, password: 'hacked-123456', id: 999 } as Record<
          string,
          unknown
        >),
      })
    );
    assert.equal(res.status, 200);
    const after = await oneUser(app.strapi, 'safe@example.com');
    for (const key of ['confirmed', 'blocked', 'provider', 'password', 'resetPasswordToken', 'id']) {
      assert.deepEqual(after[key], before[key], key);
    }
    assert.equal(after.role.id, before.role.id);
  });

  it('update with role= changes the role within the allowlist', async () => {
    await add('promote@example.com');
    const res = await app.webhook(
      { action: 'update', role: 'customer' },
      userWebhook({ email: 'promote@example.com', tags: [] })
    );
    assert.equal(res.status, 200);
    assert.equal((await oneUser(app.strapi, 'promote@example.com')).role.type, 'customer');
  });

  it('an email changed in Customerly follows the same user through the Customerly id', async () => {
    const first = await add('old.address@example.com', { crmhero_user_id: 4242 });
    const res = await app.webhook(
      { action: 'update' },
      userWebhook({ email: 'new.address@example.com', crmhero_user_id: 4242, tags: ['moved'] })
    );
    assert.equal(res.status, 200);
    assert.equal(res.json.user.id, first.json.user.id);
    assert.equal((await usersByEmail(app.strapi, 'old.address@example.com')).length, 0);
    const user = await oneUser(app.strapi, 'new.address@example.com');
    assert.equal(user.id, first.json.user.id);
    assert.deepEqual(tagNames(user), ['moved']);
  });

  it('the external user_id alone never finds a user (the website sets it, so a visitor can claim one)', async () => {
    const first = await add('ext.old@example.com', { user_id: 'u-77' });
    const res = await app.webhook(
      { action: 'update_tags' },
      userWebhook({ email: 'ext.new@example.com', user_id: 'u-77', tags: ['ext'] })
    );
    assert.equal(res.status, 200);
    assert.equal(res.json.skipped, 'no-matching-user');
    const user = await oneUser(app.strapi, 'ext.old@example.com');
    assert.equal(user.id, first.json.user.id);
    assert.deepEqual(tagNames(user), []);
  });

  it('a lead payload works for update_tags on the user that lead created', async () => {
    await app.webhook(
      { action: 'add' },
      leadWebhook({ email: 'lead2@example.com', crmhero_user_id: 5150, tags: ['chat'] })
    );
    const res = await app.webhook(
      { action: 'update_tags' },
      leadWebhook({ email: 'lead2@example.com', crmhero_user_id: 5150, tags: ['chat', 'qualified'] })
    );
    assert.equal(res.status, 200);
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'lead2@example.com')), ['chat', 'qualified']);
  });

  it('the email query parameter wins over the payload', async () => {
    await add('param@example.com');
    const res = await app.webhook(
      { action: 'update_tags', email: 'Param@Example.com' },
      userWebhook({ email: 'someone.else@example.com', tags: ['by-param'] })
    );
    assert.equal(res.status, 200);
    assert.deepEqual(tagNames(await oneUser(app.strapi, 'param@example.com')), ['by-param']);
  });

  it('the same delivery twice gives the same state (idempotent)', async () => {
    await add('idem@example.com');
    const payload = userWebhook({
      email: 'idem@example.com',
      name: 'Ida',
      tags: ['x', 'y'],
      attributes: { plan: 'a' },
    });
    await app.webhook({ action: 'update' }, payload);
    const once = await oneUser(app.strapi, 'idem@example.com');
    const res = await app.webhook({ action: 'update' }, payload);
    const twice = await oneUser(app.strapi, 'idem@example.com');
    assert.deepEqual(tagNames(twice), tagNames(once));
    assert.equal(twice.plan, once.plan);
    assert.deepEqual(res.json.tags.added, []);
    assert.deepEqual(res.json.tags.removed, []);
    assert.equal(await app.strapi.db.query(USER_UID).count({ where: { email: 'idem@example.com' } }), 1);
  });

  it('while synchronous webhooks arrive, the worker looks for due deliveries no more often than queue.pollMs', async () => {
    // Synchronous deliveries are run by their request, never due for the worker: it has nothing to look for more
    // often than its poll interval (1 s here). It once looked every millisecond while webhooks kept arriving.
    await add('steady@example.com');
    const looks: string[] = [];
    const onQuery = (q: { sql: string }) => {
      if (/from\s+[`"]?customerly_deliveries[`"]?\s+where\s+[`"]?status[`"]?\s*=.*next_attempt_at/i.test(q.sql))
        looks.push(q.sql);
    };
    app.strapi.db.connection.on('query', onQuery);
    const t0 = Date.now();
    try {
      for (let k = 0; k < 30; k++) {
        const res = await app.webhook(
          { action: 'update_tags' },
          userWebhook({ email: 'steady@example.com', tags: [`s${k}`] })
        );
        assert.equal(res.status, 200);
      }
    } finally {
      app.strapi.db.connection.removeListener('query', onQuery);
    }
    const seconds = (Date.now() - t0) / 1000;
    assert.ok(
      looks.length <= Math.ceil(seconds) + 2,
      `${looks.length} looks at the queue in ${seconds.toFixed(1)} s of webhooks (poll every 1 s)`
    );
  });
});
