/**
 * Where a registration's time goes with outbound on (issue 13), next to the same with it off: figure 8 of
 * `npm run bench` (bench/outbound-figure.ts). Not part of the bench: run it by hand.
 *
 *   PROFILE_REGISTRATIONS=100 PROFILE_DB=sqlite node --import tsx bench/profile-outbound.ts
 *
 * Phases (registrations through HTTP, 8 at once): off, on (the workers sending meanwhile), on with the worker stopped
 * (its deliveries are sent after the phase), off again. For each: registrations per second, CPU and event-loop
 * utilisation, SQL statements per registration (by verb and table), on SQLite the time inside SQLite per
 * registration (better-sqlite3 runs synchronously, so it holds the event loop, fsyncs included), and the wall time
 * of the user lifecycles, the settings read and the plugin's delivery services (summed over the requests in flight).
 */
import { performance } from 'node:perf_hooks';
import type { Core } from '@strapi/strapi';
import { startFakeCustomerly } from '../tests/fake-customerly';
import { createTestDatabase, type TestDbKind } from '../tests/helpers/database';
import { pool } from '../tests/helpers/processes';
import { startStrapi } from '../tests/helpers/strapi';
import { timeSqliteStatements } from './sqlite-timing';
import { createTimings, round, sqlKey } from './timings';

const N = Number(process.env.PROFILE_REGISTRATIONS ?? 100);
const SENDERS = Number(process.env.PROFILE_SENDERS ?? 8);
const DB = (process.env.PROFILE_DB ?? 'sqlite') as TestDbKind;

const timings = createTimings();
const { note, wrap } = timings;

let queries = new Map<string, number>();
let sqlite = new Map<string, { n: number; ms: number }>();
const per = (m: Map<string, number>, n: number) =>
  Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / n, 2)]));

