/**
 * Jobs survive a crash (product.md, "Jobs"): two Strapi processes share one database; an `apply-tag-rules` job runs
 * in one of them, slowly (small batches with a pause). That process is killed with SIGKILL mid-job. The other one
 * sees its heartbeat go stale, takes the job over within 30 s and goes on from the last saved batch: the job ends
 * with every user counted exactly once and every role right. Also:
 *  - two POSTs racing on the two processes: exactly one job (201), the other 409;
 *  - a clean stop mid-job queues the job again, and the next process goes on from its cursor.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAdmin, login, type AdminSession } from '../e2e/admin-api';
import { ensureRole, ROLE_UID, USER_UID } from '../helpers/fixtures';
import { spawnStrapi, waitFor, type StrapiProcess } from '../helpers/processes';
import { startStrapi, type TestStrapi } from '../helpers/strapi';

const JOB_UID = 'plugin::customerly.job';
const USERS = 48;
const RULES = [
  { tag: 'Pro', role: 'pro' },
  { tag: 'Gold', role: 'gold' },
];
const RULES_CONFIG = { tagRules: RULES, allowedRoles: ['authenticated', 'pro', 'gold'] };

/** User i: every third is tagged Pro, every third Gold, the rest nothing. */
const tagsOf = (i: number) => (i % 3 === 0 ? ['Pro'] : i % 3 === 1 ? ['Gold'] : []);
const roleWanted = (i: number) => (i % 3 === 0 ? 'pro' : i % 3 === 1 ? 'gold' : 'authenticated');

interface JobRow {
  id: number;
  documentId: string;
  status: string;
  seen: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  total: number | null;
  claimedBy: string | null;
  takeovers: number;
  cursor: { lastId?: number } | null;
}

