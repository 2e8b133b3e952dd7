import { Box, Button, Flex, Modal, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import type { DeliveryDetail } from '../../../../shared/contracts/deliveries';
import { errorMessage } from '../../api/client';
import { useDeliveryQuery, useReplayDelivery } from '../../api/queries';
import { JsonBlock } from '../../components/Section';
import { useT, type MessageKey } from '../../utils/useT';
import { StatusBadge } from './StatusBadge';

interface Props {
  documentId: string;
  canReplay: boolean;
  onClose: () => void;
}

/** One delivery in detail, with Replay for an admin who may replay. */
export function DeliveryModal({ documentId, canReplay, onClose }: Props) {
  const t = useT();
  const { toggleNotification } = useNotification();
  const query = useDeliveryQuery(documentId);
  const replay = useReplayDelivery(documentId);
  const detail = query.data;

  const run = () =>
    replay.mutate(undefined, {
      onSuccess: (r) =>
        toggleNotification({
          type: r.answer.status < 400 ? 'success' : 'warning',
          message: t('detail.replayed', { status: r.answer.status, outcome: r.delivery ? r.delivery.status : '?' }),
        }),
      onError: (e) =>
        toggleNotification({ type: 'danger', message: t('detail.replayError', { message: errorMessage(e) }) }),
    });

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t('detail.title', { eventId: detail?.eventId ?? '…' })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {query.error && !detail && <Typography textColor="danger600">{query.error.message}</Typography>}
          {!detail && !query.error && <Typography>…</Typography>}
          {detail && <DeliveryDetailBody detail={detail} />}
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('detail.close')}</Button>
          </Modal.Close>
          {canReplay && (
            <Flex gap={2}>
              <Typography variant="pi" textColor="neutral600">
                {t('detail.replayHint')}
              </Typography>
              <Button
                startIcon={<Play />}
                onClick={run}
                loading={replay.isLoading}
                disabled={!detail || replay.isLoading}
              >
                {t('detail.replay')}
              </Button>
            </Flex>
          )}
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
}

const JSON_PARTS: Array<{ label: MessageKey; value: (d: DeliveryDetail) => unknown }> = [
  { label: 'detail.result', value: (d) => d.result },
  { label: 'detail.params', value: (d) => d.params },
  { label: 'detail.payload', value: (d) => d.payload },
];

function DeliveryDetailBody({ detail }: { detail: DeliveryDetail }) {
  const t = useT();
  const when = (iso: string) => new Date(iso).toLocaleString();
  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="delivery-detail">
      <Flex gap={4} wrap="wrap">
        <StatusBadge status={detail.status} />
        <Typography>{detail.action}</Typography>
        <Typography>{detail.email ?? '—'}</Typography>
        <Typography variant="pi" textColor="neutral600">
          {t('detail.receivedAt')}: {when(detail.receivedAt)}
          {detail.processedAt ? ` · ${t('detail.processedAt')}: ${when(detail.processedAt)}` : ''}
        </Typography>
      </Flex>
      <Typography>
        {t('detail.user')}: {detail.user ? `${detail.user.username} (#${detail.user.id})` : t('detail.noUser')}
      </Typography>
      {detail.error && (
        <Box>
          <Typography variant="sigma">{t('detail.error')}</Typography>
          <Typography textColor="danger600" tag="p">
            {detail.error}
          </Typography>
        </Box>
      )}
      <Box>
        <Typography variant="sigma">
          {t('detail.history')} ({detail.attempts ?? 0})
        </Typography>
        <JsonBlock label={t('detail.history')} value={detail.history} />
      </Box>
      {JSON_PARTS.map(({ label, value }) => (
        <Box key={label}>
          <Typography variant="sigma">{t(label)}</Typography>
          <JsonBlock label={t(label)} value={value(detail)} />
        </Box>
      ))}
    </Flex>
  );
}