async function main() {
  const db = await createTestDatabase(DB);
  const fake = await startFakeCustomerly();
  const app = await startStrapi({
    db,
    apiUrl: fake.url,
    apiToken: fake.token,
    logLevel: 'error',
    pluginConfig: { rateLimit: { enabled: false }, queue: { concurrency: 4, pollMs: 100 } },
  });
  const strapi: Core.Strapi = app.strapi;
  try {
    const svc = (name: string) => strapi.plugin('customerly').service(name) as Record<string, unknown>;
    wrap(svc('settings'), 'get', 'settings.get');
    for (const m of ['create', 'finish', 'findById']) wrap(svc('delivery-record'), m, `delivery-record.${m}`);
    wrap(svc('outbound'), 'run', 'outbound.run (worker)');
    wrap(strapi.plugin('users-permissions').service('user') as Record<string, unknown>, 'add', 'up user.add');
    const lifecycles = strapi.db.lifecycles as unknown as Record<string, unknown>;
    const run = lifecycles.run as (action: string, uid: string, ...rest: unknown[]) => Promise<unknown>;
    lifecycles.run = function (this: unknown, action: string, uid: string, ...rest: unknown[]) {
      const t = performance.now();
      return run
        .call(this, action, uid, ...rest)
        .finally(() => note(`lifecycle ${action} ${uid.split('.').pop()}`, performance.now() - t));
    };
    let transactions = 0;
    const realTransaction = strapi.db.transaction.bind(strapi.db);
    (strapi.db as unknown as { transaction: unknown }).transaction = (cb: never) => {
      if (!strapi.db.inTransaction()) transactions++;
      return realTransaction(cb);
    };
    const knex = strapi.db.connection as unknown as { on(ev: string, fn: (q: { sql: string }) => void): void };
    knex.on('query', (q) => queries.set(sqlKey(q.sql), (queries.get(sqlKey(q.sql)) ?? 0) + 1));
    if (DB === 'sqlite')
      await timeSqliteStatements(strapi, (sql, ms) => {
        const k = sqlKey(sql);
        const e = sqlite.get(k) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += ms;
        sqlite.set(k, e);
      });

    const settings = svc('settings') as unknown as {
      get(): Promise<{ outbound: Record<string, unknown> }>;
      update(u: unknown): Promise<unknown>;
    };
    const outbound = (await settings.get()).outbound;
    const worker = svc('worker') as unknown as { start(): Promise<void>; stop(): Promise<void> };
    const pending = () =>
      strapi.db
        .query('plugin::customerly.delivery')
        .count({ where: { direction: 'outbound', status: { $in: ['queued', 'processing'] } } });
    const drain = async () => {
      while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 100));
    };

    const phase = async (name: string, enabled: boolean, count: number) => {
      await settings.update({ outbound: { ...outbound, enabled } });
      timings.reset();
      queries = new Map();
      sqlite = new Map();
      transactions = 0;
      const cpu0 = process.cpuUsage();
      const elu0 = performance.eventLoopUtilization();
      const t0 = performance.now();
      const statuses = await pool(
        Array.from({ length: count }, (_, k) => async () => {
          const res = await fetch(`${app.baseUrl}/api/auth/local/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              username: `p-${name}-${k}`,
              email: `p-${name}-${k}@example.com`,
              password: 'Pw-0123456789',
            }),
          });
          await res.arrayBuffer();
          return res.status;
        }),
        SENDERS
      );
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const elu = performance.eventLoopUtilization(elu0);
      if (statuses.some((s) => s !== 200)) throw new Error(`${name}: statuses ${[...new Set(statuses)].join(',')}`);
      const out = {
        phase: name,
        perSecond: round(count / (wall / 1000), 1),
        wallMsPerRegistration: round(wall / count, 1),
        cpuMsPerRegistration: round((cpu.user + cpu.system) / 1000 / count, 1),
        eventLoopUtilization: round(elu.utilization, 3),
        transactionsPerRegistration: round(transactions / count, 2),
        sqlPerRegistration: round([...queries.values()].reduce((a, b) => a + b, 0) / count, 1),
        sql: per(queries, count),
        ...(DB === 'sqlite'
          ? {
              sqliteMsPerRegistration: round([...sqlite.values()].reduce((a, b) => a + b.ms, 0) / count, 2),
              sqliteMsByStatement: Object.fromEntries(
                [...sqlite.entries()]
                  .sort((a, b) => b[1].ms - a[1].ms)
                  .slice(0, 12)
                  .map(([k, v]) => [k, { perReg: round(v.n / count, 2), msPerReg: round(v.ms / count, 2) }])
              ),
            }
          : {}),
        msPerRegistration: Object.fromEntries(
          timings
            .entries()
            .sort((a, b) => b[1].ms - a[1].ms)
            .map(([k, v]) => [k, { calls: round(v.calls / count, 2), ms: round(v.ms / count, 2) }])
        ),
      };
      console.log(JSON.stringify(out, null, 1));
      return out;
    };

    await phase('warm-off', false, 20);
    await phase('warm-on', true, 20);
    await drain();
    const off1 = await phase('off1', false, N);
    const on1 = await phase('on1', true, N);
    await drain();
    await worker.stop();
    const onStopped = await phase('on-worker-stopped', true, N);
    await worker.start();
    await drain();
    const off2 = await phase('off2', false, N);
    const on2 = await phase('on2', true, N);
    await drain();
    console.log(
      'summary',
      JSON.stringify(
        [off1, on1, onStopped, off2, on2].map((p) => ({
          phase: p.phase,
          perSecond: p.perSecond,
          cpuMs: p.cpuMsPerRegistration,
          elu: p.eventLoopUtilization,
          sql: p.sqlPerRegistration,
          tx: p.transactionsPerRegistration,
          sqliteMs: (p as { sqliteMsPerRegistration?: number }).sqliteMsPerRegistration,
        }))
      )
    );
  } finally {
    await app.stop();
    await fake.close();
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
