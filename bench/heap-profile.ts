import { writeFileSync } from 'node:fs';
import type { HeapProfiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';

/**
 * A sampling heap profile of this process, written to `file` when stopped: what was allocated meanwhile and freed
 * only by a full collection (objects that outlived the young generation), by allocation stack. Nothing when `file`
 * is not given.
 */
export async function startHeapProfile(file: string | undefined): Promise<{ stop(): Promise<void> } | undefined> {
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  // includeObjectsCollectedByMajorGC is V8's (Node's typings do not have it yet).
  const params: HeapProfiler.StartSamplingParameterType & { includeObjectsCollectedByMajorGC: boolean } = {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
  };
  await session.post('HeapProfiler.startSampling', params);
  return {
    async stop() {
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
