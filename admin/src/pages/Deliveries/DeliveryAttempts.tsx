import { Box, Flex, Typography } from '@strapi/design-system';
import type { DeliveryAttempt } from '../../../../shared/contracts/deliveries';
import { useT } from '../../utils/useT';
import { StatusBadge } from './StatusBadge';
import { useFormatWhen } from './useFormatWhen';

/** Every attempt of a delivery: when, how it ended, and its error. */
export function DeliveryAttempts({ attempts, count }: { attempts: DeliveryAttempt[]; count: number }) {
  const t = useT();
  const when = useFormatWhen();
  return (
    <Box>
      <Typography variant="sigma" tag="h3">
        {t('detail.history')} ({count})
      </Typography>
      <Flex direction="column" alignItems="stretch" gap={1} paddingTop={2} tag="ol" data-testid="delivery-attempts">
        {attempts.map((a, i) => (
          <Flex key={i} gap={3} tag="li" wrap="wrap">
            <Typography textColor="neutral600">{t('detail.attempt', { n: a.attempt ?? i + 1 })}</Typography>
            {a.at && <Typography>{when(a.at)}</Typography>}
            {a.status && <StatusBadge status={a.status} />}
            {a.error && <Typography textColor="danger600">{a.error}</Typography>}
          </Flex>
        ))}
      </Flex>
    </Box>
  );
}
