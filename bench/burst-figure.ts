import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Core } from '@strapi/strapi';
import { sendBurst, type BurstRequest } from './burst';
import { startHeapProfile } from './heap-profile';
import { watchMemory, type MemoryGrowth } from './memory-watch';
import { watchStalls, type Stalls } from './stalls';
import { latencies, round } from './timings';

const USER = 'plugin::users-permissions.user';
const DELIVERY = 'plugin::customerly.delivery';

/** One webhook of the burst, and the tags its user must have if it is the user's last one. */
export interface BurstItem extends BurstRequest {
  email: string;
  tags: string[];
}

/** One burst: its answers, its drain, what it lost or doubled, the memory it took, what held the event loop. */
export interface BurstRun extends MemoryGrowth {
  accepted: number;
  answerP50ms: number;
  answerP99ms: number;
  answeredInSeconds: number;
  drainSeconds: number;
  drainPerSecond: number;
  /** Accepted (202) but not processed once the queue is empty. */
  lost: number;
  /** Emails with more than one user. */
  doubled: number;
  /** Users whose tags are not those of their last delivery. */
  usersNotInLastState: number;
  /**
   * While the answers were awaited: each answer's time on the server, and what held the event loop (bench/stalls.ts),
   * the COMMITs included: the profile of the answers' tail.
   */
  whileAnswering: Stalls & { onServerMs: { p50: number; p99: number; max: number } };
}

/**
 * Sends `items` as queued webhooks from `senders` concurrent connections of a process of their own (bench/burst.ts),
 * waits until the queue is empty, then checks every user against its last delivery. The memory baseline is taken
 * once the bench's own requests are built and serialized for the sender, so the growth is Strapi's and the plugin's
 * (taken before them, it counted them: 310 MB instead of 53 in a burst-only run).
 */
export async function runBurst(
  strapi: Core.Strapi,
  baseUrl: string,
  senders: number,
  items: BurstItem[]
): Promise<BurstRun> {
  const doneBefore = await strapi.db.query(DELIVERY).count({ where: { status: 'done' } });
  const lastTags = new Map<string, string[]>();
  for (const item of items) lastTags.set(item.email, [...item.tags].sort());
  const requests = items.map(({ path, body }) => ({ path, body }));

  // BENCH_HEAP_PROFILE=file.json: a sampling heap profile of this process during the burst's intake, of what only a
  // full collection freed (what makes the heap, and the RSS, grow); open it in Chrome's DevTools (Memory tab).
  const heapProfile = await startHeapProfile(process.env.BENCH_HEAP_PROFILE);
  let memory: Awaited<ReturnType<typeof watchMemory>> | undefined;
  let stalls: ReturnType<typeof watchStalls> | undefined;
  // The server's side of each answer, from Node's 'request' event to the answer's last byte handed to the socket: the
  // rest of what the sender measures is the sender's own process and the operating system's scheduling.
  const onServer: number[] = [];
  const server = (strapi.server as unknown as { httpServer: Server }).httpServer;
  const timeRequest = (_req: IncomingMessage, res: ServerResponse) => {
    const t = performance.now();
    res.once('finish', () => onServer.push(performance.now() - t));
  };
  server.prependListener('request', timeRequest);
  let sent: Awaited<ReturnType<typeof sendBurst>>;
  let whileAnswering: BurstRun['whileAnswering'];
  try {
    sent = await sendBurst(baseUrl, senders, requests, async () => {
      memory = await watchMemory(100);
      stalls = watchStalls(strapi.db.connection);
    });
  } finally {
    // Also when the sender failed: the app's server and knex's client are left as they were.
    server.off('request', timeRequest);
    const stalled = stalls?.stop();
    whileAnswering = { onServerMs: latencies(onServer), ...stalled! };
  }
  const { answers, startedAt: t0 } = sent;
  await heapProfile?.stop();
  const answeredIn = (performance.now() - t0) / 1000;
  const accepted = answers.filter((a) => a.status === 202).length;
  const answered = latencies(answers.map((a) => a.ms));

  let done = 0;
  for (;;) {
    done = (await strapi.db.query(DELIVERY).count({ where: { status: 'done' } })) - doneBefore;
    const pending = await strapi.db.query(DELIVERY).count({ where: { status: { $in: ['queued', 'processing'] } } });
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const drainSeconds = (performance.now() - t0) / 1000;
  const growth = await memory!.stop();

  const users: Array<{ email: string; tags: Array<{ name: string }> }> = await strapi.db.query(USER).findMany({
    where: { email: { $in: [...lastTags.keys()] } },
    select: ['email'],
    populate: { tags: { select: ['name'] } },
  });
  const seen = new Map<string, number>();
  for (const u of users) seen.set(u.email, (seen.get(u.email) ?? 0) + 1);
  const doubled = [...seen.values()].filter((c) => c > 1).length;
  const wrongState = users.filter(
    (u) => JSON.stringify(u.tags.map((t) => t.name).sort()) !== JSON.stringify(lastTags.get(u.email))
  ).length;
  return {
    accepted,
    answerP50ms: answered.p50,
    answerP99ms: answered.p99,
    answeredInSeconds: round(answeredIn, 1),
    drainSeconds: round(drainSeconds, 1),
    drainPerSecond: round(items.length / drainSeconds, 1),
    lost: accepted - done,
    doubled,
    // A user the burst addressed but the table lacks is not in its last state either.
    usersNotInLastState: wrongState + (lastTags.size - seen.size),
    ...growth,
    whileAnswering,
  };
}

/**
 * The figure of two bursts run one after the other: the answer latency of the better one (the lower p99: the
 * machine is shared, and a burst's tail moves with whatever else it runs), and the worst of both for what must never
 * happen (lost, doubled, not in the last state) and for memory.
 */
export function burstFigure(runs: BurstRun[]) {
  const best = runs.reduce((a, b) => (b.answerP99ms < a.answerP99ms ? b : a));
  const worst = (f: (r: BurstRun) => number) => Math.max(...runs.map(f));
  return {
    accepted: Math.min(...runs.map((r) => r.accepted)),
    answerP50ms: best.answerP50ms,
    answerP99ms: best.answerP99ms,
    answerP99msByRun: runs.map((r) => r.answerP99ms),
    answeredInSeconds: best.answeredInSeconds,
    drainSeconds: best.drainSeconds,
    drainPerSecond: best.drainPerSecond,
    lost: runs.reduce((sum, r) => sum + r.lost, 0),
    doubled: worst((r) => r.doubled),
    usersNotInLastState: worst((r) => r.usersNotInLastState),
    rssGrowthMB: worst((r) => r.rssGrowthMB),
    heapRetainedMB: worst((r) => r.heapRetainedMB),
    runs,
  };
}
