import { Flex, Typography } from '@strapi/design-system';
import type { Job, JobProgress as Progress } from '../../../../shared/contracts/jobs';
import { JobProgressBar } from '../../components/JobProgressBar';
import { useT } from '../../utils/useT';
import { usePace, useTimeLeft } from './useTimeLeft';

/** How far a job has got: done counts as 100 %, an unknown total leaves the bar empty. */
export function percentOf(job: Pick<Job, 'status' | 'progress'>): number | null {
  if (job.status === 'done') return 100;
  const { seen, total } = job.progress;
  if (total === null) return null;
  return total === 0 ? 0 : (seen / total) * 100;
}

/** A queued or running job: its bar, how many items it has seen, its counts and the time it still needs (`asOf`: when read). */
export function JobProgress({ job, asOf }: { job: Job; asOf: number }) {
  const t = useT();
  const left = useTimeLeft(job, asOf);
  const rate = usePace(job, asOf);
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <JobProgressBar
        percent={percentOf(job)}
        active={job.status === 'running'}
        label={t('jobs.progressLabel', { type: t(`jobs.type.${job.type}`) })}
      />
      <Flex gap={4} wrap="wrap" justifyContent="space-between">
        <JobCounts progress={job.progress} />
        {job.status === 'running' && (
          <Typography variant="pi" textColor="neutral600" data-testid="job-time-left">
            {left !== null
              ? t('jobs.timeLeft', { time: left })
              : job.progress.total === null && rate !== null
                ? t('jobs.pace', { rate })
                : t('jobs.timeLeft.unknown')}
          </Typography>
        )}
      </Flex>
    </Flex>
  );
}

/** "Seen: 12 of 40 · created: 0 · updated: 3 · …" */
export function JobCounts({ progress }: { progress: Progress }) {
  const t = useT();
  const seen =
    progress.total === null
      ? t('jobs.seen', { seen: progress.seen })
      : t('jobs.seenOf', { seen: progress.seen, total: progress.total });
  return (
    <Typography variant="pi" data-testid="job-counts">
      {seen} ·{' '}
      {t('jobs.counts', {
        created: progress.created,
        updated: progress.updated,
        unchanged: progress.unchanged,
        skipped: progress.skipped,
        failed: progress.failed,
      })}
    </Typography>
  );
}