describe('a job whose process dies is taken over by a live process within 30 s, and goes on from its cursor', () => {
  let reader: TestStrapi;
  let nodes: StrapiProcess[] = [];
  let creds: { email: string; password: string };
  const userIds: number[] = [];

  const nodeConfig = {
    pluginConfig: { ...RULES_CONFIG, jobs: { batchSize: 3, batchDelayMs: 400, pollMs: 200 } },
  };

  before(async () => {
    // This in-test Strapi owns the database and reads it; it runs no job (its queue is off).
    reader = await startStrapi({ pluginConfig: { ...RULES_CONFIG, queue: { enabled: false } } });
    const auth = await reader.strapi.db.query(ROLE_UID).findOne({ where: { type: 'authenticated' } });
    await ensureRole(reader.strapi, 'Pro', 'pro');
    await ensureRole(reader.strapi, 'Gold', 'gold');
    const tags = (await reader.strapi.plugin('customerly').service('tags').ensure(['Pro', 'Gold'])) as Array<{
      id: number;
      name: string;
    }>;
    for (let i = 0; i < USERS; i++) {
      const u = (await reader.strapi.db.query(USER_UID).create({
        data: {
          username: `takeover-job-${i}`,
          email: `takeover-job-${i}@example.com`,
          provider: 'local',
          confirmed: true,
          role: auth.id,
          tags: tagsOf(i).map((n) => tags.find((t) => t.name === n)!.id),
        },
      })) as { id: number };
      userIds.push(u.id);
    }
    creds = await createAdmin(reader.strapi);
    nodes = await Promise.all([spawnStrapi(reader.db, nodeConfig), spawnStrapi(reader.db, nodeConfig)]);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await reader?.stop();
  });

  const jobRow = async (documentId: string): Promise<JobRow> =>
    (await reader.strapi.db.query(JOB_UID).findOne({ where: { documentId } })) as JobRow;
  const pidOf = (processId: string | null) => Number(/:(\d+):[0-9a-f]+$/.exec(processId ?? '')?.[1]);
  const roles = async (): Promise<string[]> => {
    const rows = (await reader.strapi.db.query(USER_UID).findMany({
      where: { id: { $in: userIds } },
      orderBy: { id: 'asc' },
      populate: { role: { select: ['type'] } },
    })) as Array<{ role: { type: string } }>;
    return rows.map((r) => r.role.type);
  };
  const expectedRoles = () => userIds.map((_, i) => roleWanted(i));
  const changes = () => userIds.filter((_, i) => roleWanted(i) !== 'authenticated').length;

  it(
    'two racing POSTs on two processes make one job; its process is killed mid-job; the other finishes it, each user once',
    { timeout: 180_000 },
    async (t) => {
      const sessions: AdminSession[] = await Promise.all(
        nodes.map((n) => login(n.baseUrl, creds.email, creds.password))
      );
      const answers = await Promise.all(
        sessions.map((s) => s.call('POST', '/customerly/jobs', { type: 'apply-tag-rules' }))
      );
      assert.deepEqual(
        answers.map((a) => a.status).sort(),
        [201, 409],
        `exactly one job is created: ${JSON.stringify(answers.map((a) => a.json))}`
      );
      const created = answers.find((a) => a.status === 201)!;
      const refused = answers.find((a) => a.status === 409)!;
      const id = created.json.data.id as string;
      assert.equal(refused.json.error.details.id, id);
      assert.equal(await reader.strapi.db.query(JOB_UID).count({}), 1, 'one job row');

      // Let it run a few batches, then kill the process that holds it.
      const running = await waitFor(
        async () => {
          const row = await jobRow(id);
          return row.status === 'running' && row.seen >= 9 ? row : undefined;
        },
        60_000,
        'the job to run a few batches'
      );
      const victim = nodes.find((n) => n.child.pid === pidOf(running.claimedBy));
      assert.ok(victim, `the job is held by one of the two processes (${running.claimedBy})`);
      const survivor = nodes.find((n) => n !== victim)!;
      await victim.kill9();
      const killedAt = Date.now();
      nodes = [survivor];
      const atKill = await jobRow(id);
      assert.equal(atKill.status, 'running');
      assert.ok(atKill.seen < USERS, `the process died mid-job (${atKill.seen} of ${USERS})`);
      const rolesAtKill = await roles();
      assert.notDeepEqual(rolesAtKill, expectedRoles(), 'some roles are still to change when it dies');

      const taken = await waitFor(
        async () => {
          const row = await jobRow(id);
          return pidOf(row.claimedBy) === survivor.child.pid ? row : undefined;
        },
        40_000,
        'the survivor to take the job over'
      );
      const tookMs = Date.now() - killedAt;
      assert.ok(tookMs <= 30_000, `taken over ${tookMs} ms after the kill (at most 30 s)`);
      assert.ok(taken.seen >= atKill.seen, 'it goes on from the stored cursor, not from the start');

      const done = await waitFor(
        async () => {
          const row = await jobRow(id);
          return ['done', 'failed', 'cancelled'].includes(row.status) ? row : undefined;
        },
        60_000,
        'the job to finish'
      );
      t.diagnostic(
        `killed at ${atKill.seen}/${USERS} users; taken over ${tookMs} ms after the kill; done ${Date.now() - killedAt} ms after it`
      );
      assert.equal(done.status, 'done');
      assert.equal(done.takeovers, 1, 'taken over once');
      assert.deepEqual(
        {
          seen: done.seen,
          updated: done.updated,
          unchanged: done.unchanged,
          skipped: done.skipped,
          failed: done.failed,
          total: done.total,
        },
        { seen: USERS, updated: changes(), unchanged: USERS - changes(), skipped: 0, failed: 0, total: USERS },
        'every user counted exactly once'
      );
      assert.equal(done.cursor?.lastId, userIds.at(-1));
      assert.deepEqual(await roles(), expectedRoles(), 'every role is right');
    }
  );

  it(
    'a clean stop mid-job queues it again; the next process goes on from its cursor',
    { timeout: 180_000 },
    async () => {
      const [node] = nodes as [StrapiProcess];
      const session = await login(node.baseUrl, creds.email, creds.password);
      const res = await session.call('POST', '/customerly/jobs', { type: 'apply-tag-rules', dryRun: true });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      const id = res.json.data.id as string;
      await waitFor(async () => (await jobRow(id)).seen >= 6, 60_000, 'the dry run to run a few batches');
      await node.stop();
      nodes = [];
      const stopped = await jobRow(id);
      assert.equal(stopped.status, 'queued', `queued again by the clean stop: ${node.output.join('').slice(-3000)}`);
      assert.equal(stopped.claimedBy, null);
      assert.ok(stopped.seen > 0 && stopped.seen < USERS, `stopped mid-job (${stopped.seen})`);

      nodes = [await spawnStrapi(reader.db, nodeConfig)];
      const done = await waitFor(
        async () => {
          const row = await jobRow(id);
          return row.status === 'done' ? row : undefined;
        },
        60_000,
        'the next process to finish the job'
      );
      assert.equal(done.seen, USERS, 'each user once');
      assert.equal(done.unchanged, USERS, 'the dry run finds nothing to change after the real run');
      assert.equal(done.takeovers, 0, 'resumed from the queue, not taken over');
    }
  );
});
