/**
 * Tag rules give roles (issue 11), through the real webhook, in both processing modes, on the database of the run
 * (TEST_DB): every case of product.md's decision order, the answer's `role`, the `customerly.role.changed` event,
 * a rule whose role does not exist, config checks at startup, the panel's 400, and 20 concurrent deliveries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWebhook } from '../fake-customerly';
import { startStrapi, type AnswerJson, type TestStrapi } from '../helpers/strapi';
import { pool, waitFor } from '../helpers/processes';
import { DELIVERY_UID, ROLE_UID, USER_UID, ensureRole, oneUser, recordEvents } from '../helpers/fixtures';
import { createAdmin, login as adminLogin } from '../e2e/admin-api';

const RULES = [
  { tag: 'VIP', role: 'vip' },
  { tag: 'Pro', role: 'Pro' },
  { tag: 'Gold', role: 'gold' }, // no such role (yet)
];
const ALLOWED = ['authenticated', 'pro', 'vip', 'basic', 'gold'];

for (const processing of ['sync', 'queued'] as const) {
  describe(`tag rules decide the role (${processing} processing)`, () => {
    let app: TestStrapi;
    let seq = 0;
    const nextContact = () => {
      seq += 1;
      return { email: `rules-${processing}-${seq}@example.test`, crmhero_user_id: 9000 + seq };
    };

    before(async () => {
      app = await startStrapi({
        pluginConfig: {
          processing,
          tagRules: RULES,
          allowedRoles: ALLOWED,
          queue: { pollMs: 50, concurrency: 2 },
          rateLimit: { enabled: false },
        },
      });
      await ensureRole(app.strapi, 'Pro', 'pro');
      await ensureRole(app.strapi, 'VIP', 'vip');
      await ensureRole(app.strapi, 'Basic', 'basic');
      await ensureRole(app.strapi, 'Staff', 'staff');
    });
    after(async () => {
      await app?.stop();
    });

    /** Sends a webhook and returns its result (the answer in sync mode, the stored result once done when queued). */
    async function send(
      action: string,
      contact: { email: string; crmhero_user_id: number },
      tags: string[],
      extra: Record<string, string> = {}
    ): Promise<AnswerJson> {
      const res = await app.webhook({ action, ...extra }, userWebhook({ ...contact, tags }));
      if (processing === 'sync') {
        assert.equal(res.status, 200, JSON.stringify(res.json));
        return res.json;
      }
      assert.equal(res.status, 202, JSON.stringify(res.json));
      const d = await waitFor(
        async () => {
          const row = await app.strapi.db.query(DELIVERY_UID).findOne({ where: { eventId: res.json.eventId } });
          return ['done', 'skipped', 'failed'].includes(row?.status) ? row : undefined;
        },
        30_000,
        'the delivery'
      );
      assert.equal(d.status, 'done', JSON.stringify(d.result));
      return d.result;
    }
    const roleOf = async (email: string) => (await oneUser(app.strapi, email)).role.type;

    it('add: a new user tagged Pro gets the Pro role; the answer names the rule', async () => {
      const c = nextContact();
      const r = await send('add', c, ['pro']);
      assert.equal(await roleOf(c.email), 'pro');
      assert.equal(r.role.name, 'Pro');
      assert.equal(r.role.rule, 'Pro');
      assert.equal(r.role.changed, true);
    });

    it('the first matching rule wins, over a role parameter', async () => {
      const c = nextContact();
      const r = await send('add', c, ['Pro', 'vip'], { role: 'basic' });
      assert.equal(await roleOf(c.email), 'vip');
      assert.equal(r.role.rule, 'VIP');
    });

    it('update_tags: tag added gives the role (event emitted), tag removed falls back to the default role', async () => {
      const events = recordEvents(app.strapi, ['customerly.role.changed']);
      const c = nextContact();
      await send('add', c, []);
      assert.equal(await roleOf(c.email), 'authenticated');
      const up = await send('update_tags', c, ['Pro']);
      assert.equal(await roleOf(c.email), 'pro');
      assert.deepEqual([up.role.from, up.role.name, up.role.rule], ['Authenticated', 'Pro', 'Pro']);
      const down = await send('update_tags', c, ['Newsletter']);
      assert.equal(await roleOf(c.email), 'authenticated');
      assert.equal(down.role.reason, 'rule-gone');
      const mine = events.filter((e) => e.payload.user.email === c.email) as unknown as Array<{
        payload: { from: string; to: string; reason: string };
      }>;
      assert.deepEqual(
        mine.map((e) => [e.payload.from, e.payload.to]),
        [
          ['Authenticated', 'Pro'],
          ['Pro', 'Authenticated'],
        ]
      );
      assert.match(mine[0]!.payload.reason, /Pro/);
    });

    it('update: tag removed falls back to the role parameter when there is one', async () => {
      const c = nextContact();
      await send('add', c, ['Pro']);
      await send('update', c, [], { role: 'basic' });
      assert.equal(await roleOf(c.email), 'basic');
    });

    it('no rule concerned: the role parameter decides as before, or the role stays', async () => {
      const c = nextContact();
      await send('add', c, ['x'], { role: 'basic' });
      assert.equal(await roleOf(c.email), 'basic');
      const r = await send('update_tags', c, ['y']);
      assert.equal(await roleOf(c.email), 'basic');
      assert.equal(r.role, undefined);
    });

    it('a user whose role is off the allowlist is never touched', async () => {
      const c = nextContact();
      await send('add', c, []);
      const staff = await app.strapi.db.query(ROLE_UID).findOne({ where: { type: 'staff' } });
      const user = await oneUser(app.strapi, c.email);
      await app.strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { role: staff.id } });
      const r = await send('update_tags', c, ['Pro']);
      assert.equal(await roleOf(c.email), 'staff');
      assert.equal(r.role.changed, false);
      assert.match(r.role.kept, /not on the webhook allowlist/);
    });

    it('a rule whose role does not exist is skipped with a warning, never an error', async () => {
      const c = nextContact();
      const r = await send('add', c, ['gold']);
      assert.equal(await roleOf(c.email), 'authenticated');
      assert.ok(
        r.warnings.some((w: string) => /no role "gold"/.test(w)),
        JSON.stringify(r.warnings)
      );
    });

    it('20 concurrent update_tags alternating Pro / no Pro end in the role of the last delivery', async () => {
      const c = nextContact();
      await send('add', c, []);
      const results = await pool(
        Array.from(
          { length: 20 },
          (_, i) => () =>
            app.webhook({ action: 'update_tags' }, userWebhook({ ...c, tags: i % 2 === 0 ? ['Pro'] : ['Free'] }))
        ),
        20
      );
      for (const r of results) assert.ok([200, 202].includes(r.status), JSON.stringify(r.json));
      const eventIds = results.map((r) => r.json.eventId as string);
      const rows = await waitFor(
        async () => {
          const all = await app.strapi.db
            .query(DELIVERY_UID)
            .findMany({ where: { eventId: { $in: eventIds } }, orderBy: { id: 'asc' } });
          return all.length === 20 && all.every((d: { status: string }) => d.status === 'done') ? all : undefined;
        },
        60_000,
        'the 20 deliveries'
      );
      // Arrival order is the order the deliveries were stored in.
      const last = rows[rows.length - 1]!;
      const lastTags = JSON.stringify(last.payload);
      const expected = /"Pro"/.test(lastTags) ? 'pro' : 'authenticated';
      assert.equal(await roleOf(c.email), expected);
    });
  });
}

