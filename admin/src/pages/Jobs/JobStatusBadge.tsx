import { Badge } from '@strapi/design-system';
import type { JobStatus } from '../../../../shared/contracts/jobs';
import { useT, type MessageKey } from '../../utils/useT';

const VARIANT: Record<JobStatus, 'success' | 'danger' | 'warning' | 'neutral' | 'secondary'> = {
  queued: 'neutral',
  running: 'secondary',
  done: 'success',
  failed: 'danger',
  cancelled: 'warning',
};

/** A job's status; a running job asked to stop reads "cancelling…" until its batch in hand is over. */
export function JobStatusBadge({ status, cancelling }: { status: JobStatus; cancelling: boolean }) {
  const t = useT();
  return (
    <Badge variant={VARIANT[status]} data-status={status}>
      {cancelling ? t('jobs.cancelling') : t(`jobs.status.${status}` as MessageKey)}
    </Badge>
  );
}
