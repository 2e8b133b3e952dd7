/**
 * Access by tag (issue 11): the `plugin::customerly.has-tags` route policy on the playground's own routes
 * (playground/src/api/premium), `GET /api/customerly/me`, its one-time grant, and tag entries that only the plugin
 * writes. Real Strapi, real HTTP, real logins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWebhook } from '../fake-customerly';
import { startStrapi, type AnswerJson, type TestStrapi } from '../helpers/strapi';
import { ROLE_UID, TAG_UID, USER_UID, oneUser, tagNames } from '../helpers/fixtures';
import { createAdmin, login as adminLogin } from '../e2e/admin-api';
import { waitFor } from '../helpers/processes';

const PERMISSION_UID = 'plugin::users-permissions.permission';
const PREMIUM_ACTION = 'api::premium.premium.show';
const ME_ACTION = 'plugin::customerly.me.find';
/** The app's generated types do not describe the plugin's tag type: its data is handed over untyped. */
const tagData = (data: Record<string, unknown>) => data as never;

async function get(app: TestStrapi, path: string, jwt?: string): Promise<{ status: number; json: AnswerJson }> {
  const res = await fetch(`${app.baseUrl}${path}`, { headers: jwt ? { authorization: `Bearer ${jwt}` } : {} });
  return { status: res.status, json: await res.json().catch(() => null) };
}

async function jwtOf(app: TestStrapi, email: string, password: string): Promise<string> {
  const res = await fetch(`${app.baseUrl}/api/auth/local`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: email, password }),
  });
  const json = (await res.json()) as { jwt?: string };
  assert.equal(res.status, 200, `login of ${email}`);
  return json.jwt!;
}

async function grant(app: TestStrapi, roleType: string, action: string) {
  const role = await app.strapi.db.query(ROLE_UID).findOne({ where: { type: roleType } });
  await app.strapi.db.query(PERMISSION_UID).create({ data: { action, role: role.id } });
}

