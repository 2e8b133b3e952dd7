/**
 * Where an `add` webhook's time goes (issue 14), next to the users-permissions `add` loop it is measured against in
 * `npm run bench` (figure 2). Not part of the bench: run it by hand.
 *
 *   PROFILE_USERS=80 PROFILE_DB=sqlite node --import tsx bench/profile-add.ts
 *
 * Three sides, each PROFILE_USERS users one at a time, twice in turn: the loop; the webhooks sent from this process
 * (as the bench sends them); the same webhooks sent from a process of their own (bench/burst.ts, one at a time). For
 * each: users per second, wall and CPU ms per user, SQL statements per user (by verb and table), the wall time per
 * user of the HTTP request on the server, of the plugin's services and of bcrypt, on SQLite the time inside SQLite by
 * statement (COMMIT's fsyncs included), and a CPU profile summary; then the statements of one webhook add in order.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import type { Core } from '@strapi/strapi';
import { startFakeCustomerly, userWebhook } from '../tests/fake-customerly';
import { createTestDatabase, type TestDbKind } from '../tests/helpers/database';
import { startStrapi } from '../tests/helpers/strapi';
import { addUsers } from './add-loop';
import { sendBurst } from './burst';
import { summarize, type Profile } from './cpu-profile';
import { timeSqliteStatements } from './sqlite-timing';
import { createTimings, round, sqlKey } from './timings';

const USERS = Number(process.env.PROFILE_USERS ?? 80);
const DB = (process.env.PROFILE_DB ?? 'sqlite') as TestDbKind;

const timings = createTimings();
const { note, wrap } = timings;

let queries = new Map<string, number>();
let trace: string[] | undefined;

let session: Session;
async function phase(users: number, run: () => Promise<void>) {
  timings.reset();
  queries = new Map();
  await session.post('Profiler.start');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
  return {
    perSecond: round(users / (wall / 1000), 1),
    wallMsPerUser: round(wall / users, 1),
    cpuMsPerUser: round((cpu.user + cpu.system) / 1000 / users, 1),
    sqlTotalPerUser: round([...queries.values()].reduce((a, b) => a + b, 0) / users, 1),
    sqlPerUser: Object.fromEntries(
      [...queries.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / users, 2)])
    ),
    msPerUser: Object.fromEntries(
      timings
        .entries()
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([k, v]) => [k, { calls: round(v.calls / users, 2), ms: round(v.ms / users, 2) }])
    ),
    cpuProfile: summarize(profile),
  };
}

async function main() {
  const fake = await startFakeCustomerly();
  const db = await createTestDatabase(DB);
  const app = await startStrapi({
    db,
    apiUrl: fake.url,
    apiToken: fake.token,
    logLevel: 'error',
    pluginConfig: { rateLimit: { enabled: false }, queue: { pollMs: 100 } },
  });
  const strapi: Core.Strapi = app.strapi;
  const svc = (name: string) => strapi.plugin('customerly').service(name) as Record<string, unknown>;
  for (const m of ['create', 'createClaimed', 'finish', 'findByEventId'])
    wrap(svc('delivery-record'), m, `delivery-record.${m}`);
  for (const m of ['tryClaim']) wrap(svc('queue'), m, `queue.${m}`);
  wrap(svc('runner'), 'execute', 'runner.execute');
  wrap(svc('webhook'), 'receive', 'webhook.receive');
  wrap(svc('roles'), 'policy', 'roles.policy');
  wrap(svc('sync'), 'run', 'sync.run');
  wrap(svc('settings'), 'get', 'settings.get');
  for (const m of Object.keys(svc('users'))) wrap(svc('users'), m, `users.${m}`);
  wrap(strapi.plugin('users-permissions').service('user') as Record<string, unknown>, 'add', 'u-p user.add');
  const coreRequire = createRequire(require.resolve('@strapi/core/package.json'));
  wrap(coreRequire('bcryptjs') as Record<string, unknown>, 'hashSync', 'bcryptjs.hashSync');
  const knex = strapi.db.connection as unknown as { on(ev: string, fn: (q: { sql: string }) => void): void };
  knex.on('query', (q) => {
    queries.set(sqlKey(q.sql), (queries.get(sqlKey(q.sql)) ?? 0) + 1);
    trace?.push(q.sql.replace(/\s+/g, ' ').slice(0, 160));
  });

  // The server's side of each request: from Node's 'request' event to the answer's last byte handed to the socket.
  const server = (strapi.server as unknown as { httpServer: Server }).httpServer;
  server.prependListener('request', (_req, res) => {
    const t = performance.now();
    res.on('finish', () => note('http server (request → finish)', performance.now() - t));
  });
  if (db.kind === 'sqlite') await timeSqliteStatements(strapi, (sql, ms) => note(`sqlite ${sqlKey(sql)}`, ms));
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });

  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const loop = (prefix: string) => addUsers(strapi, role.id, prefix, USERS);
  const hooks = async (prefix: string) => {
    for (let k = 0; k < USERS; k++) {
      const send = () =>
        app.webhook(
          { action: 'add' },
          userWebhook({ email: `${prefix}${k}@example.com`, tags: ['new'], attributes: {} })
        );
      // A kept-alive socket the server closed while idle (during the in-process loop): send again once.
      const r = await send().catch((e: { cause?: { code?: string } }) => {
        if (e.cause?.code === 'ECONNRESET') return send();
        throw e;
      });
      if (r.status !== 200) throw new Error(`add answered ${r.status}: ${JSON.stringify(r.json)}`);
    }
  };
  // The same webhooks, sent one at a time from a process of their own (as Customerly's are).
  const sent = async (prefix: string) => {
    const requests = Array.from({ length: USERS }, (_, k) => ({
      path: `${app.webhookPath}?action=add&access_key=${encodeURIComponent(app.webhookKey)}`,
      body: userWebhook({ email: `${prefix}${k}@example.com`, tags: ['new'], attributes: {} }),
    }));
    const { answers } = await sendBurst(app.baseUrl, 1, requests);
    if (answers.some((a) => a.status !== 200)) throw new Error('add: not all 200');
    for (const a of answers) note('sender round trip', a.ms);
  };
  await loop('warm-');
  await hooks('warmhook-');
  trace = [];
  await hooks('traced-');
  const one = trace.slice(Math.floor(trace.length / USERS) * 3, Math.floor(trace.length / USERS) * 4);
  trace = undefined;
  const out: Record<string, unknown> = {};
  for (const run of [1, 2]) {
    out[`loop${run}`] = await phase(USERS, () => loop(`base${run}-`));
    out[`webhook${run}`] = await phase(USERS, () => hooks(`hook${run}-`));
    out[`sent${run}`] = await phase(USERS, () => sent(`sent${run}-`));
  }
  console.log(JSON.stringify(out, null, 1));
  console.log('one webhook add, its statements (approximately: the trace divided evenly):');
  for (const s of one) console.log('  ', s);
  await app.stop();
  await db.drop();
  await fake.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
