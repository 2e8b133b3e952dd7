/**
 * Account takeover through the webhook (issue 8, items 2 to 5 and 8 to 10), tried as an attacker would: every value
 * in a payload is written by someone untrusted (a lead is whoever typed an email into the chat widget; a `user_id`
 * is set by the website's JavaScript). Each test sends real HTTP to a real Strapi and checks the database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, userWebhook, leadWebhook, type FakeCustomerly } from '../fake-customerly';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { DELIVERY_UID, TAG_UID, USER_UID, login, oneUser, tagNames, usersByEmail } from '../helpers/fixtures';

describe('no account takeover through the webhook (real Strapi)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;

  before(async () => {
    fake = await startFakeCustomerly();
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        fieldMapping: [
          { from: 'attributes.pass', to: 'user_pass' },
          { from: 'attributes.login', to: 'user_login' },
          { from: 'name', to: 'firstName', type: 'string' },
          { from: 'attributes.plan', to: 'plan', type: 'string' },
          { from: 'attributes.seats', to: 'seats', type: 'number' },
          { from: 'attributes.trial_end', to: 'trialEndsAt', type: 'date' },
          { from: 'attributes.nick', to: 'username', type: 'string' },
        ],
      },
    });
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  const deliveryOf = async (eventId: string) => app.strapi.db.query(DELIVERY_UID).findOne({ where: { eventId } });
  /** A user made outside the plugin (self-registration, the admin): the plugin did not create it. */
  const selfRegistered = async (email: string) => {
    const role = await app.strapi.db
      .query('plugin::users-permissions.role')
      .findOne({ where: { type: 'authenticated' } });
    return app.strapi.plugin('users-permissions').service('user').add({
      username: email,
      email,
      password: 'Own-Password-1',
      provider: 'local',
      confirmed: true,
      blocked: false,
      role: role.id,
    });
  };

  describe('item 2: a password shared by other values never rewrites them', () => {
    it('two contacts whose user_id contains the same common password stay two users, each with its own id', async () => {
      const a = await app.webhook(
        { action: 'add' },
        userWebhook({
          email: 'first.123456@example.com',
          user_id: 'acct-123456-a',
          crmhero_user_id: 7001,
          tags: ['123456-club'],
          attributes: { pass: '123456' },
        })
      );
      const b = await app.webhook(
        { action: 'add' },
        userWebhook({
          email: 'second@example.com',
          user_id: 'acct-123456-b',
          crmhero_user_id: 7002,
          tags: ['Other'],
          attributes: { pass: '123456' },
        })
      );
      assert.equal(a.status, 200, JSON.stringify(a.json));
      assert.equal(b.status, 200, JSON.stringify(b.json));
      assert.equal(a.json.user.created, true);
      assert.equal(b.json.user.created, true, 'the second contact got its own user, not the first one');
      assert.notEqual(a.json.user.id, b.json.user.id);

      const first = await oneUser(app.strapi, 'first.123456@example.com');
      const second = await oneUser(app.strapi, 'second@example.com');
      assert.equal(first.customerlyUserId, 'acct-123456-a', 'the id is stored as sent, not as a placeholder');
      assert.equal(second.customerlyUserId, 'acct-123456-b');
      assert.deepEqual(tagNames(first), ['123456-club'], 'a tag containing the password keeps its name');
      assert.equal(
        await app.strapi.db.query(TAG_UID).count({ where: { name: '[redacted]' } }),
        0,
        'no tag is named [redacted]'
      );
      assert.equal(await login(app.baseUrl, 'first.123456@example.com', '123456'), 200, 'the given password works');
      assert.equal(await login(app.baseUrl, 'second@example.com', '123456'), 200);
    });

    it('the stored payload has the password replaced in its own place only', async () => {
      const res = await app.webhook(
        { action: 'add' },
        userWebhook({
          email: 'third.123456@example.com',
          user_id: 'u-123456',
          tags: ['x123456'],
          attributes: { pass: '123456', plan: 'p-123456' },
        })
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      const stored = await deliveryOf(res.json.eventId);
      const c = stored.payload.data.user.data;
      assert.equal(c.attributes.pass, '[redacted]');
      assert.equal(c.email, 'third.123456@example.com');
      assert.equal(c.user_id, 'u-123456');
      assert.deepEqual(c.tags, ['x123456']);
      assert.equal(c.attributes.plan, 'p-123456');
      assert.equal((await oneUser(app.strapi, 'third.123456@example.com')).plan, 'p-123456');
    });
  });

  describe('item 3: the email follows only a crmhero_user_id match of a Customerly user', () => {
    let victimId: number;
    before(async () => {
      const res = await app.webhook(
        { action: 'add' },
        userWebhook({ email: 'victim@example.com', user_id: 'site-1', crmhero_user_id: 8001, tags: ['Paid'] })
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      victimId = res.json.user.id;
    });

    it('update with a claimed user_id and another email does not touch the linked user', async () => {
      const res = await app.webhook(
        { action: 'update' },
        userWebhook({ email: 'attacker@example.com', user_id: 'site-1', tags: ['Hijacked'] })
      );
      assert.equal(res.status, 200);
      assert.equal(res.json.skipped, 'no-matching-user');
      const victim = await oneUser(app.strapi, 'victim@example.com');
      assert.equal(victim.id, victimId);
      assert.deepEqual(tagNames(victim), ['Paid']);
      assert.equal((await usersByEmail(app.strapi, 'attacker@example.com')).length, 0);
    });

    it('add with a claimed user_id creates the new contact its own user and leaves the linked one alone', async () => {
      const res = await app.webhook(
        { action: 'add' },
        userWebhook({ email: 'attacker2@example.com', user_id: 'site-1', tags: [] })
      );
      assert.equal(res.status, 200);
      assert.notEqual(res.json.user.id, victimId);
      assert.equal((await oneUser(app.strapi, 'victim@example.com')).id, victimId);
    });

    it("a lead payload carrying the user's crmhero_user_id never moves the email", async () => {
      const res = await app.webhook(
        { action: 'update' },
        leadWebhook({ email: 'attacker3@example.com', crmhero_user_id: 8001, tags: ['Paid'] })
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal((await oneUser(app.strapi, 'victim@example.com')).id, victimId, 'the email stayed');
      assert.equal((await usersByEmail(app.strapi, 'attacker3@example.com')).length, 0);
      assert.equal(res.json.email?.changed, false);
      assert.match(res.json.email.reason, /lead/);
    });

    it('a Customerly user matched by crmhero_user_id moves the email, and the result records it', async () => {
      const res = await app.webhook(
        { action: 'update' },
        userWebhook({ email: 'victim.new@example.com', crmhero_user_id: 8001, tags: ['Paid'] })
      );
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.email, { changed: true, from: 'victim@example.com', to: 'victim.new@example.com' });
      assert.equal((await oneUser(app.strapi, 'victim.new@example.com')).id, victimId);
      const stored = await deliveryOf(res.json.eventId);
      assert.deepEqual(stored.result.email, {
        changed: true,
        from: 'victim@example.com',
        to: 'victim.new@example.com',
      });
    });

    it('an email another user has is never taken over', async () => {
      await selfRegistered('taken@example.com');
      const res = await app.webhook(
        { action: 'update' },
        userWebhook({ email: 'taken@example.com', crmhero_user_id: 8001, tags: ['Paid'] })
      );
      assert.equal(res.status, 200);
      assert.equal(res.json.email.changed, false);
      assert.equal((await oneUser(app.strapi, 'victim.new@example.com')).id, victimId);
      assert.notEqual((await oneUser(app.strapi, 'taken@example.com')).id, victimId);
    });
  });

  describe('the second review: ids from the API, relinking, unique values', () => {
    it("the API lookup never follows a claimed user_id to another contact's id", async () => {
      fake.addUser({ email: 'api.victim@example.com', user_id: 'victim-uid', crmhero_user_id: 8500, tags: ['Paid'] });
      const added = await app.webhook(
        { action: 'add' },
        userWebhook({ email: 'api.victim@example.com', user_id: 'victim-uid', crmhero_user_id: 8500, tags: ['Paid'] })
      );
      assert.equal(added.status, 200);
      // No tags and no crmhero_user_id: the plugin asks the API, which must not be asked by user_id.
      const res = await app.webhook(
        { action: 'update' },
        userWebhook({ email: 'api.attacker@example.com', user_id: 'victim-uid' })
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.skipped, 'no-matching-user');
      const victim = await oneUser(app.strapi, 'api.victim@example.com');
      assert.equal(victim.id, added.json.user.id);
      assert.equal((await usersByEmail(app.strapi, 'api.attacker@example.com')).length, 0);
      const made = await app.webhook(
        { action: 'add' },
        userWebhook({ email: 'api.attacker2@example.com', user_id: 'victim-uid' })
      );
      assert.equal(made.status, 200);
      const attacker = await oneUser(app.strapi, 'api.attacker2@example.com');
      assert.notEqual(attacker.customerlyContactId, '8500', "the new user is not linked to the victim's Customerly id");
      assert.equal(
        fake.requests.filter((r) => r.path === '/users' && r.method === 'GET' && 'user_id' in r.query).length,
        0
      );
    });

    it('an email match never relinks a user linked to another Customerly contact', async () => {
      await app.webhook(
        { action: 'add' },
        userWebhook({ email: 'linked.v2@example.com', crmhero_user_id: 8600, tags: ['Paid'] })
      );
      const res = await app.webhook(
        { action: 'update' },
        userWebhook({ email: 'linked.v2@example.com', crmhero_user_id: 8999, tags: [] })
      );
      assert.equal(res.json.skipped, 'linked-to-another-contact');
      const follow = await app.webhook(
        { action: 'update' },
        userWebhook({ email: 'att2@example.com', crmhero_user_id: 8999, tags: [] })
      );
      assert.equal(follow.json.skipped, 'no-matching-user');
      const victim = await oneUser(app.strapi, 'linked.v2@example.com');
      assert.equal(victim.customerlyContactId, '8600');
      assert.deepEqual(tagNames(victim), ['Paid']);
    });

    it('a mapped value another user has for a unique attribute is skipped, never a 500', async () => {
      await app.webhook({ action: 'add' }, userWebhook({ email: 'unique.a@example.com', tags: [] }));
      await app.webhook({ action: 'add' }, userWebhook({ email: 'unique.b@example.com', tags: [] }));
      const res = await app.webhook(
        { action: 'update' },
        userWebhook({
          email: 'unique.a@example.com',
          tags: [],
          attributes: { nick: 'unique.b@example.com', plan: 'u' },
        })
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.ok(res.json.fields.skipped.includes('attributes.nick → username'), JSON.stringify(res.json.fields));
      assert.equal((await oneUser(app.strapi, 'unique.a@example.com')).plan, 'u');
    });
  });

  describe('item 4: a __proto__ key cannot change which contact is processed', () => {
    it('is refused with 400, stores nothing and changes no user', async () => {
      await app.webhook({ action: 'add' }, userWebhook({ email: 'proto.victim@example.com', tags: ['Keep'] }));
      const deliveries = await app.strapi.db.query(DELIVERY_UID).count();
      const raw = `{"__proto__":{"data":{"user":{"data":{"email":"proto.victim@example.com","tags":["Hijacked"]}}}},"email":"nobody@example.com"}`;
      for (const action of ['update', 'update_tags', 'add']) {
        const res = await app.webhook({ action }, raw, { raw: true });
        assert.equal(res.status, 400, JSON.stringify(res.json));
        assert.equal(res.json.error.code, 'invalid_payload');
      }
      const nested = `{"data":{"user":{"data":{"email":"nobody@example.com","attributes":{"__proto__":{"plan":"x"}}}}}}`;
      assert.equal((await app.webhook({ action: 'update' }, nested, { raw: true })).status, 400);
      assert.deepEqual(tagNames(await oneUser(app.strapi, 'proto.victim@example.com')), ['Keep']);
      assert.equal((await usersByEmail(app.strapi, 'nobody@example.com')).length, 0);
      assert.equal(await app.strapi.db.query(DELIVERY_UID).count(), deliveries, 'nothing was stored');
    });
  });

  describe('item 5: leads are unverified (leads: "safe", the default)', () => {
    it('a lead with the email of a self-registered user changes nothing, and says why', async () => {
      const own = await selfRegistered('self.registered@example.com');
      for (const action of ['update_tags', 'update', 'add']) {
        const res = await app.webhook(
          { action },
          leadWebhook({
            email: 'Self.Registered@example.com',
            crmhero_user_id: 9100,
            name: 'Hijacker',
            tags: ['Hijacked'],
            attributes: { plan: 'stolen' },
          })
        );
        assert.equal(res.status, 200, JSON.stringify(res.json));
        assert.equal(res.json.skipped, 'lead-not-applied', action);
        assert.match(res.json.reason, /lead/);
      }
      const user = await oneUser(app.strapi, 'self.registered@example.com');
      assert.equal(user.id, own.id);
      assert.deepEqual(tagNames(user), []);
      assert.equal(user.plan ?? null, null);
      assert.equal(user.firstName ?? null, null);
      assert.equal(user.customerlyContactId ?? null, null, 'the lead did not link itself to the user');
    });

    it('a lead never changes a user linked to another Customerly contact', async () => {
      await app.webhook(
        { action: 'add' },
        userWebhook({ email: 'linked.user@example.com', crmhero_user_id: 9200, tags: ['Pro'] })
      );
      const res = await app.webhook(
        { action: 'update_tags' },
        leadWebhook({ email: 'linked.user@example.com', crmhero_user_id: 9201, tags: [] })
      );
      assert.equal(res.json.skipped, 'lead-not-applied');
      assert.deepEqual(tagNames(await oneUser(app.strapi, 'linked.user@example.com')), ['Pro']);
    });

    it("a lead's own password attribute never becomes the password of the account made for its email", async () => {
      const res = await app.webhook(
        { action: 'add' },
        leadWebhook({
          email: 'unverified.owner@example.com',
          crmhero_user_id: 9400,
          tags: [],
          attributes: { pass: 'Chosen-By-Visitor-1' },
        })
      );
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.user.created, true);
      assert.ok(
        res.json.warnings.some((w: string) => /lead payload is not used/.test(w)),
        JSON.stringify(res.json.warnings)
      );
      assert.equal(await login(app.baseUrl, 'unverified.owner@example.com', 'Chosen-By-Visitor-1'), 400);
    });

    it('a lead creates its user and then updates that same user', async () => {
      const created = await app.webhook(
        { action: 'add' },
        leadWebhook({ email: 'new.lead@example.com', crmhero_user_id: 9300, tags: ['chat'] })
      );
      assert.equal(created.json.user.created, true);
      const res = await app.webhook(
        { action: 'update_tags' },
        leadWebhook({ email: 'new.lead@example.com', crmhero_user_id: 9300, tags: ['chat', 'qualified'] })
      );
      assert.equal(res.status, 200);
      assert.deepEqual(tagNames(await oneUser(app.strapi, 'new.lead@example.com')), ['chat', 'qualified']);
    });
  });

  describe('item 8: mapped values the user attribute cannot take are skipped with a warning, never a 500', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['a string over 255 characters', { name: 'n'.repeat(300) }, 'name → firstName'],
      ['1.5 for an integer', { attributes: { seats: 1.5 } }, 'attributes.seats → seats'],
      ['an integer overflow', { attributes: { seats: 3_000_000_000 } }, 'attributes.seats → seats'],
      ['a date out of range (unix seconds)', { attributes: { trial_end: 1e20 } }, 'attributes.trial_end → trialEndsAt'],
      [
        'a date in the year 99999',
        { attributes: { trial_end: '+099999-01-01T00:00:00Z' } },
        'attributes.trial_end → trialEndsAt',
      ],
      ['a username of 2 characters', { attributes: { login: 'ab' } }, 'attributes.login → user_login'],
      ['a username of 300 characters', { attributes: { login: 'u'.repeat(300) } }, 'attributes.login → user_login'],
      ['a password under 6 characters', { attributes: { pass: '12345' } }, 'attributes.pass → user_pass'],
    ];
    for (const [name, over, row] of cases) {
      it(name, async () => {
        const email = `bad.value.${cases.findIndex((c) => c[0] === name)}@example.com`;
        const attributes = { plan: 'ok-plan', ...((over.attributes as object) ?? {}) };
        const res = await app.webhook(
          { action: 'add' },
          userWebhook({ email, tags: [], ...over, attributes } as never)
        );
        assert.equal(res.status, 200, JSON.stringify(res.json).slice(0, 500));
        assert.equal(res.json.user.created, true);
        assert.ok(res.json.fields.skipped.includes(row), `skipped: ${JSON.stringify(res.json.fields.skipped)}`);
        assert.ok(
          res.json.warnings.some((w: string) => w.startsWith(`field ${row} skipped`)),
          JSON.stringify(res.json.warnings)
        );
        assert.ok(!/select|insert|update .* set/i.test(JSON.stringify(res.json)), 'no SQL in the answer');
        const user = await oneUser(app.strapi, email);
        assert.equal(user.plan, 'ok-plan', 'the other fields were written');
        // Update too: the same value on an existing user.
        const upd = await app.webhook(
          { action: 'update' },
          userWebhook({ email, tags: [], ...over, attributes } as never)
        );
        assert.equal(upd.status, 200, JSON.stringify(upd.json).slice(0, 500));
      });
    }
  });

  describe('item 9: NUL and lone surrogates typed into the chat widget are cleaned before storing', () => {
    it('a payload with them is stored and processed, on every database', async () => {
      const body = JSON.stringify(
        userWebhook({
          email: 'nul.person@example.com',
          name: 'Na\u0000me \ud800x',
          tags: ['T\u0000ag', 'Sur\udc00rogate'],
          attributes: { plan: 'p\u0000lan', 'k\u0000ey': 'v' },
        })
      );
      const res = await app.webhook({ action: 'add' }, body, { raw: true });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      const user = await oneUser(app.strapi, 'nul.person@example.com');
      assert.equal(user.firstName, 'Na\ufffdme \ufffdx');
      assert.equal(user.plan, 'p\ufffdlan');
      assert.deepEqual(tagNames(user), ['Sur\ufffdrogate', 'T\ufffdag']);
      const stored = await deliveryOf(res.json.eventId);
      assert.equal(stored.status, 'done');
      assert.equal(stored.payload.data.user.data.attributes['k\ufffdey'], 'v');
    });
  });

  describe('item 10: tags are capped', () => {
    it('more than 250 tags is refused with a clear 400 before anything is stored', async () => {
      const deliveries = await app.strapi.db.query(DELIVERY_UID).count();
      const tags = Array.from({ length: 251 }, (_, i) => `t${i}`);
      const res = await app.webhook({ action: 'add' }, userWebhook({ email: 'many.tags@example.com', tags }));
      assert.equal(res.status, 400);
      assert.equal(res.json.error.code, 'too_many_tags');
      assert.match(res.json.error.message, /250/);
      assert.equal(await app.strapi.db.query(DELIVERY_UID).count(), deliveries);
      assert.equal((await usersByEmail(app.strapi, 'many.tags@example.com')).length, 0);
    });

    it('250 tags work', async () => {
      const tags = Array.from({ length: 250 }, (_, i) => `many-${i}`);
      const res = await app.webhook({ action: 'add' }, userWebhook({ email: 'max.tags@example.com', tags }));
      assert.equal(res.status, 200, JSON.stringify(res.json).slice(0, 300));
      assert.equal(tagNames(await oneUser(app.strapi, 'max.tags@example.com')).length, 250);
      assert.equal(await app.strapi.db.query(USER_UID).count({ where: { email: 'max.tags@example.com' } }), 1);
    });
  });
});
