/**
 * Figure 8 of `npm run bench` (bench/run.ts): registrations per second (`POST /api/auth/local/register` through HTTP,
 * unique users, a few senders at once) with outbound on (issue 13: each new user gets an outbox row in its
 * transaction, sent later by the workers in batches of `POST /users`) against the same with outbound off, measured in
 * the same run: off, on, off, on (after a small warm-up of each), the best round of each side counts. Outbound is
 * switched through the settings service, as an admin's save would. After each "on" round the figure waits until every
 * user registered with outbound on has reached the fake Customerly, so that the next round does not compete with
 * that round's sending; at the end it counts, from the `POST /users` requests the fake recorded, that each of them was
 * sent (once) and that no user registered with outbound off was.
 *
 * users-permissions' rate limit on the route keys on the request's email (and IP): unique emails never meet it, and a
 * refused registration fails the figure, so it is left as an app has it.
 */
import { performance } from 'node:perf_hooks';
import type { Core } from '@strapi/strapi';
import type { FakeCustomerly } from '../tests/fake-customerly';
import { pool } from '../tests/helpers/processes';
import { percentile, round } from './timings';

const DELIVERY = 'plugin::customerly.delivery';
/** How long the figure waits for the users of an "on" round to reach Customerly: a floor, plus per user. */
const DELIVERY_WAIT_MS = (users: number) => 60_000 + users * 200;
const POLL_MS = 100;

export interface OutboundFigureDeps {
  strapi: Core.Strapi;
  fake: FakeCustomerly;
  /** The Strapi under test, e.g. http://127.0.0.1:1337. */
  baseUrl: string;
  /** Registrations of each measured round (already scaled). */
  registrations: number;
  /** Measured rounds of each side (at least 2). */
  rounds?: number;
  /** Registrations sent at once. */
  concurrency?: number;
}

export interface OutboundFigure {
  registrationsPerRound: number;
  /** Measured rounds of each side, interleaved off, on, off, on, …; after one warm-up round of each. */
  rounds: number;
  warmUpRegistrations: number;
  concurrency: number;
  offRoundsPerSecond: number[];
  onRoundsPerSecond: number[];
  /** The best round of each side. */
  offPerSecond: number;
  onPerSecond: number;
  ratio: number;
  /** Answer latency (ms) of the best round of each side: p50 / p99. */
  offAnswerMs: { p50: number; p99: number };
  onAnswerMs: { p50: number; p99: number };
  /**
   * CPU time (user + system, all of this process's threads: Strapi and the workers run in it) per registration, the
   * least of the rounds of each side: less sensitive than the rates to other work on a shared machine (no target).
   */
  offCpuMsPerRegistration: number;
  onCpuMsPerRegistration: number;
  /** Users registered while outbound was on / off (warm-up included). */
  registeredWithOutboundOn: number;
  registeredWithOutboundOff: number;
  /** Users registered with outbound on that the fake recorded in an accepted `POST /users`; those it did not. */
  delivered: number;
  missing: number;
  allDelivered: boolean;
  /** Users registered with outbound on sent in more than one accepted `POST /users` (0 expected). */
  sentMoreThanOnce: number;
  /** Users registered with outbound off that were sent all the same (0 expected). */
  sentWhileOff: number;
  /** The `POST /users` requests the figure caused, those the fake did not accept, and their sizes. */
  postUsersRequests: number;
  postUsersRefused: number;
  largestBatch: number;
  usersPerRequest: number;
  /** For each "on" round (warm-up first): seconds from its last answer until all its users had reached Customerly
   * (null: not in time). */
  deliveredSecondsAfterRound: Array<number | null>;
  /** The outbound deliveries at the end, by status (all `done` expected). */
  outboxByStatus: Record<string, number>;
  targets: { ratio: number; delivered: string };
}

interface SettingsService {
  get(): Promise<{ outbound: Record<string, unknown> & { enabled: boolean } }>;
  update(update: { outbound: Record<string, unknown> }): Promise<unknown>;
}

