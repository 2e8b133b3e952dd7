import { Button, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Eye } from '@strapi/icons';
import type { DeliveryRow } from '../../../../shared/contracts/deliveries';
import { useT, type MessageKey } from '../../utils/useT';
import { StatusBadge } from './StatusBadge';
import { useFormatWhen } from './useFormatWhen';

const COLUMNS: MessageKey[] = [
  'deliveries.col.received',
  'deliveries.col.direction',
  'deliveries.col.action',
  'deliveries.col.email',
  'deliveries.col.status',
  'deliveries.col.attempts',
  'deliveries.col.error',
  'deliveries.open',
];

interface Props {
  rows: DeliveryRow[];
  onOpen: (documentId: string) => void;
}

/** One page of the log (not empty: see DeliveriesEmpty), newest first; "Details" opens a delivery. */
export function DeliveriesTable({ rows, onOpen }: Props) {
  const t = useT();
  const when = useFormatWhen();
  return (
    <Table colCount={COLUMNS.length} rowCount={rows.length + 1}>
      <Thead>
        <Tr>
          {COLUMNS.map((key) => (
            <Th key={key}>
              <Typography variant="sigma">{t(key)}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((d) => (
          <Tr
            key={d.documentId}
            data-testid="delivery-row"
            data-email={d.email ?? ''}
            data-action={d.action}
            data-direction={d.direction}
          >
            <Td>
              <Typography>{when(d.receivedAt)}</Typography>
            </Td>
            <Td>
              <Typography>{t(`deliveries.direction.${d.direction}` as MessageKey)}</Typography>
            </Td>
            <Td>
              <Typography>{d.action}</Typography>
            </Td>
            <Td>
              <Typography>{d.email ?? '—'}</Typography>
            </Td>
            <Td>
              <StatusBadge status={d.status} warnings={d.warnings.length} />
            </Td>
            <Td data-testid="delivery-attempts">
              <Typography>{d.attempts ?? 0}</Typography>
            </Td>
            <Td>
              <Typography ellipsis title={d.error ?? ''} style={{ maxWidth: 260, display: 'block' }}>
                {d.error ?? ''}
              </Typography>
            </Td>
            <Td>
              <Button variant="tertiary" size="S" startIcon={<Eye />} onClick={() => onOpen(d.documentId)}>
                {t('deliveries.open')}
              </Button>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
