/**
 * Figure 7 of `npm run bench` (bench/run.ts): the import job, mode `create`, from the fake Customerly's users list into
 * an empty users table, against the users-permissions `add` loop of figure 2 measured right before and right after it
 * (new users are bcrypt-bound on both sides). Also the peak RSS growth of this process (Strapi runs in it) while the
 * job runs, and whether every contact became exactly one user.
 */
import { performance } from 'node:perf_hooks';
import type { Core } from '@strapi/strapi';
import type { Job } from '../shared/contracts/jobs';
import { seedEmail, type FakeCustomerly } from '../tests/fake-customerly';
import { watchMemory, type MemoryGrowth } from './memory-watch';
import { round } from './timings';

const USER = 'plugin::users-permissions.user';
const DELIVERY = 'plugin::customerly.delivery';
const FINISHED = ['done', 'failed', 'cancelled'];
/** How often the RSS is sampled while the job runs, and how often the job is read to see whether it finished. */
const RSS_SAMPLE_MS = 50;
const JOB_POLL_MS = 100;

export interface ImportFigureDeps {
  strapi: Core.Strapi;
  fake: FakeCustomerly;
  /** Contacts seeded in the fake's users list (the figure's size, already scaled). */
  contacts: number;
  /** Users of each baseline loop (figure 2's size). */
  baselineUsers: number;
  /** The users-permissions `add` loop of figure 2: `count` new users whose emails start with `prefix`; users/s. */
  addLoop: (prefix: string, count: number) => Promise<number>;
}

export interface ImportFigure extends MemoryGrowth {
  contacts: number;
  source: 'users';
  mode: 'create';
  concurrency: number;
  jobStatus: string;
  seconds: number;
  contactsPerSecond: number;
  /** The job's own startedAt → finishedAt (without the worker's pick-up and this side's polling). */
  jobSeconds: number | null;
  /**
   * CPU time (user + system, all of this process's threads) per contact and per user of the baseline before the
   * import: less sensitive than the rates to other work on a shared machine (for the analysis; no target).
   */
  cpuMsPerContact: number;
  baselineCpuMsPerUser: number;
  /** Contacts per second over each third of the contacts: whether the import slows down as the tables grow. */
  perSecondByThird: number[];
  baselineUsers: number;
  baselineBeforePerSecond: number;
  baselineAfterPerSecond: number;
  /** The better of the two baseline runs. */
  baselinePerSecond: number;
  ratio: number;
  progress: Job['progress'];
  usersAfter: number;
  distinctEmails: number;
  missing: number;
  unexpected: number;
  deliveries: number;
  exactlyOnce: boolean;
  targets: { ratio: number; rssGrowthMB: number; usersAfter: string };
}

interface JobsService {
  start(
    request: { type: 'import'; source: 'users'; mode: 'create' } & Record<string, unknown>,
    startedBy: string | null
  ): Promise<{ kind: string; job?: Job }>;
  findOne(documentId: string): Promise<Job | null>;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the job until it is finished; `seen` gets its progress as it goes (ms since the start, contacts seen). */
async function finished(jobs: JobsService, id: string, timeoutMs: number, seen: Array<[number, number]>): Promise<Job> {
  const t0 = performance.now();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobs.findOne(id);
    if (job) seen.push([performance.now() - t0, job.progress.seen]);
    if (job && FINISHED.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`import: job ${id} did not finish in time (${JSON.stringify(job)})`);
    await sleep(JOB_POLL_MS);
  }
}

/** Contacts per second over each third of the contacts, from the job's progress as it was read. */
function byThird(timeline: Array<[number, number]>, contacts: number): number[] {
  const at = (count: number) => timeline.find(([, seen]) => seen >= count)?.[0] ?? NaN;
  const marks = [0, contacts / 3, (2 * contacts) / 3, contacts].map((c, i) => (i === 0 ? 0 : at(c)));
  return [0, 1, 2].map((i) => round(contacts / 3 / ((marks[i + 1]! - marks[i]!) / 1000), 1));
}

