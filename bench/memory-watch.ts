import { Session } from 'node:inspector/promises';
import { round } from './timings';

const MB = 1024 * 1024;

export interface MemoryGrowth {
  rssBeforeMB: number;
  rssPeakMB: number;
  /** Peak RSS over the baseline: what the operating system gave the process meanwhile, garbage included. */
  rssGrowthMB: number;
  /** Peak of V8's used heap over the baseline (live objects and garbage not yet collected). */
  heapUsedGrowthMB: number;
  /**
   * Used heap after a full collection at the end, over the used heap after a full collection at the start: what the
   * work left alive. A leak shows here; the garbage a busy process collects late (RSS growth) does not.
   */
  heapRetainedMB: number;
}

/** A full garbage collection, through the inspector (no --expose-gc needed). */
async function collectGarbage(): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
  }
}

/**
 * Watches this process's memory from now until `stop()`: the baseline is taken after a full collection, then RSS
 * and used heap are sampled every `sampleMs`; `stop()` collects again and reports what was left alive.
 */
export async function watchMemory(sampleMs: number): Promise<{ stop(): Promise<MemoryGrowth> }> {
  await collectGarbage();
  const before = process.memoryUsage();
  let rssPeak = before.rss;
  let heapPeak = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  };
  const sampler = setInterval(sample, sampleMs);
  return {
    async stop() {
      clearInterval(sampler);
      sample();
      await collectGarbage();
      const after = process.memoryUsage();
      const mb = (bytes: number) => round(bytes / MB, 1);
      return {
        rssBeforeMB: mb(before.rss),
        rssPeakMB: mb(rssPeak),
        rssGrowthMB: mb(rssPeak - before.rss),
        heapUsedGrowthMB: mb(heapPeak - before.heapUsed),
        heapRetainedMB: mb(after.heapUsed - before.heapUsed),
      };
    },
  };
}
