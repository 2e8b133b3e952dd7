import { Button, Flex, Typography } from '@strapi/design-system';
import type { DeliveriesPage } from '../../../../shared/contracts/deliveries';
import { useT } from '../../utils/useT';

interface Props {
  pagination: DeliveriesPage['meta']['pagination'];
  onPage: (page: number) => void;
}

/** "Page 2 of 5 (93 deliveries)", Previous, Next. */
export function Pagination({ pagination, onPage }: Props) {
  const t = useT();
  const { page, pageCount, total } = pagination;
  return (
    <Flex justifyContent="space-between">
      <Typography variant="pi" textColor="neutral600">
        {t('deliveries.page', { page, pageCount: Math.max(pageCount, 1), total })}
      </Typography>
      <Flex gap={2}>
        <Button variant="tertiary" size="S" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          {t('deliveries.prev')}
        </Button>
        <Button variant="tertiary" size="S" disabled={page >= pageCount} onClick={() => onPage(page + 1)}>
          {t('deliveries.next')}
        </Button>
      </Flex>
    </Flex>
  );
}
