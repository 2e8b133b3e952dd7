import { Accordion, Box, Flex, Typography } from '@strapi/design-system';
import type { DeliveryDetail } from '../../../../shared/contracts/deliveries';
import { JsonBlock } from '../../components/Section';
import { useT, type MessageKey } from '../../utils/useT';

const PARTS: Array<{ label: MessageKey; value: (d: DeliveryDetail) => unknown }> = [
  { label: 'detail.result', value: (d) => d.result },
  { label: 'detail.params', value: (d) => d.params },
  { label: 'detail.payload', value: (d) => d.payload },
  { label: 'detail.history', value: (d) => d.history },
];

/** The delivery as stored (secrets redacted), collapsed under the summary. */
export function DeliveryRawData({ detail }: { detail: DeliveryDetail }) {
  const t = useT();
  return (
    <Accordion.Root data-testid="delivery-raw">
      <Accordion.Item value="raw">
        <Accordion.Header>
          <Accordion.Trigger description={t('detail.rawHint')}>{t('detail.raw')}</Accordion.Trigger>
        </Accordion.Header>
        <Accordion.Content>
          <Flex direction="column" alignItems="stretch" gap={3} padding={4}>
            {PARTS.map(({ label, value }) => (
              <Box key={label}>
                <Typography variant="sigma">{t(label)}</Typography>
                <JsonBlock label={t(label)} value={value(detail)} />
              </Box>
            ))}
          </Flex>
        </Accordion.Content>
      </Accordion.Item>
    </Accordion.Root>
  );
}
