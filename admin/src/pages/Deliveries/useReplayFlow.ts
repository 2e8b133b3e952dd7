import { useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { StaleReplayError, errorMessage } from '../../api/client';
import { useReplayDelivery } from '../../api/queries';
import { useT } from '../../utils/useT';

/** A replay refused as stale: which delivery, how many newer ones are done, and the latest of them. */
export interface StaleState {
  documentId: string;
  newer: number;
  latest: string;
}

/**
 * Replay, with the stale check: a replay refused because newer deliveries of the contact are done opens a question
 * (`stale`): cancel, replay anyway (`force`), or replay the latest delivery of the contact instead, which then opens.
 */
export function useReplayFlow(onOpen: (documentId: string) => void) {
  const t = useT();
  const { toggleNotification } = useNotification();
  const mutation = useReplayDelivery();
  const [stale, setStale] = React.useState<StaleState | null>(null);

  const run = (documentId: string, force = false, open = false) =>
    mutation.mutate(
      { documentId, force },
      {
        onSuccess: (r) => {
          setStale(null);
          toggleNotification({
            type: r.answer.status < 400 ? 'success' : 'warning',
            message: t('detail.replayed', { status: r.answer.status, outcome: r.delivery ? r.delivery.status : '?' }),
          });
          if (open) onOpen(documentId);
        },
        onError: (e) => {
          if (e instanceof StaleReplayError) {
            setStale({ documentId, newer: e.newer, latest: e.latest });
            return;
          }
          setStale(null);
          toggleNotification({ type: 'danger', message: t('detail.replayError', { message: errorMessage(e) }) });
        },
      }
    );

  return {
    isLoading: mutation.isLoading,
    stale,
    run: (documentId: string) => run(documentId),
    cancel: () => setStale(null),
    force: () => stale && run(stale.documentId, true),
    replayLatest: () => stale && run(stale.latest, false, true),
  };
}
