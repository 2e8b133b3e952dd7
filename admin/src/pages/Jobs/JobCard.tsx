import { Badge, Box, Button, Flex, Typography } from '@strapi/design-system';
import { Cross } from '@strapi/icons';
import * as React from 'react';
import { IMPORT_MODES, IMPORT_SOURCES, type Job } from '../../../../shared/contracts/jobs';
import { isJobActive } from '../../api/queries';
import { useT } from '../../utils/useT';
import { useFormatWhen } from '../Deliveries/useFormatWhen';
import { CancelJobDialog } from './CancelJobDialog';
import { JobDetails } from './JobDetails';
import { JobCounts, JobProgress } from './JobProgress';
import { JobStatusBadge } from './JobStatusBadge';
import { useCancelJobFlow } from './useCancelJobFlow';

const oneOf = <T extends string>(list: readonly T[], value: unknown): T | null =>
  (list as readonly unknown[]).includes(value) ? (value as T) : null;

interface Props {
  job: Job;
  canCancel: boolean;
  /** When the job was read (for the time left). */
  asOf: number;
}

/**
 * One job: what it is, its status, who started it and when; while queued or running its progress and a Cancel button
 * (for an admin who may run jobs); once finished its counts, then its summary and failures collapsed.
 */
export function JobCard({ job, canCancel, asOf }: Props) {
  const t = useT();
  const when = useFormatWhen();
  const [asking, setAsking] = React.useState(false);
  const cancel = useCancelJobFlow(() => setAsking(false));
  const active = isJobActive(job.status);
  const cancelling = active && job.cancelRequested === true;
  const source = oneOf(IMPORT_SOURCES, job.params.source);
  const mode = oneOf(IMPORT_MODES, job.params.mode);

  const times = [
    job.startedBy ? t('jobs.startedBy', { who: job.startedBy }) : t('jobs.startedBy.none'),
    job.startedAt
      ? t('jobs.startedAt', { when: when(job.startedAt) })
      : t('jobs.queuedAt', { when: when(job.createdAt) }),
    ...(job.finishedAt ? [t('jobs.finishedAt', { when: when(job.finishedAt) })] : []),
  ];

  return (
    <Box
      background="neutral0"
      hasRadius
      shadow="filterShadow"
      padding={5}
      data-testid="job"
      data-job-id={job.id}
      data-type={job.type}
      data-status={job.status}
    >
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex gap={3} justifyContent="space-between" wrap="wrap">
          <Flex gap={2} wrap="wrap">
            <Typography variant="delta" tag="h2">
              {t(`jobs.type.${job.type}`)}
            </Typography>
            <JobStatusBadge status={job.status} cancelling={cancelling} />
            {source && <Badge>{t(`jobs.source.${source}`)}</Badge>}
            {mode && <Badge>{t(`jobs.mode.${mode}`)}</Badge>}
            {job.params.dryRun === true && <Badge variant="warning">{t('jobs.dryRun')}</Badge>}
          </Flex>
          {active && canCancel && (
            <Button
              variant="danger-light"
              size="S"
              startIcon={<Cross />}
              disabled={cancelling || cancel.isLoading}
              onClick={() => setAsking(true)}
            >
              {t('jobs.cancel')}
            </Button>
          )}
        </Flex>
        <Typography variant="pi" textColor="neutral600" data-testid="job-times">
          {times.join(' · ')}
        </Typography>
        {active ? <JobProgress job={job} asOf={asOf} /> : <JobCounts progress={job.progress} />}
        {job.error && (
          <Typography textColor="danger600" data-testid="job-error">
            {job.error}
          </Typography>
        )}
        {!active && <JobDetails job={job} />}
      </Flex>
      {asking && (
        <CancelJobDialog
          busy={cancel.isLoading}
          onClose={() => setAsking(false)}
          onConfirm={() => cancel.run(job.id)}
        />
      )}
    </Box>
  );
}