describe('tag rules in the config and the panel', () => {
  it('a rule off the allowlist in config/plugins stops startup, naming tagRules[i]', async () => {
    await assert.rejects(
      startStrapi({ pluginConfig: { allowedRoles: ['authenticated'], tagRules: [{ tag: 'Pro', role: 'pro' }] } }),
      (e: Error) => {
        assert.match(e.message, /tagRules\[0\]/);
        assert.match(e.message, /not on the list of roles/);
        return true;
      }
    );
  });

  describe('the panel', () => {
    let app: TestStrapi;
    before(async () => {
      app = await startStrapi({ pluginConfig: { allowedRoles: ['authenticated', 'pro'] } });
      await ensureRole(app.strapi, 'Pro', 'pro');
      await ensureRole(app.strapi, 'VIP', 'vip');
    });
    after(async () => {
      await app?.stop();
    });

    it('saves rules in order, refuses a rule off the allowlist or a second rule for a tag with 400 naming it', async () => {
      const admin = await createAdmin(app.strapi);
      const session = await adminLogin(app.baseUrl, admin.email, admin.password);
      const good = await session.call('PUT', '/customerly/settings', {
        tagRules: [
          { tag: 'Pro', role: 'pro' },
          { tag: 'Basic', role: 'authenticated' },
        ],
      });
      assert.equal(good.status, 200, JSON.stringify(good.json));
      assert.deepEqual(good.json.data.settings.tagRules, [
        { tag: 'Pro', role: 'pro' },
        { tag: 'Basic', role: 'authenticated' },
      ]);

      const off = await session.call('PUT', '/customerly/settings', { tagRules: [{ tag: 'VIP', role: 'vip' }] });
      assert.equal(off.status, 400);
      assert.match(off.json.error.message, /tagRules\[0\]/);
      assert.deepEqual(off.json.error.details.errors[0].path, ['tagRules', '0', 'role']);

      const twice = await session.call('PUT', '/customerly/settings', {
        tagRules: [
          { tag: 'Pro', role: 'pro' },
          { tag: 'pro', role: 'authenticated' },
        ],
      });
      assert.equal(twice.status, 400);
      assert.deepEqual(twice.json.error.details.errors[0].path, ['tagRules', '1', 'tag']);

      // Taking a rule's role off the allowlist is refused too, naming the rule.
      const shrink = await session.call('PUT', '/customerly/settings', { allowedRoles: ['authenticated'] });
      assert.equal(shrink.status, 400);
      assert.match(shrink.json.error.message, /tagRules\[0\]/);

      const after = await session.call('GET', '/customerly/settings');
      assert.deepEqual(after.json.data.settings.tagRules.length, 2, 'the refused saves changed nothing');
      assert.deepEqual(after.json.data.settings.allowedRoles, ['authenticated', 'pro']);
    });

    it('lists the tag names for the pickers and warns about a rule whose role is gone', async () => {
      await app.webhook({ action: 'add' }, userWebhook({ email: 'picker@example.test', tags: ['Alpha', 'Beta'] }));
      const admin = await createAdmin(app.strapi);
      const session = await adminLogin(app.baseUrl, admin.email, admin.password);
      await session.call('PUT', '/customerly/settings', { tagRules: [{ tag: 'Pro', role: 'pro' }] });
      const pro = await app.strapi.db.query(ROLE_UID).findOne({ where: { type: 'pro' } });
      await app.strapi.db.query(ROLE_UID).delete({ where: { id: pro.id } });
      const view = await session.call('GET', '/customerly/settings');
      assert.ok(view.json.data.meta.tags.includes('Alpha'), JSON.stringify(view.json.data.meta.tags));
      assert.equal(view.json.data.meta.tagRuleWarnings.length, 1);
      assert.equal(view.json.data.meta.tagRuleWarnings[0].index, 0);
      assert.match(view.json.data.meta.tagRuleWarnings[0].message, /no role "pro"/);
    });
  });
});