export async function measureImport(deps: ImportFigureDeps): Promise<ImportFigure> {
  const { strapi, fake, contacts, baselineUsers, addLoop } = deps;
  const users = strapi.db.query(USER);

  // Baseline before (then its users go, so that the import meets an empty users table).
  const cpuA = process.cpuUsage();
  const baselineBefore = await addLoop('impbasea', baselineUsers);
  const baselineCpu = cpuMs(process.cpuUsage(cpuA)) / baselineUsers;
  const made = (await users.findMany({
    where: { email: { $startsWith: 'impbasea' } },
    select: ['id'],
  })) as Array<{ id: number }>;
  for (const u of made) await users.delete({ where: { id: u.id } });
  const before = await users.count({});
  if (before !== 0) throw new Error(`import: the users table should be empty before the import, it has ${before}`);

  const seeded = fake.seedContacts({ users: contacts });
  if (seeded.users.count !== contacts) throw new Error(`import: ${seeded.users.count} contacts seeded of ${contacts}`);
  const settings = strapi.plugin('customerly').service('settings') as {
    get(): Promise<{ queue: { concurrency: number } }>;
  };
  const { concurrency } = (await settings.get()).queue;

  const jobs = strapi.plugin('customerly').service('jobs') as JobsService;
  const memory = await watchMemory(RSS_SAMPLE_MS);
  const timeline: Array<[number, number]> = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let job: Job;
  let growth: MemoryGrowth;
  try {
    const started = await jobs.start({ type: 'import', source: 'users', mode: 'create' }, null);
    if (started.kind !== 'created' || !started.job) throw new Error(`import: the job did not start (${started.kind})`);
    job = await finished(jobs, started.job.id, 120_000 + contacts * 500, timeline);
  } finally {
    growth = await memory.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const importCpu = cpuMs(process.cpuUsage(cpu0)) / contacts;
  if (job.status !== 'done') throw new Error(`import: the job ended ${job.status}: ${JSON.stringify(job)}`);
  const jobSeconds =
    job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;

  // Correctness: each contact exactly once.
  const emails = ((await users.findMany({ select: ['email'] })) as Array<{ email: string }>).map((u) => u.email);
  const expected = new Set(Array.from({ length: contacts }, (_, i) => seedEmail('users', i)));
  const got = new Set(emails);
  const missing = [...expected].filter((e) => !got.has(e)).length;
  const unexpected = [...got].filter((e) => !expected.has(e)).length;
  const deliveries = await strapi.db
    .query(DELIVERY)
    .count({ where: { eventId: { $startsWith: `import-${job.id}-` } } });

  const baselineAfter = await addLoop('impbaseb', baselineUsers);
  const baseline = Math.max(baselineBefore, baselineAfter);
  const perSecond = contacts / seconds;
  return {
    contacts,
    source: 'users',
    mode: 'create',
    concurrency,
    jobStatus: job.status,
    seconds: round(seconds, 1),
    contactsPerSecond: round(perSecond, 1),
    jobSeconds: jobSeconds === null ? null : round(jobSeconds, 1),
    perSecondByThird: byThird(timeline, contacts),
    cpuMsPerContact: round(importCpu, 1),
    baselineCpuMsPerUser: round(baselineCpu, 1),
    baselineUsers,
    baselineBeforePerSecond: round(baselineBefore, 1),
    baselineAfterPerSecond: round(baselineAfter, 1),
    baselinePerSecond: round(baseline, 1),
    ratio: round(perSecond / baseline),
    ...growth,
    progress: job.progress,
    usersAfter: emails.length,
    distinctEmails: got.size,
    missing,
    unexpected,
    deliveries,
    exactlyOnce: emails.length === contacts && got.size === contacts && missing === 0 && unexpected === 0,
    targets: { ratio: 0.9, rssGrowthMB: 100, usersAfter: 'equal to contacts, each once' },
  };
}
