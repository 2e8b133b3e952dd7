/**
 * `npm run bench`: the figures that matter, each against a baseline measured in the same run (the machine is
 * shared and noisy, so only ratios mean something). Writes bench/results/latest-<run>.json and .md, then rebuilds
 * the README's table from every run's results there (bench/readme-table.ts).
 *
 * `npm run bench -- --db postgres` (or mysql; sqlite by default) runs on a fresh database of the local server, as
 * the tests do with TEST_DB; `--sqlite-journal wal` runs SQLite with journal_mode=WAL and synchronous=NORMAL
 * (bench/options.ts). The run's name (sqlite, sqlite-wal, postgres, mysql) names its results.
 *
 *  1. update_tags on existing users: webhook throughput vs a bare route doing the same database writes.
 *  2. add of new users: webhook throughput vs the users-permissions `add` service in a loop (bcrypt-bound).
 *  3. a queued burst of 10,000 deliveries, twice: answer latency p50/p99 (of the run with the better p99), time to
 *     drain, lost, doubled, RSS growth, what held the event loop; the senders run in a process of their own
 *     (bench/burst.ts), so that this process's RSS is Strapi's (bench/burst-figure.ts).
 *  4. Customerly API calls per delivery, counted by the fake server.
 *  5. update_tags with 20 tag rules vs none.
 *  6. an app route behind the has-tags policy vs the same route without it.
 *  7. an import job (mode create, into an empty users table) vs the `add` loop of 2; its RSS growth; each contact
 *     exactly once (bench/import-figure.ts).
 *  8. registrations (`/api/auth/local/register`, 8 senders) with outbound on vs off, interleaved; every user
 *     registered with it on reaches the fake Customerly, once, in how many `POST /users` (bench/outbound-figure.ts).
 *
 * Figures 1, 2, 5 and 6 run their baseline and their measured side in turn, BENCH_ROUNDS times each (3 by default,
 * bench/interleave.ts); the best run of each side counts, and every run is recorded.
 * BENCH_HEAP_PROFILE=file.json writes a sampling heap profile of the burst's intake (bench/heap-profile.ts).
 * BENCH_SCALE=0.2 runs a smaller version (for a quick check). BENCH_ONLY=import,add (a comma list of the figures'
 * names: FIGURES below) runs only those; all by default. BENCH_RESULTS_DIR writes the results elsewhere than
 * bench/results (e.g. for a partial run), and then leaves the README alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startFakeCustomerly, userWebhook } from '../tests/fake-customerly';
import { createTestDatabase, type TestDatabase } from '../tests/helpers/database';
import { startStrapi } from '../tests/helpers/strapi';
import { pool } from '../tests/helpers/processes';
import { addUsers } from './add-loop';
import { databaseInfo } from './database-info';
import { burstFigure, runBurst } from './burst-figure';
import { measureImport } from './import-figure';
import { ROUNDS, interleave } from './interleave';
import { measureOutbound } from './outbound-figure';
import { benchOptions, type BenchOptions } from './options';
import { DEFAULT_RESULTS_DIR, regenerateReadme } from './readme-table';
import { benchResultsSchema, runMarkdown } from './report';
import { round } from './timings';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const n = (x: number) => Math.max(10, Math.round(x * SCALE));
const USER = 'plugin::users-permissions.user';

/** Each run of an interleaved figure, per second, in the order they ran: how much the machine moved meanwhile. */
const eachRun = (f: { baselineRuns: number[]; measuredRuns: number[] }) => ({
  baselineRunsPerSecond: f.baselineRuns.map((r) => round(r, 1)),
  measuredRunsPerSecond: f.measuredRuns.map((r) => round(r, 1)),
});

/** The figures, by their key in latest-<run>.json. */
const FIGURES = [
  'import',
  'outbound',
  'updateTags',
  'tagRules',
  'hasTagsPolicy',
  'add',
  'apiCallsPerDelivery',
  'burst',
] as const;
type Figure = (typeof FIGURES)[number];
const ONLY = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((f) => f.trim())
  .filter(Boolean);
const unknownFigures = ONLY.filter((f) => !(FIGURES as readonly string[]).includes(f));
if (unknownFigures.length) {
  throw new Error(`BENCH_ONLY: unknown figure(s) ${unknownFigures.join(', ')}; the figures are ${FIGURES.join(', ')}`);
}
const wants = (f: Figure) => ONLY.length === 0 || ONLY.includes(f);

