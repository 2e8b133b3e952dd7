import { Button, Flex, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import * as React from 'react';
import { ACTIONS } from '../../../../shared/contracts/permissions';
import { useDeliveriesQuery } from '../../api/queries';
import { useT } from '../../utils/useT';
import { DeliveriesEmpty } from './DeliveriesEmpty';
import { DeliveriesTable } from './DeliveriesTable';
import { DeliveryFiltersForm } from './DeliveryFiltersForm';
import { DeliveryModal } from './DeliveryModal';
import { Pagination } from './Pagination';
import { StatusCounts } from './StatusBadge';
import { useDeliveryFilters } from './useDeliveryFilters';

/** Customerly → Deliveries: the delivery log. Reading needs deliveries.read, replay deliveries.replay. */
const DeliveriesPage = () => (
  <Page.Protect permissions={[{ action: ACTIONS.deliveriesRead, subject: null }]}>
    <DeliveriesLog />
  </Page.Protect>
);

function DeliveriesLog() {
  const t = useT();
  const { allowedActions } = useRBAC([{ action: ACTIONS.deliveriesReplay, subject: null }]);
  const { filters, filtered, query, apply, reset, setPage } = useDeliveryFilters();
  const list = useDeliveriesQuery(query);
  const [openId, setOpenId] = React.useState<string | null>(null);

  // Refused filters (400 with field errors) are shown on the form; any other failure replaces the page.
  const fieldErrors = list.error?.fieldErrors ?? {};
  const refused = Object.keys(fieldErrors).length > 0;
  const retry = () => void list.refetch();

  if (list.error && !refused && !list.data) {
    return (
      <Page.Error
        content={t('deliveries.loadError', { message: list.error?.message ?? '' })}
        action={<Button onClick={retry}>{t('page.retry')}</Button>}
      />
    );
  }
  if (list.isLoading) return <Page.Loading />;

  return (
    <Page.Main aria-busy={list.isFetching}>
      <Page.Title>{t('deliveries.title')}</Page.Title>
      <Layouts.Header
        title={t('deliveries.title')}
        subtitle={t('deliveries.subtitle')}
        primaryAction={
          <Button variant="secondary" startIcon={<ArrowClockwise />} onClick={retry}>
            {t('deliveries.refresh')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {list.data && <StatusCounts counts={list.data.meta.counts} />}
          <DeliveryFiltersForm
            key={JSON.stringify(filters)}
            initial={filters}
            errors={fieldErrors}
            onApply={apply}
            onReset={reset}
          />
          {list.data ? (
            list.data.data.length === 0 ? (
              <DeliveriesEmpty filtered={filtered || list.data.meta.pagination.total > 0} onReset={reset} />
            ) : (
              <>
                <DeliveriesTable rows={list.data.data} onOpen={setOpenId} />
                <Pagination pagination={list.data.meta.pagination} onPage={setPage} />
              </>
            )
          ) : (
            <Typography textColor="danger600">
              {t('deliveries.loadError', { message: list.error?.message ?? '' })}
            </Typography>
          )}
        </Flex>
        {openId && (
          <DeliveryModal
            documentId={openId}
            canReplay={!!allowedActions.canReplay}
            onClose={() => setOpenId(null)}
            onOpen={setOpenId}
          />
        )}
      </Layouts.Content>
    </Page.Main>
  );
}

export default DeliveriesPage;