describe('access by tag: the has-tags policy and /api/customerly/me (real Strapi)', () => {
  let app: TestStrapi;
  const password = 'Member-Password-1';
  let seq = 0;

  /** A self-registered member, linked to a Customerly user contact, with these tags set by a webhook. */
  async function member(tags: string[]): Promise<{ email: string; jwt: string; crmheroId: number }> {
    seq += 1;
    const email = `member${seq}@example.test`;
    const res = await fetch(`${app.baseUrl}/api/auth/local/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `member${seq}`, email, password }),
    });
    assert.equal(res.status, 200, 'registration');
    const crmheroId = 7000 + seq;
    await setTags(email, crmheroId, tags);
    return { email, crmheroId, jwt: await jwtOf(app, email, password) };
  }

  async function setTags(email: string, crmheroId: number, tags: string[]) {
    const r = await app.webhook({ action: 'update_tags' }, userWebhook({ email, crmhero_user_id: crmheroId, tags }));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const have = tagNames(await oneUser(app.strapi, email)).map((t) => t.toLowerCase());
    assert.deepEqual(have.sort(), tags.map((t) => t.toLowerCase()).sort());
  }

  before(async () => {
    app = await startStrapi();
    await grant(app, 'authenticated', PREMIUM_ACTION);
  });
  after(async () => {
    await app?.stop();
  });

  describe('the policy on the app routes', () => {
    it('anonymous: refused by users-permissions, and by the policy itself when the route is public', async () => {
      const before = await get(app, '/api/premium/any');
      assert.equal(before.status, 403);
      await grant(app, 'public', PREMIUM_ACTION);
      const r = await get(app, '/api/premium/any');
      assert.equal(r.status, 403);
      assert.equal(r.json.error.name, 'PolicyError');
      assert.match(r.json.error.message, /Pro, VIP/);
      assert.match(r.json.error.message, /Log in/);
      // A route without the policy is open to the same anonymous caller: the refusal is the policy's.
      assert.equal((await get(app, '/api/premium/open')).status, 200);
    });

    it('a member without tags is refused with Strapi 403 error JSON naming the tags needed', async () => {
      const m = await member([]);
      const r = await get(app, '/api/premium/any', m.jwt);
      assert.equal(r.status, 403);
      assert.deepEqual(Object.keys(r.json).sort(), ['data', 'error']);
      assert.equal(r.json.data, null);
      assert.equal(r.json.error.status, 403);
      assert.equal(r.json.error.message, 'This requires one of the tags Pro, VIP.');
      assert.deepEqual(r.json.error.details.any, ['Pro', 'VIP']);
    });

    it('any: one of the tags opens it, ignoring case', async () => {
      const m = await member(['vip', 'Newsletter']);
      assert.equal((await get(app, '/api/premium/any', m.jwt)).status, 200);
      const other = await member(['Newsletter']);
      assert.equal((await get(app, '/api/premium/any', other.jwt)).status, 403);
    });

    it('all: every tag is needed', async () => {
      const m = await member(['PRO']);
      const r = await get(app, '/api/premium/all', m.jwt);
      assert.equal(r.status, 403);
      assert.equal(r.json.error.message, 'This requires all of the tags Pro, Beta.');
      await setTags(m.email, m.crmheroId, ['PRO', 'beta']);
      assert.equal((await get(app, '/api/premium/all', m.jwt)).status, 200);
    });

    it('a tag removed by a webhook closes the route at the next request', async () => {
      const m = await member(['Pro']);
      assert.equal((await get(app, '/api/premium/any', m.jwt)).status, 200);
      await setTags(m.email, m.crmheroId, []);
      assert.equal((await get(app, '/api/premium/any', m.jwt)).status, 403);
    });

    it('a tag disconnected by an admin in the Content Manager closes it too', async () => {
      const m = await member(['Pro']);
      const user = await oneUser(app.strapi, m.email);
      const admin = await createAdmin(app.strapi);
      const session = await adminLogin(app.baseUrl, admin.email, admin.password);
      const r = await session.call('PUT', `/content-manager/collection-types/${USER_UID}/${user.documentId}`, {
        tags: { disconnect: [{ id: user.tags[0]!.id }] },
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal((await get(app, '/api/premium/any', m.jwt)).status, 403);
    });

    it('reads the tags with one query per request', async () => {
      const m = await member(['Pro']);
      const sql: string[] = [];
      const listener = (q: { sql: string }) => sql.push(q.sql);
      app.strapi.db.connection.on('query', listener);
      try {
        assert.equal((await get(app, '/api/premium/any', m.jwt)).status, 200);
      } finally {
        app.strapi.db.connection.removeListener('query', listener);
      }
      const tagQueries = sql.filter((s) => /customerly_tags/.test(s));
      assert.equal(tagQueries.length, 1, tagQueries.join('\n'));
      // The same user again, unchanged: the tags come from the per-user cache.
      sql.length = 0;
      app.strapi.db.connection.on('query', listener);
      try {
        assert.equal((await get(app, '/api/premium/any', m.jwt)).status, 200);
      } finally {
        app.strapi.db.connection.removeListener('query', listener);
      }
      assert.equal(sql.filter((s) => /customerly_tags/.test(s)).length, 0);
    });
  });

  describe('GET /api/customerly/me', () => {
    it('answers the tags and the role type of the logged-in user', async () => {
      const m = await member(['Gold', 'beta']);
      const r = await get(app, '/api/customerly/me', m.jwt);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.deepEqual(r.json, { tags: ['beta', 'Gold'], role: 'authenticated' });
    });

    it('refuses an anonymous caller', async () => {
      const r = await get(app, '/api/customerly/me');
      assert.ok([401, 403].includes(r.status), String(r.status));
      assert.equal(r.json.data, null);
    });
  });

  describe('tag entries are written by the plugin only', () => {
    it('the Content Manager cannot rename, create or delete a tag; connecting tags on a user still works', async () => {
      const m = await member(['Basic']);
      const basic = await app.strapi.db.query(TAG_UID).findOne({ where: { nameKey: 'basic' } });
      const admin = await createAdmin(app.strapi);
      const session = await adminLogin(app.baseUrl, admin.email, admin.password);
      const cm = `/content-manager/collection-types/${TAG_UID}`;
      const rename = await session.call('PUT', `${cm}/${basic.documentId}`, { name: 'Renamed' });
      assert.equal(rename.status, 403, JSON.stringify(rename.json));
      assert.equal((await session.call('POST', cm, { name: 'Staffer' })).status, 403);
      assert.equal((await session.call('DELETE', `${cm}/${basic.documentId}`)).status, 403);
      const still = await app.strapi.db
        .query(TAG_UID)
        .findMany({ where: { nameKey: { $in: ['basic', 'renamed', 'staffer'] } } });
      assert.deepEqual(
        still.map((t: { name: string }) => t.name),
        ['Basic'],
        'no tag renamed, created or deleted'
      );
      // The document service and the query engine are guarded as well, not only the Content Manager's permissions.
      await assert.rejects(
        app.strapi.documents(TAG_UID).update({ documentId: basic.documentId, data: tagData({ name: 'Renamed' }) }),
        /only by the Customerly plugin/
      );
      await assert.rejects(
        app.strapi.documents(TAG_UID).delete({ documentId: basic.documentId }),
        /only by the Customerly plugin/
      );
      await assert.rejects(
        app.strapi.documents(TAG_UID).create({ data: tagData({ name: 'Staffer', nameKey: 'staffer' }) }),
        /only by the Customerly plugin/
      );
      await assert.rejects(
        app.strapi.db.query(TAG_UID).update({ where: { id: basic.id }, data: tagData({ name: 'Renamed' }) }),
        /only by the Customerly plugin/
      );

      const user = await oneUser(app.strapi, m.email);
      const vip = await app.strapi.plugin('customerly').service('tags').ensure(['Platinum']);
      const connect = await session.call('PUT', `/content-manager/collection-types/${USER_UID}/${user.documentId}`, {
        tags: { connect: [{ id: vip[0].id }] },
      });
      assert.equal(connect.status, 200, JSON.stringify(connect.json));
      assert.deepEqual(tagNames(await oneUser(app.strapi, m.email)), ['Basic', 'Platinum']);
    });

    it('an Editor has no write permission on tags (read stays)', async () => {
      await waitFor(
        async () =>
          (await app.strapi.db.query('admin::permission').count({
            where: {
              subject: TAG_UID,
              action: 'plugin::content-manager.explorer.create',
              role: { code: 'strapi-editor' },
            },
          })) === 0 || undefined,
        10_000
      ).catch(() => undefined);
      const editor = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-editor' } });
      const perms: Array<{ action: string }> = await app.strapi.db
        .query('admin::permission')
        .findMany({ where: { subject: TAG_UID, role: { id: editor.id } } });
      const actions = perms.map((p) => p.action).sort();
      assert.ok(actions.includes('plugin::content-manager.explorer.read'), actions.join());
      for (const w of ['create', 'update', 'delete']) {
        assert.ok(!actions.includes(`plugin::content-manager.explorer.${w}`), `no ${w}: ${actions.join()}`);
      }
    });
  });
});

describe('GET /api/customerly/me is granted once, and a revocation stays', () => {
  it('granted at the first start; revoked by an admin, still revoked after a restart', async () => {
    const first = await startStrapi({ keepDb: true });
    const db = first.db;
    let restarted: TestStrapi | undefined;
    try {
      const role = await first.strapi.db.query(ROLE_UID).findOne({ where: { type: 'authenticated' } });
      const where = { action: ME_ACTION, role: { id: role.id } };
      assert.equal(await first.strapi.db.query(PERMISSION_UID).count({ where }), 1, 'granted at the first start');
      await first.strapi.db.query(PERMISSION_UID).deleteMany({ where });
      await first.stop();
      restarted = await startStrapi({ db, keepDb: true });
      assert.equal(await restarted.strapi.db.query(PERMISSION_UID).count({ where }), 0, 'the revocation stays');
    } finally {
      await restarted?.stop();
      await db.drop();
    }
  });
});
