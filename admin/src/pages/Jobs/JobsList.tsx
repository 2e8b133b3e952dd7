import { EmptyStateLayout, Flex, Typography } from '@strapi/design-system';
import { EmptyDocuments } from '@strapi/icons/symbols';
import type { Job } from '../../../../shared/contracts/jobs';
import { useT } from '../../utils/useT';
import { JobCard } from './JobCard';

interface Props {
  jobs: Job[];
  canCancel: boolean;
  /** When the list was read (for the time left). */
  asOf: number;
}

/** The latest jobs, newest first, or an empty state that says what shows up here. */
export function JobsList({ jobs, canCancel, asOf }: Props) {
  const t = useT();
  if (jobs.length === 0) {
    return (
      <Flex direction="column" alignItems="stretch" data-testid="jobs-empty">
        <EmptyStateLayout
          hasRadius
          shadow="tableShadow"
          icon={<EmptyDocuments width="16rem" />}
          content={t('jobs.empty')}
          action={
            <Typography variant="pi" textColor="neutral600">
              {t('jobs.empty.hint')}
            </Typography>
          }
        />
      </Flex>
    );
  }
  return (
    <Flex direction="column" alignItems="stretch" gap={3} tag="section" aria-label={t('jobs.list')}>
      {jobs.map((job) => (
        <JobCard key={job.id} job={job} canCancel={canCancel} asOf={asOf} />
      ))}
    </Flex>
  );
}
