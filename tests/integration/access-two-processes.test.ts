/**
 * The has-tags policy keeps a per-user cache (services/access/tags-cache.ts): a tag change made through another
 * Strapi process on the same database must be seen by the very next request (issue 11).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWebhook } from '../fake-customerly';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { spawnStrapi, type StrapiProcess } from '../helpers/processes';
import { ROLE_UID } from '../helpers/fixtures';

describe('has-tags across two processes', () => {
  let writer: TestStrapi;
  let reader: StrapiProcess;

  before(async () => {
    writer = await startStrapi({ keepDb: true });
    const role = await writer.strapi.db.query(ROLE_UID).findOne({ where: { type: 'authenticated' } });
    await writer.strapi.db
      .query('plugin::users-permissions.permission')
      .create({ data: { action: 'api::premium.premium.show', role: role.id } });
    reader = await spawnStrapi(writer.db, { webhookKey: writer.webhookKey });
  });
  after(async () => {
    await reader?.stop();
    const db = writer?.db;
    await writer?.stop();
    await db?.drop();
  });

  it('a tag removed in one process closes the route in the other at the next request', async () => {
    const email = 'two.procs@example.test';
    const password = 'Member-Password-1';
    const reg = await fetch(`${writer.baseUrl}/api/auth/local/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'twoprocs', email, password }),
    });
    assert.equal(reg.status, 200);
    const { jwt } = (await reg.json()) as { jwt: string };
    const setTags = async (tags: string[]) => {
      const r = await writer.webhook({ action: 'update_tags' }, userWebhook({ email, crmhero_user_id: 4242, tags }));
      assert.equal(r.status, 200, JSON.stringify(r.json));
    };
    const readerStatus = async () =>
      (await fetch(`${reader.baseUrl}/api/premium/any`, { headers: { authorization: `Bearer ${jwt}` } })).status;

    await setTags(['Pro']);
    assert.equal(await readerStatus(), 200);
    assert.equal(await readerStatus(), 200, 'served again (from the cache)');
    await setTags([]);
    assert.equal(await readerStatus(), 403, 'the removal made by the other process is seen at once');
    await setTags(['VIP']);
    assert.equal(await readerStatus(), 200);
  });
});
