import { useIntl } from 'react-intl';
import type { Job } from '../../../../shared/contracts/jobs';
import { durationParts, estimateSecondsLeft, itemsPerMinute } from './timeLeft';

/**
 * The time a running job still needs, in the admin's language ("3 minutes"), or null when it cannot be told yet.
 * `asOf` is when its progress was read (the list's answer time): the list is polled every second while a job runs,
 * so the estimate follows.
 */
export function useTimeLeft(job: Pick<Job, 'progress' | 'startedAt' | 'status'>, asOf: number): string | null {
  const { formatNumber } = useIntl();
  if (job.status !== 'running') return null;
  const seconds = estimateSecondsLeft(job.progress, job.startedAt, asOf);
  if (seconds === null) return null;
  const { value, unit } = durationParts(seconds);
  return formatNumber(value, { style: 'unit', unit, unitDisplay: 'long' });
}

/**
 * For a running job whose total is not known (an import): how many items it handles a minute so far, in the admin's
 * language ("1,200"), or null before there is a pace to tell.
 */
export function usePace(job: Pick<Job, 'progress' | 'startedAt' | 'status'>, asOf: number): string | null {
  const { formatNumber } = useIntl();
  if (job.status !== 'running') return null;
  const perMinute = itemsPerMinute(job.progress.seen, job.startedAt, asOf);
  return perMinute === null ? null : formatNumber(Math.round(perMinute));
}
