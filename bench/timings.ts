/**
 * Wall-time accounting for the hand-run profilers (bench/profile-*.ts): how often a labelled step ran and the time it
 * took, summed (overlapping calls add up); and SQL statements keyed by verb and table.
 */
import { performance } from 'node:perf_hooks';

export interface Timing {
  calls: number;
  ms: number;
}

export function createTimings() {
  let timings = new Map<string, Timing>();
  const note = (label: string, ms: number) => {
    const e = timings.get(label) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += ms;
    timings.set(label, e);
  };
  return {
    note,
    /** Times each call of `obj[method]` (a promise until it settles) under `label`. */
    wrap(obj: Record<string, unknown>, method: string, label: string) {
      const orig = obj[method];
      if (typeof orig !== 'function') throw new Error(`no ${label}`);
      obj[method] = function (this: unknown, ...args: unknown[]) {
        const t = performance.now();
        const done = () => note(label, performance.now() - t);
        const r = (orig as (...a: unknown[]) => unknown).apply(this, args);
        if (r && typeof (r as Promise<unknown>).then === 'function') return (r as Promise<unknown>).finally(done);
        done();
        return r;
      };
    },
    reset: () => void (timings = new Map()),
    entries: () => [...timings.entries()],
  };
}

/** `x` rounded to `d` decimals, for the reports. */
export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** The `p`th percentile of `sorted` (ascending), 0 when it is empty. */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** p50, p99 and max of some durations (ms, to 0.1 ms); sorts `ms` in place. */
export function latencies(ms: number[]): { p50: number; p99: number; max: number } {
  ms.sort((a, b) => a - b);
  return { p50: round(percentile(ms, 50), 1), p99: round(percentile(ms, 99), 1), max: round(ms.at(-1) ?? 0, 1) };
}

/** A statement's verb and table ('insert up_users'), to count statements by kind. */
export const sqlKey = (sql: string) => {
  const s = sql.replace(/\s+/g, ' ').trim().toLowerCase();
  const verb = s.split(' ')[0] ?? '?';
  const table = /(?:from|into|update|join)\s+[`"]?([\w.]+)[`"]?/.exec(s)?.[1] ?? '?';
  return `${verb} ${table}`;
};
