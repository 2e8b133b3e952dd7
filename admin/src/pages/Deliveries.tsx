import {
  Badge,
  Box,
  Button,
  Field,
  Flex,
  Grid,
  Modal,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Eye, Play } from '@strapi/icons';
import { Layouts, Page, useNotification, useRBAC } from '@strapi/strapi/admin';
import * as React from 'react';
import { ACTIONS } from '../../../server/src/permissions';
import { ApiError, useCustomerlyApi } from '../api/client';
import { DELIVERY_ACTIONS, DELIVERY_STATUSES, type DeliveriesPage, type DeliveryDetail, type DeliveryRow } from '../api/schemas';
import { JsonBlock } from '../components/Section';
import { useT, type MessageKey } from '../utils/useT';

const ANY = '__any__';
const STATUS_KEYS = Object.fromEntries(DELIVERY_STATUSES.map((s) => [`status.${s}`, true]));
const PAGE_SIZE = 20;

const BADGE: Record<string, 'success' | 'danger' | 'warning' | 'neutral' | 'secondary'> = {
  done: 'success',
  failed: 'danger',
  skipped: 'warning',
  processing: 'secondary',
  queued: 'neutral',
};

interface Filters {
  status: string;
  action: string;
  email: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { status: '', action: '', email: '', from: '', to: '' };

/** Customerly → Deliveries: the delivery log. Reading needs deliveries.read, replay deliveries.replay. */
const DeliveriesPage = () => (
  <Page.Protect permissions={[{ action: ACTIONS.deliveriesRead, subject: null }]}>
    <DeliveriesLog />
  </Page.Protect>
);

export function StatusBadge({ status }: { status: DeliveryRow['status'] }) {
  const t = useT();
  const key = `status.${status}`;
  return (
    <Badge variant={BADGE[status] ?? 'neutral'} data-status={status}>
      {key in STATUS_KEYS ? t(key as MessageKey) : status}
    </Badge>
  );
}

function DeliveriesLog() {
  const t = useT();
  const api = useCustomerlyApi();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC([{ action: ACTIONS.deliveriesReplay, subject: null }]);
  const canReplay: boolean = !!allowedActions.canReplay;

  const [draft, setDraft] = React.useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = React.useState<Filters>(NO_FILTERS);
  const [page, setPage] = React.useState(1);
  const [result, setResult] = React.useState<DeliveriesPage | null>(null);
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [loadError, setLoadError] = React.useState<string | null>(null);
  const [openId, setOpenId] = React.useState<string | null>(null);

  const load = React.useCallback(async () => {
    try {
      const r = await api.listDeliveries({ page, pageSize: PAGE_SIZE, ...filters });
      setResult(r);
      setErrors({});
      setLoadError(null);
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fieldErrors).length) setErrors(e.fieldErrors);
      else setLoadError((e as Error).message);
    }
  }, [api, page, filters]);

  React.useEffect(() => {
    void load();
  }, [load]);

  if (loadError) return <Page.Error>{t('deliveries.loadError', { message: loadError })}</Page.Error>;
  if (!result) return <Page.Loading />;

  const { pagination, counts } = result.meta;
  const textField = (name: keyof Filters, label: MessageKey, type = 'text') => (
    <Field.Root name={name} error={errors[name]}>
      <Field.Label>{t(label)}</Field.Label>
      <TextInput type={type} value={draft[name]} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setDraft((d) => ({ ...d, [name]: e.target.value }))} />
      <Field.Error />
    </Field.Root>
  );
  const selectField = (name: 'status' | 'action', label: MessageKey, options: readonly string[], labelOf: (v: string) => string) => (
    <Field.Root name={name} error={errors[name]}>
      <Field.Label>{t(label)}</Field.Label>
      <SingleSelect value={draft[name] || ANY} onChange={(v) => setDraft((d) => ({ ...d, [name]: String(v) === ANY ? '' : String(v) }))}>
        <SingleSelectOption value={ANY}>{t('deliveries.filters.any')}</SingleSelectOption>
        {options.map((o) => (
          <SingleSelectOption key={o} value={o}>
            {labelOf(o)}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      <Field.Error />
    </Field.Root>
  );

  return (
    <Page.Main>
      <Page.Title>{t('deliveries.title')}</Page.Title>
      <Layouts.Header
        title={t('deliveries.title')}
        subtitle={t('deliveries.subtitle')}
        primaryAction={
          <Button variant="secondary" startIcon={<ArrowClockwise />} onClick={() => void load()}>
            {t('deliveries.refresh')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Flex gap={2} wrap="wrap" data-testid="status-counts">
            {[...new Set([...DELIVERY_STATUSES, ...Object.keys(counts)])].map((s) => (
              <Flex key={s} gap={1}>
                <StatusBadge status={s} />
                <Typography variant="pi">{counts[s] ?? 0}</Typography>
              </Flex>
            ))}
          </Flex>
          <Box background="neutral0" hasRadius shadow="filterShadow" padding={4}>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                setPage(1);
                setFilters(draft);
              }}
            >
              <Grid.Root gap={3}>
                <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
                  {selectField('status', 'deliveries.filters.status', DELIVERY_STATUSES, (s) => t(`status.${s}` as MessageKey))}
                </Grid.Item>
                <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
                  {selectField('action', 'deliveries.filters.action', DELIVERY_ACTIONS, (a) => a)}
                </Grid.Item>
                <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
                  {textField('email', 'deliveries.filters.email')}
                </Grid.Item>
                <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
                  {textField('from', 'deliveries.filters.from', 'date')}
                </Grid.Item>
                <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
                  {textField('to', 'deliveries.filters.to', 'date')}
                </Grid.Item>
                <Grid.Item col={1} s={12} direction="column" alignItems="stretch" gap={1} paddingTop={6}>
                  <Button type="submit" size="S">
                    {t('deliveries.filters.apply')}
                  </Button>
                </Grid.Item>
              </Grid.Root>
              <Box paddingTop={2}>
                <Button
                  variant="ghost"
                  size="S"
                  type="button"
                  onClick={() => {
                    setDraft(NO_FILTERS);
                    setFilters(NO_FILTERS);
                    setPage(1);
                  }}
                >
                  {t('deliveries.filters.reset')}
                </Button>
              </Box>
            </form>
          </Box>

          {result.data.length === 0 ? (
            <Box background="neutral0" hasRadius padding={8}>
              <Typography textColor="neutral600">{t('deliveries.empty')}</Typography>
            </Box>
          ) : (
            <Table colCount={7} rowCount={result.data.length + 1}>
              <Thead>
                <Tr>
                  <Th><Typography variant="sigma">{t('deliveries.col.received')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('deliveries.col.action')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('deliveries.col.email')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('deliveries.col.status')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('deliveries.col.attempts')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('deliveries.col.error')}</Typography></Th>
                  <Th><Typography variant="sigma">{t('deliveries.open')}</Typography></Th>
                </Tr>
              </Thead>
              <Tbody>
                {result.data.map((d) => (
                  <Tr key={d.documentId} data-testid="delivery-row" data-email={d.email ?? ''}>
                    <Td><Typography>{new Date(d.receivedAt).toLocaleString()}</Typography></Td>
                    <Td><Typography>{d.action}</Typography></Td>
                    <Td><Typography>{d.email ?? '—'}</Typography></Td>
                    <Td><StatusBadge status={d.status} /></Td>
                    <Td><Typography>{d.attempts ?? 0}</Typography></Td>
                    <Td><Typography ellipsis title={d.error ?? ''} style={{ maxWidth: 260, display: 'block' }}>{d.error ?? ''}</Typography></Td>
                    <Td>
                      <Button variant="tertiary" size="S" startIcon={<Eye />} onClick={() => setOpenId(d.documentId)}>
                        {t('deliveries.open')}
                      </Button>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
          <Flex justifyContent="space-between">
            <Typography variant="pi" textColor="neutral600">
              {t('deliveries.page', { page: pagination.page, pageCount: Math.max(pagination.pageCount, 1), total: pagination.total })}
            </Typography>
            <Flex gap={2}>
              <Button variant="tertiary" size="S" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
                {t('deliveries.prev')}
              </Button>
              <Button variant="tertiary" size="S" disabled={page >= pagination.pageCount} onClick={() => setPage((p) => p + 1)}>
                {t('deliveries.next')}
              </Button>
            </Flex>
          </Flex>
        </Flex>
        {openId && (
          <DeliveryModal
            documentId={openId}
            canReplay={canReplay}
            onClose={() => setOpenId(null)}
            onReplayed={() => void load()}
            notify={toggleNotification}
          />
        )}
      </Layouts.Content>
    </Page.Main>
  );
}

function DeliveryModal(props: {
  documentId: string;
  canReplay: boolean;
  onClose: () => void;
  onReplayed: () => void;
  notify: (n: { type: string; message: string }) => void;
}) {
  const t = useT();
  const api = useCustomerlyApi();
  const [detail, setDetail] = React.useState<DeliveryDetail | null>(null);
  const [replaying, setReplaying] = React.useState(false);
  const [failed, setFailed] = React.useState<string | null>(null);

  React.useEffect(() => {
    api.getDelivery(props.documentId).then(setDetail, (e: Error) => setFailed(e.message));
  }, [api, props.documentId]);

  const replay = async () => {
    setReplaying(true);
    try {
      const r = await api.replay(props.documentId);
      if (r.delivery) setDetail(r.delivery);
      props.notify({
        type: r.answer.status < 400 ? 'success' : 'warning',
        message: t('detail.replayed', { status: r.answer.status, outcome: r.delivery ? r.delivery.status : '?' }),
      });
      props.onReplayed();
    } catch (e) {
      props.notify({ type: 'danger', message: t('detail.replayError', { message: (e as Error).message }) });
    } finally {
      setReplaying(false);
    }
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && props.onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('detail.title', { eventId: detail?.eventId ?? '…' })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {failed && <Typography textColor="danger600">{failed}</Typography>}
          {!detail && !failed && <Typography>…</Typography>}
          {detail && (
            <Flex direction="column" alignItems="stretch" gap={4} data-testid="delivery-detail">
              <Flex gap={4} wrap="wrap">
                <StatusBadge status={detail.status} />
                <Typography>{detail.action}</Typography>
                <Typography>{detail.email ?? '—'}</Typography>
                <Typography variant="pi" textColor="neutral600">
                  {t('detail.receivedAt')}: {new Date(detail.receivedAt).toLocaleString()}
                  {detail.processedAt ? ` · ${t('detail.processedAt')}: ${new Date(detail.processedAt).toLocaleString()}` : ''}
                </Typography>
              </Flex>
              <Typography>
                {t('detail.user')}: {detail.user ? `${detail.user.username} (#${detail.user.id})` : t('detail.noUser')}
              </Typography>
              {detail.error && (
                <Box>
                  <Typography variant="sigma">{t('detail.error')}</Typography>
                  <Typography textColor="danger600" tag="p">{detail.error}</Typography>
                </Box>
              )}
              <Box>
                <Typography variant="sigma">{t('detail.history')} ({detail.attempts ?? 0})</Typography>
                <JsonBlock label={t('detail.history')} value={detail.history} />
              </Box>
              <Box>
                <Typography variant="sigma">{t('detail.result')}</Typography>
                <JsonBlock label={t('detail.result')} value={detail.result} />
              </Box>
              <Box>
                <Typography variant="sigma">{t('detail.params')}</Typography>
                <JsonBlock label={t('detail.params')} value={detail.params} />
              </Box>
              <Box>
                <Typography variant="sigma">{t('detail.payload')}</Typography>
                <JsonBlock label={t('detail.payload')} value={detail.payload} />
              </Box>
            </Flex>
          )}
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('detail.close')}</Button>
          </Modal.Close>
          {props.canReplay && (
            <Flex gap={2}>
              <Typography variant="pi" textColor="neutral600">{t('detail.replayHint')}</Typography>
              <Button startIcon={<Play />} onClick={replay} loading={replaying} disabled={!detail || replaying}>
                {t('detail.replay')}
              </Button>
            </Flex>
          )}
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
}

export default DeliveriesPage;
