import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testDbKind } from '../helpers/database';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { spawnStrapi, postWebhook, pool, waitFor, type StrapiProcess } from '../helpers/processes';
import { makeBurst, expectedTags } from '../helpers/burst';
import { DELIVERY_UID, USER_UID, type TestUser } from '../helpers/fixtures';

/**
 * Two Strapi processes on one PostgreSQL or MariaDB database share a burst of 2,000 deliveries over 500 contacts,
 * with "tagged" and "updated" deliveries of the same contacts interleaved and sent to both processes. No other
 * coordination than the database. Every user ends with the state of its contact's last delivery, none is doubled,
 * and both processes did work.
 */
const kind = testDbKind();
describe(
  'several Strapi nodes on one database',
  { skip: kind === 'sqlite' ? 'several nodes need a server database (TEST_DB=postgres or mysql)' : false },
  () => {
    const key = randomBytes(32).toString('base64url');
    const nodeConfig = {
      webhookKey: key,
      pluginConfig: {
        processing: 'queued',
        rateLimit: { enabled: false },
        queue: { concurrency: 2, pollMs: 100, leaseMs: 30_000 },
      },
    };
    let reader: TestStrapi;
    let nodes: StrapiProcess[] = [];

    before(async () => {
      reader = await startStrapi({ webhookKey: key, pluginConfig: { queue: { enabled: false } } });
      nodes = await Promise.all([spawnStrapi(reader.db, nodeConfig), spawnStrapi(reader.db, nodeConfig)]);
    });
    after(async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      await reader?.stop();
    });

    it('share the work, keep each contact in order, and double nothing', { timeout: 900_000 }, async () => {
      const burst = makeBurst('nodes', 500, 2000, key);
      // Alternate the nodes, so the "tagged" and "updated" deliveries of one contact arrive at both.
      const answers = await pool(
        burst.map((d, i) => () => postWebhook(nodes[i % 2]!.baseUrl, d.query, d.body)),
        16
      );
      assert.deepEqual([...new Set(answers.map((a) => a.status))], [202]);

      await waitFor(
        async () =>
          (await reader.strapi.db
            .query(DELIVERY_UID)
            .count({ where: { status: { $in: ['done', 'skipped', 'failed'] } } })) === 2000,
        600_000,
        'all 2,000 deliveries to finish'
      );
      const rows: Array<{ status: string; processedBy: string }> = await reader.strapi.db
        .query(DELIVERY_UID)
        .findMany({ select: ['status', 'processedBy'] });
      assert.equal(rows.length, 2000);
      assert.deepEqual([...new Set(rows.map((r) => r.status))], ['done']);
      const byProcess = new Map<string, number>();
      for (const r of rows) byProcess.set(r.processedBy, (byProcess.get(r.processedBy) ?? 0) + 1);
      assert.equal(byProcess.size, 2, `both processes did work: ${JSON.stringify([...byProcess])}`);
      for (const [, n] of byProcess) assert.ok(n >= 200, `each did a fair share: ${JSON.stringify([...byProcess])}`);

      const expected = expectedTags(burst);
      const users: TestUser[] = await reader.strapi.db.query(USER_UID).findMany({
        where: { email: { $endsWith: '@burst.example.com' } },
        populate: { tags: { select: ['name'] } },
      });
      assert.equal(users.length, 500, 'one user per contact');
      const wrong = users.filter(
        (u) => JSON.stringify(u.tags.map((t) => t.name).sort()) !== JSON.stringify(expected.get(u.email))
      );
      assert.deepEqual(
        wrong.map((u) => u.email),
        [],
        'every user ends with the tags of its last delivery'
      );
      const tagEntries = await reader.strapi.db
        .query('plugin::customerly.tag')
        .count({ where: { nameKey: 'nodes-base' } });
      assert.equal(tagEntries, 1, 'a tag created by both nodes at once exists once');
    });
  }
);
