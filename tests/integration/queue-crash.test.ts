import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { spawnStrapi, postWebhook, pool, waitFor, type StrapiProcess } from '../helpers/processes';
import { makeBurst, expectedTags } from '../helpers/burst';
import { DELIVERY_UID, USER_UID, type TestUser } from '../helpers/fixtures';

/**
 * A Strapi process is killed with SIGKILL in the middle of a queued burst of 1,000 deliveries, then started
 * again: every delivery still ends done, none is lost, no user is doubled, and every user ends with the state
 * of its contact's last delivery.
 */
describe('kill -9 in the middle of a queued burst (real Strapi processes)', () => {
  const key = randomBytes(32).toString('base64url');
  const nodeConfig = {
    webhookKey: key,
    pluginConfig: {
      processing: 'queued',
      rateLimit: { enabled: false },
      queue: { concurrency: 2, pollMs: 50, leaseMs: 3000, retryBaseMs: 100, retryMaxMs: 1000 },
    },
  };
  let reader: TestStrapi;
  let node: StrapiProcess | undefined;

  before(async () => {
    // This in-test Strapi owns the database and only reads it: its worker is off and no webhook goes to it.
    reader = await startStrapi({ webhookKey: key, pluginConfig: { queue: { enabled: false } } });
  });
  after(async () => {
    await node?.kill9();
    await reader?.stop();
  });

  const countByStatus = async () => {
    const rows: Array<{ status: string }> = await reader.strapi.db.query(DELIVERY_UID).findMany({ select: ['status'] });
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
    return counts;
  };

  it(
    "loses nothing, doubles nothing, and ends in the state of each contact's last delivery",
    { timeout: 600_000 },
    async () => {
      const burst = makeBurst('crash', 200, 1000, key);
      node = await spawnStrapi(reader.db, nodeConfig);
      const firstNode = node;
      const answers = await pool(
        burst.map((d) => () => postWebhook(firstNode.baseUrl, d.query, d.body)),
        16
      );
      assert.deepEqual([...new Set(answers.map((a) => a.status))], [202], 'every delivery is accepted (queued)');

      await waitFor(async () => ((await countByStatus()).done ?? 0) >= 150, 120_000, '150 deliveries done');
      await node.kill9();
      const atCrash = await countByStatus();
      assert.ok((atCrash.done ?? 0) < 1000, `the process died mid-burst (${JSON.stringify(atCrash)})`);

      node = await spawnStrapi(reader.db, nodeConfig);
      const final = await waitFor(
        async () => {
          const c = await countByStatus();
          return (c.done ?? 0) + (c.failed ?? 0) === 1000 ? c : undefined;
        },
        300_000,
        'every delivery to finish'
      );
      const failed = await reader.strapi.db
        .query(DELIVERY_UID)
        .findMany({ where: { status: 'failed' }, select: ['error', 'attempts'], limit: 5 });
      assert.deepEqual(final, { done: 1000 }, `all 1,000 done: none lost, none failed (${JSON.stringify(failed)})`);

      const expected = expectedTags(burst);
      const users: TestUser[] = await reader.strapi.db.query(USER_UID).findMany({
        where: { email: { $endsWith: '@burst.example.com' } },
        populate: { tags: { select: ['name'] } },
      });
      assert.equal(users.length, expected.size, 'one user per contact, none doubled');
      for (const user of users) {
        assert.deepEqual(user.tags.map((t) => t.name).sort(), expected.get(user.email), `tags of ${user.email}`);
      }
      const leftLocks = await reader.strapi.db.query('plugin::customerly.contact-lock').count({});
      assert.equal(leftLocks, 0, 'no contact is left locked');
      await node.stop();
      node = undefined;
    }
  );
});
