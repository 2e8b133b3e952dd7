import { Badge, Flex, Typography } from '@strapi/design-system';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../../shared/contracts/deliveries';
import { useT, type MessageKey } from '../../utils/useT';

const VARIANT: Record<DeliveryStatus, 'success' | 'danger' | 'warning' | 'neutral' | 'secondary'> = {
  done: 'success',
  failed: 'danger',
  skipped: 'warning',
  processing: 'secondary',
  queued: 'neutral',
};

const isKnown = (status: string): status is DeliveryStatus => (DELIVERY_STATUSES as readonly string[]).includes(status);

/**
 * A delivery's status; one the panel does not know yet is shown as it is. A `done` delivery with warnings (the
 * password not returned, the email not sent, the tags unknown) is "done with warnings".
 */
export function StatusBadge({ status, warnings = 0 }: { status: string; warnings?: number }) {
  const t = useT();
  if (status === 'done' && warnings > 0) {
    return (
      <Badge variant="warning" data-status={status} data-warnings={warnings}>
        {t('deliveries.status.doneWithWarnings')}
      </Badge>
    );
  }
  return (
    <Badge variant={isKnown(status) ? VARIANT[status] : 'neutral'} data-status={status}>
      {isKnown(status) ? t(`status.${status}` as MessageKey) : status}
    </Badge>
  );
}

/** How many deliveries have each status, over the table. */
export function StatusCounts({ counts }: { counts: Record<string, number> }) {
  return (
    <Flex gap={2} wrap="wrap" data-testid="status-counts">
      {[...new Set([...DELIVERY_STATUSES, ...Object.keys(counts)])].map((s) => (
        <Flex key={s} gap={1}>
          <StatusBadge status={s} />
          <Typography variant="pi">{counts[s] ?? 0}</Typography>
        </Flex>
      ))}
    </Flex>
  );
}
