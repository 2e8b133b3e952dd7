/**
 * An import survives a crash (product.md, "Jobs": "Nothing is created twice; nothing is skipped"): two Strapi
 * processes share one database and import from the fake Customerly. The process running the import is killed with
 * SIGKILL mid-list (mid-page, most likely with deliveries in hand). The other one takes the job over within 30 s and
 * goes on from the last page it stored: the page the dead process was in is done again, its contacts found again by
 * their deliveries' event ids. At the end: one user per contact, no duplicate email, one delivery per contact, each
 * contact counted once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAdmin, login } from '../e2e/admin-api';
import { seedEmail, startFakeCustomerly, type FakeCustomerly } from '../fake-customerly';
import { DELIVERY_UID, USER_UID } from '../helpers/fixtures';
import { spawnStrapi, waitFor, type StrapiProcess } from '../helpers/processes';
import { startStrapi, type TestStrapi } from '../helpers/strapi';

const JOB_UID = 'plugin::customerly.job';
const USERS = 260;
const LEADS = 40;
const ALL = USERS + LEADS;

interface JobRow {
  id: number;
  documentId: string;
  status: string;
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  claimedBy: string | null;
  takeovers: number;
  error: string | null;
  cursor: { source?: string; page?: number } | null;
}

describe('an import whose process is killed mid-list is finished by another process, each contact once', () => {
  let fake: FakeCustomerly;
  let reader: TestStrapi;
  let nodes: StrapiProcess[] = [];
  let creds: { email: string; password: string };

  before(async () => {
    fake = await startFakeCustomerly();
    fake.seedContacts({ users: USERS, leads: LEADS, attributes: (i) => ({ plan: i % 2 ? 'pro' : 'free' }) });
    // This in-test Strapi owns the database and reads it; it runs neither deliveries nor jobs (its queue is off).
    reader = await startStrapi({ apiUrl: fake.url, apiToken: fake.token, pluginConfig: { queue: { enabled: false } } });
    creds = await createAdmin(reader.strapi);
    const nodeConfig = {
      // Their log lines (warnings and up) reach `output`, for the diagnostics.
      env: { TEST_VERBOSE: '1' },
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: {
        fieldMapping: [{ from: 'attributes.plan', to: 'plan', type: 'string' }],
        // Slow enough to be killed mid-list: a pause between pages, and slow pages.
        jobs: { pollMs: 200, batchDelayMs: 300 },
      },
    };
    fake.fault({ kind: 'latency', ms: 200, path: /\/(users|leads)\/list$/ });
    nodes = await Promise.all([spawnStrapi(reader.db, nodeConfig), spawnStrapi(reader.db, nodeConfig)]);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await reader?.stop();
    await fake?.close();
  });

  const jobRow = async (documentId: string): Promise<JobRow> =>
    (await reader.strapi.db.query(JOB_UID).findOne({ where: { documentId } })) as JobRow;
  const pidOf = (processId: string | null) => Number(/:(\d+):[0-9a-f]+$/.exec(processId ?? '')?.[1]);

  it(
    'SIGKILL mid-import: the survivor takes it over and finishes it; users == contacts, no duplicate',
    { timeout: 400_000 },
    async (t) => {
      const session = await login(nodes[0]!.baseUrl, creds.email, creds.password);
      const res = await session.call('POST', '/customerly/jobs', { type: 'import', source: 'both', mode: 'create' });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      const id = res.json.data.id as string;
      const startedAt = Date.now();

      // Two pages done, then kill the process that holds the job, mid-page.
      const running = await waitFor(
        async () => {
          const row = await jobRow(id);
          return row.status === 'running' && row.seen >= 100 ? row : undefined;
        },
        180_000,
        'the import to do two pages'
      );
      const victim = nodes.find((n) => n.child.pid === pidOf(running.claimedBy));
      assert.ok(victim, `the job is held by one of the two processes (${running.claimedBy})`);
      const survivor = nodes.find((n) => n !== victim)!;
      // Mid-page: some contacts of the next page are being applied.
      await new Promise((r) => setTimeout(r, 1500));
      await victim.kill9();
      const killedAt = Date.now();
      nodes = [survivor];
      const atKill = await jobRow(id);
      const usersAtKill = await reader.strapi.db.query(USER_UID).count({});
      assert.equal(atKill.status, 'running');
      assert.ok(atKill.seen < ALL, `the process died mid-list (${atKill.seen} of ${ALL})`);

      const taken = await waitFor(
        async () => {
          const row = await jobRow(id);
          return pidOf(row.claimedBy) === survivor.child.pid ? row : undefined;
        },
        45_000,
        'the survivor to take the import over'
      );
      const tookMs = Date.now() - killedAt;
      assert.ok(tookMs <= 30_000, `taken over ${tookMs} ms after the kill (at most 30 s)`);
      assert.ok(taken.seen >= atKill.seen, 'it goes on from the stored page, not from the start');

      const done = await waitFor(
        async () => {
          const row = await jobRow(id);
          return ['done', 'failed', 'cancelled'].includes(row.status) ? row : undefined;
        },
        300_000,
        'the import to finish'
      );
      t.diagnostic(
        `killed at ${atKill.seen}/${ALL} contacts counted (${usersAtKill} users in the database); taken over ${tookMs} ms after the kill; done ${Date.now() - killedAt} ms after it (${Date.now() - startedAt} ms in all); takeovers ${done.takeovers}`
      );
      assert.equal(done.status, 'done', `${done.error ?? ''} ${survivor.output.join('').slice(-3000)}`);
      const jobLines = [victim, survivor]
        .flatMap((n) => n.output.join('').split('\n'))
        .filter((l) => l.includes(`job ${id}`) || l.includes('heartbeat'));
      t.diagnostic(jobLines.join('\n'));
      // Once by the survivor; more only if a process under load was taken for dead while alive (its claim then moved
      // back and forth, which must not apply a contact twice either).
      assert.ok(done.takeovers >= 1, 'taken over');
      assert.equal(done.seen, ALL, 'every contact counted exactly once');
      assert.equal(done.created + done.updated + done.unchanged, ALL, JSON.stringify(done));
      assert.equal(done.skipped + done.failed, 0, JSON.stringify(done));
      // A contact whose user the dead process created without recording it is found again: updated or unchanged.
      assert.ok(done.created >= ALL - 10, `almost all created by a counted delivery (${done.created})`);

      const users = (await reader.strapi.db.query(USER_UID).findMany({ select: ['email', 'plan'] })) as Array<{
        email: string;
        plan: string;
      }>;
      assert.equal(users.length, ALL, 'one user per contact');
      assert.equal(new Set(users.map((u) => u.email)).size, ALL, 'no duplicate email');
      const expected = [
        ...Array.from({ length: USERS }, (_, i) => seedEmail('users', i)),
        ...Array.from({ length: LEADS }, (_, i) => seedEmail('leads', i)),
      ].sort();
      assert.deepEqual(users.map((u) => u.email).sort(), expected);
      assert.equal(users.find((u) => u.email === seedEmail('users', 7))?.plan, 'pro');

      const deliveries = (await reader.strapi.db.query(DELIVERY_UID).findMany({
        where: { eventId: { $startsWith: `import-${id}-` } },
        select: ['eventId', 'email', 'status'],
      })) as Array<{ eventId: string; email: string; status: string }>;
      assert.equal(deliveries.length, ALL, 'one delivery per contact');
      assert.equal(new Set(deliveries.map((d) => d.email)).size, ALL);
      assert.deepEqual(
        [...new Set(deliveries.map((d) => d.status))],
        ['done'],
        'every delivery done, none left in the queue'
      );
    }
  );
});
