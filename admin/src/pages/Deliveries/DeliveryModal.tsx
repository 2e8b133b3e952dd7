import { Box, Button, Flex, Modal, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import type { DeliveryDetail } from '../../../../shared/contracts/deliveries';
import { useDeliveryQuery } from '../../api/queries';
import { useT } from '../../utils/useT';
import { DeliveryAttempts } from './DeliveryAttempts';
import { DeliveryRawData } from './DeliveryRawData';
import { DeliverySummary } from './DeliverySummary';
import { DeliveryWarnings } from './DeliveryWarnings';
import { StaleReplayDialog } from './StaleReplayDialog';
import { useReplayFlow } from './useReplayFlow';

interface Props {
  documentId: string;
  canReplay: boolean;
  onClose: () => void;
  /** Shows another delivery in the modal (the latest of the contact, after replaying it instead of a stale one). */
  onOpen: (documentId: string) => void;
}

/** One delivery in detail, with Replay for an admin who may replay. */
export function DeliveryModal({ documentId, canReplay, onClose, onOpen }: Props) {
  const t = useT();
  const query = useDeliveryQuery(documentId);
  const replay = useReplayFlow(onOpen);
  const detail = query.data;

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
                onClick={() => replay.run(documentId)}
                loading={replay.isLoading}
                disabled={!detail || replay.isLoading}
              >
                {t('detail.replay')}
              </Button>
            </Flex>
          )}
        </Modal.Footer>
      </Modal.Content>
      {replay.stale && (
        <StaleReplayDialog
          newer={replay.stale.newer}
          busy={replay.isLoading}
          onCancel={replay.cancel}
          onForce={replay.force}
          onLatest={replay.replayLatest}
        />
      )}
    </Modal.Root>
  );
}

/** Warnings first, then what happened in words, the error, the attempts, and the raw data collapsed. */
function DeliveryDetailBody({ detail }: { detail: DeliveryDetail }) {
  const t = useT();
  return (
    <Flex direction="column" alignItems="stretch" gap={5} data-testid="delivery-detail">
      <DeliveryWarnings warnings={detail.warnings} />
      <DeliverySummary detail={detail} />
      {detail.error && (
        <Box>
          <Typography variant="sigma">{t('detail.error')}</Typography>
          <Typography textColor="danger600" tag="p">
            {detail.error}
          </Typography>
        </Box>
      )}
      <DeliveryAttempts attempts={detail.history} count={detail.attempts ?? 0} />
      <DeliveryRawData detail={detail} />
    </Flex>
  );
}
