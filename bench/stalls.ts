import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';

export interface PauseSummary {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface Stalls {
  /** How late the event loop ran a 10 ms timer (Node's monitorEventLoopDelay): what every request waits behind. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** The garbage collector's pauses of the main thread meanwhile, by kind. */
  gc: { minor: PauseSummary; major: PauseSummary; other: PauseSummary };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * What held this process's event loop meanwhile, from now until `stop()`: its delay (percentiles of how late a
 * timer fired) and the garbage collector's pauses. The burst's answer latency (bench/run.ts) is read against it.
 */
export function watchStalls(): { stop(): Stalls } {
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
    totalMs: round1(ms.reduce((a, b) => a + b, 0)),
    maxMs: round1(ms.reduce((a, b) => Math.max(a, b), 0)),
  });
  return {
    stop() {
      delay.disable();
      observer.disconnect();
      // The histogram counts in nanoseconds, the timer's own 10 ms included: what is left is the lateness.
      const late = (ns: number) => round1(Math.max(0, ns / 1e6 - 10));
      return {
        eventLoopDelayMs: { p50: late(delay.percentile(50)), p99: late(delay.percentile(99)), max: late(delay.max) },
        gc: { minor: summary(pauses.minor), major: summary(pauses.major), other: summary(pauses.other) },
      };
    },
  };
}
