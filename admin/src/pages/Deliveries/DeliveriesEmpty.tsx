import { Button, EmptyStateLayout, Flex, LinkButton, Typography } from '@strapi/design-system';
import { ArrowClockwise, Cog } from '@strapi/icons';
import { EmptyDocuments } from '@strapi/icons/symbols';
import { Link } from 'react-router-dom';
import { PLUGIN_ID } from '../../../../shared/contracts/permissions';
import { useT } from '../../utils/useT';

interface Props {
  /** Whether filters are in force: then nothing matches them, else the log is empty. */
  filtered: boolean;
  onReset: () => void;
}

/** The log without a row, as Strapi draws an empty list: why, and what to do. */
export function DeliveriesEmpty({ filtered, onReset }: Props) {
  const t = useT();
  if (filtered) {
    return (
      <EmptyStateLayout
        hasRadius
        shadow="tableShadow"
        icon={<EmptyDocuments width="16rem" />}
        content={t('deliveries.empty.filtered')}
        action={
          <Button variant="secondary" startIcon={<ArrowClockwise />} onClick={onReset}>
            {t('deliveries.empty.reset')}
          </Button>
        }
      />
    );
  }
  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="deliveries-empty">
      <EmptyStateLayout
        hasRadius
        shadow="tableShadow"
        icon={<EmptyDocuments width="16rem" />}
        content={t('deliveries.empty.none')}
        action={
          <LinkButton tag={Link} to={`/settings/${PLUGIN_ID}`} variant="secondary" startIcon={<Cog />}>
            {t('deliveries.empty.openSettings')}
          </LinkButton>
        }
      />
      <Typography variant="pi" textColor="neutral600" textAlign="center">
        {t('deliveries.empty.howto')}
      </Typography>
    </Flex>
  );
}
