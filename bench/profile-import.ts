/**
 * Where the import job's time goes (issue 12), next to the users-permissions `add` loop it is measured against in
 * `npm run bench` (figure 7). Not part of the bench: run it by hand.
 *
 *   PROFILE_CONTACTS=300 PROFILE_BASELINE=60 PROFILE_CONCURRENCY=4 node --import tsx bench/profile-import.ts
 *
 * For each side: wall and CPU time per user, event-loop utilisation, SQL statements per user (by verb and table),
 * the wall time spent in the plugin's services (summed over the contacts in flight), and a CPU profile of that phase
 * summarised by what the time was spent in (bcrypt, knex/SQLite, Strapi, the plugin, GC...). Written to
 * PROFILE_OUT (default /tmp/profile-import.json) as well.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import type { Core } from '@strapi/strapi';
import type { Job } from '../shared/contracts/jobs';
import { startFakeCustomerly } from '../tests/fake-customerly';
import { startStrapi } from '../tests/helpers/strapi';
import { addUsers } from './add-loop';
import { summarize, type Profile } from './cpu-profile';
import { timeSqliteStatements } from './sqlite-timing';
import { round, sqlKey } from './timings';

const CONTACTS = Number(process.env.PROFILE_CONTACTS ?? 300);
const BASELINE = Number(process.env.PROFILE_BASELINE ?? 60);
const CONCURRENCY = Number(process.env.PROFILE_CONCURRENCY ?? 4);
const OUT = process.env.PROFILE_OUT ?? '/tmp/profile-import.json';

// ---- service timings: each call of a wrapped method, its wall time (overlapping calls add up) ----
type Timing = { calls: number; ms: number; falsy: number };
let timings = new Map<string, Timing>();
function wrap(obj: Record<string, unknown>, method: string, label: string) {
  const orig = obj[method];
  if (typeof orig !== 'function') return;
  obj[method] = function (this: unknown, ...args: unknown[]) {
    const t = performance.now();
    const done = (r: unknown) => {
      const e = timings.get(label) ?? { calls: 0, ms: 0, falsy: 0 };
      e.calls++;
      e.ms += performance.now() - t;
      if (!r) e.falsy++;
      timings.set(label, e);
      return r;
    };
    const r = (orig as (...a: unknown[]) => unknown).apply(this, args);
    return r && typeof (r as Promise<unknown>).then === 'function' ? (r as Promise<unknown>).then(done) : done(r);
  };
}

// ---- SQL statements, by verb and table ----
let queries = new Map<string, number>();
/** Time inside SQLite itself (better-sqlite3 runs a statement synchronously), by verb and table. */
let sqlite = new Map<string, { n: number; ms: number }>();

async function phase(session: Session, users: number, run: () => Promise<void>) {
  timings = new Map();
  queries = new Map();
  sqlite = new Map();
  await session.post('Profiler.start');
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    users,
    wallSeconds: round(wall / 1000, 1),
    perSecond: round(users / (wall / 1000), 1),
    wallMsPerUser: round(wall / users, 1),
    cpuMsPerUser: round(cpuMs / users, 1),
    eventLoopUtilization: round(elu.utilization, 3),
    sqlPerUser: Object.fromEntries(
      [...queries.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / users, 2)])
    ),
    sqlTotalPerUser: round([...queries.values()].reduce((a, b) => a + b, 0) / users, 1),
    sqliteMsPerUser: round([...sqlite.values()].reduce((a, b) => a + b.ms, 0) / users, 1),
    sqliteByStatement: Object.fromEntries(
      [...sqlite.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([k, v]) => [
          k,
          { perUser: round(v.n / users, 2), msEach: round(v.ms / v.n, 2), msPerUser: round(v.ms / users, 1) },
        ])
    ),
    serviceMsPerUser: Object.fromEntries(
      [...timings.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([k, v]) => [
          k,
          { callsPerUser: round(v.calls / users, 2), msPerUser: round(v.ms / users, 1), falsy: v.falsy },
        ])
    ),
    cpuProfile: summarize(profile),
  };
}

