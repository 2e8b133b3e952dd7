import type { JobProgress } from '../../../../shared/contracts/jobs';

/**
 * The seconds a running job still needs, from its pace so far (items seen since it started) and its total; null when
 * that cannot be told yet (no total, nothing seen, no start time, or a clock that puts the start in the future).
 */
export function estimateSecondsLeft(
  progress: Pick<JobProgress, 'seen' | 'total'>,
  startedAt: string | null,
  now: number
): number | null {
  const { seen, total } = progress;
  if (total === null || startedAt === null || seen <= 0) return null;
  const elapsedMs = now - Date.parse(startedAt);
  if (!(elapsedMs > 0)) return null;
  const left = Math.max(0, total - seen);
  return (left * elapsedMs) / seen / 1000;
}

/** Items handled a minute since the job started; null before any is seen or with a start in the future. */
export function itemsPerMinute(seen: number, startedAt: string | null, now: number): number | null {
  if (startedAt === null || seen <= 0) return null;
  const elapsedMs = now - Date.parse(startedAt);
  if (!(elapsedMs > 0)) return null;
  return (seen * 60_000) / elapsedMs;
}

/** A duration in the unit that reads best: seconds under a minute, minutes under an hour, then hours. */
export function durationParts(seconds: number): { value: number; unit: 'second' | 'minute' | 'hour' } {
  if (seconds < 60) return { value: Math.max(1, Math.ceil(seconds)), unit: 'second' };
  if (seconds < 3600) return { value: Math.round(seconds / 60), unit: 'minute' };
  return { value: Math.round((seconds / 3600) * 10) / 10, unit: 'hour' };
}
