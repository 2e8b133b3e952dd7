import { PerformanceObserver, constants, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { latencies, round } from './timings';

export interface PauseSummary {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** The database's COMMITs meanwhile, as the app's connection saw them (the statement sent to its answer). */
export interface CommitTimes {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface Stalls {
  /** How late the event loop ran a 10 ms timer (Node's monitorEventLoopDelay): what every request waits behind. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** The garbage collector's pauses of the main thread meanwhile, by kind. */
  gc: { minor: PauseSummary; major: PauseSummary; other: PauseSummary };
  /** What each request of a group commit waits for before it is answered (a 2xx means stored). */
  commits?: CommitTimes;
}

/** Knex's client: every statement, a transaction's COMMIT included, goes through its `query`. */
interface KnexClient {
  query(connection: unknown, obj: string | { sql?: string }): Promise<unknown>;
}

/**
 * Times the COMMITs of `knex` (Strapi's `strapi.db.connection`) until the returned function is called. A
 * transaction's client is made from the prototype of knex's client (not from the client itself) and keeps the
 * `query` it finds there when the transaction starts: the prototype's `query` is wrapped, and the transactions
 * started after this are timed.
 */
function timeCommits(knex: unknown): () => CommitTimes {
  const proto = (knex as { client: { constructor: { prototype: KnexClient } } }).client.constructor.prototype;
  const own = Object.prototype.hasOwnProperty.call(proto, 'query');
  const original = proto.query;
  const ms: number[] = [];
  proto.query = function (this: KnexClient, connection, obj) {
    const sql = typeof obj === 'string' ? obj : (obj.sql ?? '');
    if (!/^\s*commit/i.test(sql)) return original.call(this, connection, obj);
    const t = performance.now();
    return original.call(this, connection, obj).finally(() => ms.push(performance.now() - t));
  };
  return () => {
    if (own) proto.query = original;
    else delete (proto as Partial<KnexClient>).query;
    return { count: ms.length, ...latencies(ms) };
  };
}

/**
 * What held this process's event loop meanwhile, from now until `stop()`: its delay (percentiles of how late a
 * timer fired) and the garbage collector's pauses; with `knex`, the database's COMMITs. The burst's answer latency
 * (bench/burst-figure.ts) is read against it.
 */
export function watchStalls(knex?: unknown): { stop(): Stalls } {
  const commits = knex ? timeCommits(knex) : undefined;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const pauses = { minor: [] as number[], major: [] as number[], other: [] as number[] };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node's gc entries carry their kind in `detail` (not in the DOM typings of PerformanceEntry).
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      const bucket =
        kind === constants.NODE_PERFORMANCE_GC_MINOR
          ? pauses.minor
          : kind === constants.NODE_PERFORMANCE_GC_MAJOR
            ? pauses.major
            : pauses.other;
      bucket.push(entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const summary = (ms: number[]): PauseSummary => ({
    count: ms.length,
    totalMs: round(
      ms.reduce((a, b) => a + b, 0),
      1
    ),
    maxMs: round(
      ms.reduce((a, b) => Math.max(a, b), 0),
      1
    ),
  });
  return {
    stop() {
      delay.disable();
      observer.disconnect();
      // The histogram counts in nanoseconds, the timer's own 10 ms included: what is left is the lateness.
      const late = (ns: number) => round(Math.max(0, ns / 1e6 - 10), 1);
      return {
        eventLoopDelayMs: { p50: late(delay.percentile(50)), p99: late(delay.percentile(99)), max: late(delay.max) },
        gc: { minor: summary(pauses.minor), major: summary(pauses.major), other: summary(pauses.other) },
        ...(commits ? { commits: commits() } : {}),
      };
    },
  };
}