async function main() {
  const fake = await startFakeCustomerly();
  const app = await startStrapi({
    apiUrl: fake.url,
    apiToken: fake.token,
    logLevel: 'error',
    pluginConfig: { rateLimit: { enabled: false }, queue: { concurrency: CONCURRENCY, pollMs: 100 } },
  });
  const strapi: Core.Strapi = app.strapi;
  const svc = (name: string) => strapi.plugin('customerly').service(name) as Record<string, unknown>;
  for (const m of ['findByEventId', 'create', 'finish', 'findById', 'verify', 'unseal'])
    wrap(svc('delivery-record'), m, `delivery-record.${m}`);
  for (const m of ['tryClaim', 'unlockContact', 'waitForContact', 'reschedule']) wrap(svc('queue'), m, `queue.${m}`);
  wrap(svc('runner'), 'execute', 'runner.execute');
  wrap(svc('sync'), 'run', 'sync.run');
  wrap(svc('settings'), 'get', 'settings.get');
  const api = svc('customerly-api');
  const makeClient = api.client as (...a: unknown[]) => Record<string, unknown> | null;
  api.client = (...a: unknown[]) => {
    const c = makeClient(...a);
    if (c) wrap(c, 'listContacts', 'customerly listContacts (a page)');
    return c;
  };
  wrap(strapi.db as unknown as Record<string, unknown>, 'transaction', 'db.transaction');
  // Each call to Customerly's list endpoints: how long, and whether it failed (a retry waits for the backoff).
  const listCalls: Array<{ ms: number; error?: string }> = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    if (!String(input).includes('/list')) return realFetch(input, init);
    const t = performance.now();
    try {
      const res = await realFetch(input, init);
      listCalls.push({ ms: round(performance.now() - t, 1) });
      return res;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      listCalls.push({
        ms: round(performance.now() - t, 1),
        error: `${err.message} ${err.cause?.code ?? err.cause?.message ?? ''}`,
      });
      throw e;
    }
  };
  for (const m of Object.keys(svc('users'))) wrap(svc('users'), m, `users.${m}`);
  const upUser = strapi.plugin('users-permissions').service('user') as Record<string, unknown>;
  wrap(upUser, 'add', 'users-permissions user.add');
  // The document service hashes a new user's password with bcryptjs' hashSync (@strapi/core's own copy).
  const coreRequire = createRequire(require.resolve('@strapi/core/package.json'));
  wrap(coreRequire('bcryptjs') as Record<string, unknown>, 'hashSync', 'bcryptjs.hashSync');
  const knex = strapi.db.connection as unknown as { on(ev: string, fn: (q: { sql: string }) => void): void };
  knex.on('query', (q) => queries.set(sqlKey(q.sql), (queries.get(sqlKey(q.sql)) ?? 0) + 1));

  if (app.db.kind === 'sqlite') {
    const pragmas = await timeSqliteStatements(
      strapi,
      (sql, ms) => {
        const k = sqlKey(sql);
        const e = sqlite.get(k) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += ms;
        sqlite.set(k, e);
      },
      process.env.PROFILE_PRAGMA
    );
    console.log('journal_mode', pragmas.journalMode, 'synchronous', pragmas.synchronous);
  }

  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const addLoop = (prefix: string, count: number) => addUsers(strapi, role.id, prefix, count);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });

  await addLoop('warm', 10);
  const baseline = await phase(session, BASELINE, () => addLoop('base', BASELINE));
  console.log('baseline (users-permissions add loop)', JSON.stringify(baseline, null, 1));

  fake.seedContacts({ users: CONTACTS });
  const jobs = strapi.plugin('customerly').service('jobs') as {
    start(r: Record<string, unknown>, by: null): Promise<{ kind: string; job?: Job }>;
    findOne(id: string): Promise<Job | null>;
  };
  let job: Job | null = null;
  const progress: Array<[number, number]> = [];
  const t0 = performance.now();
  const imported = await phase(session, CONTACTS, async () => {
    const started = await jobs.start({ type: 'import', source: 'users', mode: 'create' }, null);
    if (!started.job) throw new Error(`not started: ${started.kind}`);
    for (;;) {
      job = await jobs.findOne(started.job.id);
      if (job) progress.push([Math.round(performance.now() - t0), job.progress.seen]);
      if (job && ['done', 'failed', 'cancelled'].includes(job.status)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  console.log('import job', JSON.stringify({ progress: job!.progress, status: job!.status }));
  // Contacts per second per fifth of the import (from the job's progress, saved once a page).
  const fifths = [1, 2, 3, 4, 5].map((k) => progress.find(([, seen]) => seen >= (k * CONTACTS) / 5)?.[0] ?? NaN);
  console.log(
    'per fifth (contacts/s)',
    fifths.map((t, k) => round(CONTACTS / 5 / ((t - (k ? fifths[k - 1]! : 0)) / 1000), 1))
  );
  console.log('list calls', JSON.stringify(listCalls), 'pages served', JSON.stringify(fake.pageCounts('users')));
  console.log('import (mode create)', JSON.stringify(imported, null, 1));
  console.log(
    `ratio ${round(imported.perSecond / baseline.perSecond)}; CPU ms per user: import ${imported.cpuMsPerUser}, baseline ${baseline.cpuMsPerUser}; concurrency ${CONCURRENCY}`
  );
  writeFileSync(OUT, JSON.stringify({ contacts: CONTACTS, concurrency: CONCURRENCY, baseline, imported }, null, 2));
  session.disconnect();
  await app.stop();
  await fake.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
