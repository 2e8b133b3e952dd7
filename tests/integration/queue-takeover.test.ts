import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import { startStrapi, type TestStrapi } from '../helpers/strapi';
import { spawnStrapi, postWebhook, pool, waitFor, type StrapiProcess } from '../helpers/processes';
import { CONTACT_LOCK_UID, DELIVERY_UID, USER_UID, WORKER_PROCESS_UID, type TestUser } from '../helpers/fixtures';

/**
 * Issue 8, item 12: two Strapi processes on one database work through a queued burst with a five-minute lease. One
 * is killed with SIGKILL while it holds claims (each delivery waits on a slow Customerly, so claims are held for a
 * while). The survivor sees its heartbeat go stale and takes over its claims and contact locks: every delivery is
 * done within 30 s of the kill, none lost, no user doubled, no lock left. With the lease alone, the dead process's
 * claims would wait five minutes.
 */
const CONTACTS = 40;
const LATENCY_MS = 400;

describe("a crashed process's claims are taken over by a live one within 30 s, whatever the lease", () => {
  const key = randomBytes(32).toString('base64url');
  let fake: FakeCustomerly;
  let reader: TestStrapi;
  let nodes: StrapiProcess[] = [];

  before(async () => {
    fake = await startFakeCustomerly({ includeTagsInContacts: true });
    // This in-test Strapi owns the database and reads it; its worker is off and no webhook goes to it.
    reader = await startStrapi({ webhookKey: key, pluginConfig: { queue: { enabled: false } } });
    const nodeConfig = {
      webhookKey: key,
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        processing: 'queued',
        rateLimit: { enabled: false },
        customerly: { timeoutMs: 5_000, maxRetries: 0 },
        queue: { concurrency: 2, pollMs: 100, leaseMs: 300_000 },
      },
    };
    nodes = await Promise.all([spawnStrapi(reader.db, nodeConfig), spawnStrapi(reader.db, nodeConfig)]);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await reader?.stop();
    await fake?.close();
  });

  const statusCounts = async () => {
    const rows: Array<{ status: string }> = await reader.strapi.db.query(DELIVERY_UID).findMany({ select: ['status'] });
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
    return counts;
  };
  /** Deliveries in processing claimed by the process with this pid (lockedBy is `host:pid:rand#deliveryId`). */
  const claimedBy = async (pid: number) => {
    const rows: Array<{ id: number; lockedBy: string }> = await reader.strapi.db
      .query(DELIVERY_UID)
      .findMany({ where: { status: 'processing' }, select: ['id', 'lockedBy'] });
    return rows.filter((r) => typeof r.lockedBy === 'string' && r.lockedBy.includes(`:${pid}:`));
  };

  it(
    'the survivor finishes every delivery within 30 s of the kill: none lost, none doubled',
    { timeout: 120_000 },
    async (t) => {
      const email = (c: number) => `takeover-${c}@burst.example.com`;
      for (let c = 0; c < CONTACTS; c++) fake.addUser({ email: email(c), tags: ['takeover', `t${c}`] });
      // Each delivery looks its contact up in Customerly (the payload has no tags), which answers slowly.
      fake.fault({ kind: 'latency', ms: LATENCY_MS });
      const answers = await pool(
        Array.from(
          { length: CONTACTS },
          (_, c) => () =>
            postWebhook(
              nodes[c % 2]!.baseUrl,
              { action: 'add', access_key: key },
              userWebhook({ email: email(c), attributes: {} })
            )
        ),
        8
      );
      assert.deepEqual([...new Set(answers.map((a) => a.status))], [202], 'every delivery is accepted (queued)');

      const [victim, survivor] = nodes as [StrapiProcess, StrapiProcess];
      const pid = victim.child.pid!;
      await waitFor(async () => (await claimedBy(pid)).length > 0, 20_000, 'the first process to hold claims');
      const killedAt = Date.now();
      await victim.kill9();
      nodes = [survivor];

      const orphaned = await claimedBy(pid);
      assert.ok(orphaned.length > 0, 'the killed process died holding claims');
      const atKill = await statusCounts();
      assert.ok((atKill.done ?? 0) < CONTACTS, `the process died mid-burst (${JSON.stringify(atKill)})`);

      const final = await waitFor(
        async () => {
          const c = await statusCounts();
          return (c.done ?? 0) + (c.failed ?? 0) + (c.skipped ?? 0) === CONTACTS ? c : undefined;
        },
        40_000,
        'every delivery to finish'
      );
      const took = Date.now() - killedAt;
      t.diagnostic(`${orphaned.length} claim(s) of the dead process; every delivery done ${took} ms after the kill`);
      assert.deepEqual(final, { done: CONTACTS }, 'every delivery done: none lost, none failed');
      assert.ok(took <= 30_000, `every delivery was done ${took} ms after the kill (at most 30 s)`);
      for (const o of orphaned) {
        const row = await reader.strapi.db
          .query(DELIVERY_UID)
          .findOne({ where: { id: o.id }, select: ['status', 'processedBy'] });
        assert.equal(row.status, 'done', `delivery ${o.id}, claimed by the dead process, is done`);
        assert.ok(!row.processedBy.includes(`:${pid}:`), 'by a live process');
      }

      const users: TestUser[] = await reader.strapi.db.query(USER_UID).findMany({
        where: { email: { $startsWith: 'takeover-' } },
        populate: { tags: { select: ['name'] } },
      });
      assert.equal(users.length, CONTACTS, 'one user per contact, none doubled');
      assert.equal(new Set(users.map((u) => u.email)).size, CONTACTS);
      for (const u of users) {
        const c = Number(/takeover-(\d+)@/.exec(u.email)![1]);
        assert.deepEqual(u.tags.map((t) => t.name).sort(), ['takeover', `t${c}`].sort(), `tags of ${u.email}`);
      }
      assert.equal(await reader.strapi.db.query(CONTACT_LOCK_UID).count({}), 0, 'no contact is left locked');
      const processes: Array<{ processId: string }> = await reader.strapi.db
        .query(WORKER_PROCESS_UID)
        .findMany({ select: ['processId'] });
      assert.ok(!processes.some((p) => p.processId.includes(`:${pid}:`)), "the dead process's heartbeat row is gone");
      assert.ok(
        processes.some((p) => p.processId.includes(`:${survivor.child.pid}:`)),
        "the survivor's heartbeat row is there"
      );
    }
  );

  it("a clean stop removes the process's heartbeat row", { timeout: 60_000 }, async () => {
    const survivor = nodes[0]!;
    const pid = survivor.child.pid!;
    await survivor.stop();
    nodes = [];
    const processes: Array<{ processId: string }> = await reader.strapi.db
      .query(WORKER_PROCESS_UID)
      .findMany({ select: ['processId'] });
    assert.ok(
      !processes.some((p) => p.processId.includes(`:${pid}:`)),
      'no row is left for a process that stopped cleanly'
    );
  });
});