interface Round {
  perSecond: number;
  p50: number;
  p99: number;
  cpuMs: number;
  emails: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The emails of the users in the accepted `POST /users` requests recorded from `from` on, with their counts. */
function upserted(fake: FakeCustomerly, from: number) {
  const posts = fake.requests.slice(from).filter((r) => r.method === 'POST' && r.path === '/users');
  const counts = new Map<string, number>();
  const sizes: number[] = [];
  let refused = 0;
  for (const r of posts) {
    const users = (r.body as { users?: Array<{ email?: unknown }> } | undefined)?.users ?? [];
    if (r.status !== 200) {
      refused++;
      continue;
    }
    sizes.push(users.length);
    for (const u of users) {
      if (typeof u.email === 'string') counts.set(u.email, (counts.get(u.email) ?? 0) + 1);
    }
  }
  return { requests: posts.length, refused, sizes, counts };
}

export async function measureOutbound(deps: OutboundFigureDeps): Promise<OutboundFigure> {
  const { strapi, fake, baseUrl, registrations } = deps;
  const rounds = Math.max(2, deps.rounds ?? 2);
  const concurrency = deps.concurrency ?? 8;
  const warmUp = Math.max(10, Math.round(registrations / 10));
  const settings = strapi.plugin('customerly').service('settings') as SettingsService;
  const deliveries = strapi.db.query(DELIVERY);

  // Registration open, without an email to confirm (users-permissions' defaults, made sure of: the bench's database).
  const advancedStore = strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
  const advanced = ((await advancedStore.get()) ?? {}) as Record<string, unknown>;
  if (advanced.allow_register !== true || advanced.email_confirmation !== false) {
    await advancedStore.set({ value: { ...advanced, allow_register: true, email_confirmation: false } });
  }

  const outboundBefore = (await settings.get()).outbound;
  const setOutbound = (enabled: boolean) => settings.update({ outbound: { ...outboundBefore, enabled } });
  const requestsFrom = fake.requests.length;

  /** One registration; a reset socket (a kept-alive connection the server closed) is tried again. */
  const register = async (email: string, username: string): Promise<{ status: number; ms: number; text: string }> => {
    const t0 = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${baseUrl}/api/auth/local/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, email, password: 'Bench-Passw0rd!x' }),
        });
        const text = await res.text();
        // The first try did register the user when the second finds it taken.
        const status = attempt > 1 && res.status === 400 && /already taken/.test(text) ? 200 : res.status;
        return { status, ms: performance.now() - t0, text };
      } catch (e) {
        if (attempt >= 3 || (e as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw e;
      }
    }
  };

  const runRound = async (name: string, count: number): Promise<Round> => {
    const emails = Array.from({ length: count }, (_, k) => `obreg-${name}-${k}@example.com`);
    const tasks = emails.map((email, k) => () => register(email, `obreg-${name}-${k}`));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const answers = await pool(tasks, concurrency);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const bad = answers.filter((a) => a.status !== 200);
    if (bad.length) {
      const statuses = [...new Set(bad.map((a) => a.status))].join(', ');
      throw new Error(`outbound: ${bad.length} registrations of round ${name} answered ${statuses}: ${bad[0]!.text}`);
    }
    const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
    return {
      perSecond: count / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuMs: (cpu.user + cpu.system) / 1000 / count,
      emails,
    };
  };

  /** Waits until every one of `emails` is in an accepted `POST /users`; the seconds it took (or null: timed out). */
  const delivered = async (emails: string[]): Promise<number | null> => {
    const t0 = performance.now();
    const deadline = Date.now() + DELIVERY_WAIT_MS(emails.length);
    for (;;) {
      const { counts } = upserted(fake, requestsFrom);
      if (emails.every((e) => counts.has(e))) return (performance.now() - t0) / 1000;
      if (Date.now() > deadline) return null;
      await sleep(POLL_MS);
    }
  };

  const on: Round[] = [];
  const off: Round[] = [];
  const onEmails: string[] = [];
  const offEmails: string[] = [];
  const deliveredAfter: Array<number | null> = [];
  const side = async (enabled: boolean, name: string, count: number): Promise<Round> => {
    await setOutbound(enabled);
    const r = await runRound(name, count);
    (enabled ? onEmails : offEmails).push(...r.emails);
    if (enabled) {
      const seconds = await delivered(r.emails);
      // Not thrown: the figure reports what did not arrive.
      if (seconds === null) console.log(`outbound: round ${name}: not every user reached Customerly in time`);
      deliveredAfter.push(seconds === null ? null : round(seconds, 1));
    }
    return r;
  };

  try {
    await side(false, 'warm-off', warmUp);
    await side(true, 'warm-on', warmUp);
    for (let i = 1; i <= rounds; i++) {
      off.push(await side(false, `off${i}`, registrations));
      on.push(await side(true, `on${i}`, registrations));
    }
  } finally {
    await setOutbound(outboundBefore.enabled);
  }
  console.log(
    `outbound: registrations/s off ${off.map((r) => round(r.perSecond, 1)).join(', ')}; on ${on.map((r) => round(r.perSecond, 1)).join(', ')}`
  );

  const { requests, refused, sizes, counts } = upserted(fake, requestsFrom);
  const got = onEmails.filter((e) => counts.has(e)).length;
  const statusRows = (await deliveries.findMany({ where: { direction: 'outbound' }, select: ['status'] })) as Array<{
    status: string;
  }>;
  const outboxByStatus: Record<string, number> = {};
  for (const { status } of statusRows) outboxByStatus[status] = (outboxByStatus[status] ?? 0) + 1;

  const best = (rs: Round[]) => rs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const bestOff = best(off);
  const bestOn = best(on);
  const sent = sizes.reduce((a, b) => a + b, 0);
  return {
    registrationsPerRound: registrations,
    rounds,
    warmUpRegistrations: warmUp,
    concurrency,
    offRoundsPerSecond: off.map((r) => round(r.perSecond, 1)),
    onRoundsPerSecond: on.map((r) => round(r.perSecond, 1)),
    offPerSecond: round(bestOff.perSecond, 1),
    onPerSecond: round(bestOn.perSecond, 1),
    ratio: round(bestOn.perSecond / bestOff.perSecond),
    offAnswerMs: { p50: round(bestOff.p50, 1), p99: round(bestOff.p99, 1) },
    onAnswerMs: { p50: round(bestOn.p50, 1), p99: round(bestOn.p99, 1) },
    offCpuMsPerRegistration: round(Math.min(...off.map((r) => r.cpuMs)), 1),
    onCpuMsPerRegistration: round(Math.min(...on.map((r) => r.cpuMs)), 1),
    registeredWithOutboundOn: onEmails.length,
    registeredWithOutboundOff: offEmails.length,
    delivered: got,
    missing: onEmails.length - got,
    allDelivered: got === onEmails.length,
    sentMoreThanOnce: onEmails.filter((e) => (counts.get(e) ?? 0) > 1).length,
    sentWhileOff: offEmails.filter((e) => counts.has(e)).length,
    postUsersRequests: requests,
    postUsersRefused: refused,
    largestBatch: Math.max(0, ...sizes),
    usersPerRequest: sizes.length ? round(sent / sizes.length, 1) : 0,
    deliveredSecondsAfterRound: deliveredAfter,
    outboxByStatus,
    targets: { ratio: 0.9, delivered: 'every user registered with outbound on, once; none registered with it off' },
  };
}
