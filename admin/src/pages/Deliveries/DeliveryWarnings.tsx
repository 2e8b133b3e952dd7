import { Box, Flex, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useT } from '../../utils/useT';

/** What went wrong without stopping the delivery, at the top of its detail. */
export function DeliveryWarnings({ warnings }: { warnings: string[] }) {
  const t = useT();
  if (warnings.length === 0) return null;
  return (
    <Box
      background="warning100"
      borderColor="warning200"
      borderStyle="solid"
      borderWidth="1px"
      hasRadius
      padding={4}
      data-testid="delivery-warnings"
      role="status"
    >
      <Flex gap={2} alignItems="flex-start">
        <WarningCircle fill="warning600" aria-hidden />
        <Flex direction="column" alignItems="stretch" gap={1}>
          <Typography fontWeight="bold">{t('detail.warnings')}</Typography>
          <Box tag="ul" paddingLeft={4} style={{ listStyle: 'disc' }}>
            {warnings.map((w, i) => (
              <li key={i}>
                <Typography>{w}</Typography>
              </li>
            ))}
          </Box>
        </Flex>
      </Flex>
    </Box>
  );
}