/** Every figure asked for, on `db` (which the caller drops). */
async function measure(options: BenchOptions, db: TestDatabase): Promise<Record<string, unknown>> {
  process.env.PLAYGROUND_BENCH = 'true';
  const fake = await startFakeCustomerly();
  const app = await startStrapi({
    db,
    apiUrl: fake.url,
    apiToken: fake.token,
    logLevel: 'error',
    pluginConfig: { rateLimit: { enabled: false }, queue: { concurrency: 4, pollMs: 100 } },
    // The playground's config/database.js reads it; the plugin never changes the app's database settings.
    env: { PLAYGROUND_SQLITE_WAL: String(options.sqliteJournal === 'wal') },
  });
  const strapi = app.strapi;
  const info = await databaseInfo(strapi, db.kind);
  const wal = info.sqlite?.journalMode === 'wal' && info.sqlite.synchronous === 'NORMAL';
  if (db.kind === 'sqlite' && wal !== (options.sqliteJournal === 'wal')) {
    throw new Error(`--sqlite-journal ${options.sqliteJournal}, but SQLite runs with ${JSON.stringify(info.sqlite)}`);
  }
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    database: db.kind,
    run: options.run,
    databaseVersion: info.version,
    ...(info.sqlite ? { sqliteJournal: info.sqlite } : {}),
    scale: SCALE,
    ...(ONLY.length ? { only: ONLY } : {}),
  };
  console.log(`bench: ${options.run} (${info.version}${info.sqlite ? `, ${JSON.stringify(info.sqlite)}` : ''})`);
  const settings = strapi.plugin('customerly').service('settings');

  const post = async (
    pathAndQuery: string,
    body: unknown,
    retried = false
  ): Promise<{ status: number; ms: number }> => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${app.baseUrl}${pathAndQuery}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - t0 };
    } catch (e) {
      // A kept-alive socket the server closed while idle (e.g. during the in-process add loop): send again once.
      if (!retried && (e as { cause?: { code?: string } }).cause?.code === 'ECONNRESET')
        return post(pathAndQuery, body, true);
      throw e;
    }
  };
  const hook = (action: string, extra = '') =>
    `/api/customerly/webhook?action=${action}&access_key=${encodeURIComponent(app.webhookKey)}${extra}`;

  // Existing users, made directly (bcrypt once) so the setup does not dominate the run.
  // bcryptjs is users-permissions' own dependency (untyped): load it from there, as Strapi hashes with it.
  const bcrypt = createRequire(require.resolve('@strapi/plugin-users-permissions/package.json'))('bcryptjs') as {
    hash(password: string, rounds: number): Promise<string>;
  };
  const hash = await bcrypt.hash('bench-password-123', 10);
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });

  // The users-permissions `add` service in a loop, sequential: the baseline of 2 and 7; users per second.
  const ADDS = n(80);
  const addLoop = async (prefix: string, count: number) => {
    const t = performance.now();
    await addUsers(strapi, role.id, prefix, count);
    return count / ((performance.now() - t) / 1000);
  };

  // 7. The import job, first: it needs an empty users table.
  if (wants('import')) {
    const im = await measureImport({ strapi, fake, contacts: n(5000), baselineUsers: ADDS, addLoop });
    results.import = im;
    console.log('import', im);
    console.log(
      `import: ${im.usersAfter} users after the import for ${im.contacts} contacts (${im.distinctEmails} distinct emails, ${im.missing} missing, ${im.unexpected} unexpected): ${im.exactlyOnce ? 'each exactly once' : 'NOT each exactly once'}`
    );
  }

  // 8. Registrations with outbound on against off, before the figures below add their users.
  if (wants('outbound')) {
    const ob = await measureOutbound({ strapi, fake, baseUrl: app.baseUrl, registrations: n(1000), concurrency: 8 });
    results.outbound = ob;
    console.log('outbound', ob);
    console.log(
      `outbound: ${ob.delivered} of ${ob.registeredWithOutboundOn} users registered with it on reached Customerly (${ob.missing} missing, ${ob.sentMoreThanOnce} more than once, ${ob.sentWhileOff} registered with it off sent) in ${ob.postUsersRequests} POST /users`
    );
  }

  const USERS = n(2000);
  const needsUsers = FIGURES.some((f) => !['import', 'outbound', 'add'].includes(f) && wants(f));
  for (let i = 0; needsUsers && i < USERS; i++) {
    await strapi.db.query(USER).create({
      data: {
        username: `bench${i}`,
        email: `bench${i}@example.com`,
        password: hash,
        provider: 'local',
        confirmed: true,
        role: role.id,
      },
    });
  }
  const tagSet = (i: number, v: number) => [
    `plan-${(i + v) % 5}`,
    `segment-${(i * 7 + v) % 11}`,
    ...(v % 2 ? ['active'] : []),
  ];

  // 1. update_tags: the bare route and the webhook in turn (bench/interleave.ts); the best run of each side counts.
  if (wants('updateTags')) {
    const TAGS_N = n(800);
    const runUpdateTags = async (baseline: boolean | 'record', v: number) => {
      const tasks = Array.from({ length: TAGS_N }, (_, k) => {
        const i = k % USERS;
        const email = `bench${i}@example.com`;
        const tags = tagSet(i, v + k);
        return baseline
          ? () => post(`/api/bench/update-tags${baseline === 'record' ? '?record=1' : ''}`, { email, tags })
          : () => post(hook('update_tags'), userWebhook({ email, tags, attributes: {} }));
      });
      const t0 = performance.now();
      const answers = await pool(tasks, 8);
      const seconds = (performance.now() - t0) / 1000;
      if (answers.some((a) => a.status !== 200))
        throw new Error(`update_tags (${baseline ? 'baseline' : 'webhook'}) had non-200 answers`);
      return TAGS_N / seconds;
    };
    await runUpdateTags(true, 100); // warm-up
    await runUpdateTags(false, 200);
    const tags = await interleave(
      (r) => runUpdateTags(true, 2 * r - 1),
      (r) => runUpdateTags(false, 2 * r)
    );
    const tagsBase = tags.baseline;
    const tagsHook = tags.measured;
    const recorded: number[] = [];
    for (let r = 1; r <= ROUNDS; r++) recorded.push(await runUpdateTags('record', 2 * ROUNDS + r));
    const tagsRecorded = Math.max(...recorded);
    results.updateTags = {
      requests: TAGS_N,
      concurrency: 8,
      baselinePerSecond: round(tagsBase, 1),
      webhookPerSecond: round(tagsHook, 1),
      ratio: round(tagsHook / tagsBase),
      target: 0.7,
      // A second baseline that also stores the delivery and its outcome: what durability alone costs.
      baselineWithDeliveryRecordPerSecond: round(tagsRecorded, 1),
      ratioToRecordedBaseline: round(tagsHook / tagsRecorded),
      ...eachRun(tags),
    };
    console.log('update_tags', results.updateTags);
  }

  // 5. update_tags with 20 tag rules against none (the same users and tags; the rules give the role users have, so
  //    both sides write the same): what evaluating the rules costs.
  if (wants('tagRules')) {
    const RULES_N = n(600);
    const ruleSet = Array.from({ length: 20 }, (_, r) => ({
      tag: r < 5 ? `plan-${r}` : `never-${r}`,
      role: 'authenticated',
    }));
    const runRules = async (withRules: boolean, v: number) => {
      await settings.update({ tagRules: withRules ? ruleSet : [] });
      const tasks = Array.from({ length: RULES_N }, (_, k) => {
        const i = k % USERS;
        return () =>
          post(
            hook('update_tags'),
            userWebhook({ email: `bench${i}@example.com`, tags: tagSet(i, v + k), attributes: {} })
          );
      });
      const t = performance.now();
      const answers = await pool(tasks, 8);
      if (answers.some((a) => a.status !== 200)) throw new Error('update_tags (rules) had non-200 answers');
      return RULES_N / ((performance.now() - t) / 1000);
    };
    const rules = await interleave(
      (r) => runRules(false, 10 + 2 * r - 1),
      (r) => runRules(true, 10 + 2 * r)
    );
    await settings.update({ tagRules: [] });
    results.tagRules = {
      requests: RULES_N,
      rules: ruleSet.length,
      withoutRulesPerSecond: round(rules.baseline, 1),
      withRulesPerSecond: round(rules.measured, 1),
      ratio: round(rules.measured / rules.baseline),
      target: 0.95,
      ...eachRun(rules),
    };
    console.log('tag rules', results.tagRules);
  }

  // 6. The has-tags policy: an app route behind it against the same route without it, for a logged-in tagged user.
  if (wants('hasTagsPolicy')) {
    const PERM = 'plugin::users-permissions.permission';
    await strapi.db.query(PERM).create({ data: { action: 'api::premium.premium.show', role: role.id } });
    await post(hook('update_tags'), userWebhook({ email: 'bench0@example.com', tags: ['Pro'], attributes: {} }));
    const loginRes = await fetch(`${app.baseUrl}/api/auth/local`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'bench0@example.com', password: 'bench-password-123' }),
    });
    const jwt = ((await loginRes.json()) as { jwt: string }).jwt;
    const POLICY_N = n(3000);
    const runPolicy = async (path: string) => {
      const tasks = Array.from({ length: POLICY_N }, () => async () => {
        const res = await fetch(`${app.baseUrl}${path}`, { headers: { authorization: `Bearer ${jwt}` } });
        await res.arrayBuffer();
        return res.status;
      });
      const t = performance.now();
      const statuses = await pool(tasks, 8);
      if (statuses.some((st) => st !== 200)) throw new Error(`${path} had non-200 answers`);
      return POLICY_N / ((performance.now() - t) / 1000);
    };
    await runPolicy('/api/premium/open'); // warm-up
    const policy = await interleave(
      () => runPolicy('/api/premium/open'),
      () => runPolicy('/api/premium/any')
    );
    results.hasTagsPolicy = {
      requests: POLICY_N,
      withoutPolicyPerSecond: round(policy.baseline, 1),
      withPolicyPerSecond: round(policy.measured, 1),
      ratio: round(policy.measured / policy.baseline),
      target: 0.9,
      ...eachRun(policy),
    };
    console.log('has-tags policy', results.hasTagsPolicy);
  }

  // 2. add: sequential on both sides, in turn as update_tags: the best run of each side counts. The webhook's users also
  // get a tag (one more relation written), the loop's none.
  if (wants('add')) {
    const addHookLoop = async (prefix: string) => {
      const t0 = performance.now();
      for (let k = 0; k < ADDS; k++) {
        const r = await post(
          hook('add'),
          userWebhook({ email: `${prefix}${k}@example.com`, tags: ['new'], attributes: {} })
        );
        if (r.status !== 200) throw new Error(`add answered ${r.status}`);
      }
      return ADDS / ((performance.now() - t0) / 1000);
    };
    const adds = await interleave(
      (r) => addLoop(`baseadd${r}-`, ADDS),
      (r) => addHookLoop(`hookadd${r}-`)
    );
    results.add = {
      users: ADDS,
      runs: ROUNDS,
      baselinePerSecond: round(adds.baseline, 1),
      webhookPerSecond: round(adds.measured, 1),
      ratio: round(adds.measured / adds.baseline),
      target: 0.9,
      ...eachRun(adds),
    };
    console.log('add', results.add);
  }

  // 4. API calls per delivery.
  if (wants('apiCallsPerDelivery')) {
    const CALLS_N = n(200);
    let before = fake.requests.length;
    await pool(
      Array.from(
        { length: CALLS_N },
        (_, k) => () =>
          post(
            hook('update'),
            userWebhook({ email: `bench${k % USERS}@example.com`, name: 'B', tags: ['x'], attributes: { plan: 'p' } })
          )
      ),
      8
    );
    const withPayload = (fake.requests.length - before) / CALLS_N;
    before = fake.requests.length;
    await pool(
      Array.from(
        { length: CALLS_N },
        (_, k) => () => post(hook('update_tags'), userWebhook({ email: `bench${k % USERS}@example.com` }))
      ),
      8
    );
    const withoutTags = (fake.requests.length - before) / CALLS_N;
    results.apiCallsPerDelivery = {
      payloadWithTagsAndAttributes: round(withPayload, 3),
      payloadWithoutTags: round(withoutTags, 3),
      target: '0 with a full payload, at most 1 otherwise',
    };
    console.log('API calls', results.apiCallsPerDelivery);
  }

  // 3. A queued burst of 10,000 deliveries over the existing users, twice (bench/burst-figure.ts).
  if (wants('burst')) {
    await settings.update({ processing: 'queued' });
    const BURST = n(10_000);
    // Concurrent senders, as a webhook dispatcher keeps a few connections open (BENCH_SENDERS to change).
    const SENDERS = Number(process.env.BENCH_SENDERS ?? 8);
    // Each run gives every user tags it did not have, so that the second run's last state differs from the first's.
    const items = (run: number) =>
      Array.from({ length: BURST }, (_, k) => {
        const i = k % USERS;
        const email = `bench${i}@example.com`;
        const tags = tagSet(i, 1000 + run * BURST + k);
        return { path: hook('update_tags'), body: userWebhook({ email, tags, attributes: {} }), email, tags };
      });
    const runs = [];
    for (const run of [1, 2]) {
      runs.push(await runBurst(strapi, app.baseUrl, SENDERS, items(run)));
      console.log(`burst ${run}`, runs[runs.length - 1]);
    }
    results.burst = {
      deliveries: BURST,
      contacts: Math.min(USERS, BURST),
      senders: SENDERS,
      ...burstFigure(runs),
      targets: { answerP99ms: 50, lost: 0, doubled: 0, rssGrowthMB: 100 },
    };
  }

  await app.stop();
  await fake.close();
  return results;
}

async function main() {
  const options = benchOptions();
  const db = await createTestDatabase(options.db);
  let measured: Record<string, unknown>;
  try {
    measured = await measure(options, db);
  } finally {
    await db.drop();
  }
  const results = benchResultsSchema.parse(measured); // the shape the tables read back

  const dir = process.env.BENCH_RESULTS_DIR ? path.resolve(process.env.BENCH_RESULTS_DIR) : DEFAULT_RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `latest-${options.run}.json`), JSON.stringify(measured, null, 2) + '\n');
  const md = runMarkdown(results);
  writeFileSync(path.join(dir, `latest-${options.run}.md`), md);
  console.log(md);
  if (dir === DEFAULT_RESULTS_DIR) {
    regenerateReadme();
    console.log('README.md: the benchmark table rebuilt from bench/results/latest-*.json');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
