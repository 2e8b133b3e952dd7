import { useNotification } from '@strapi/strapi/admin';
import { errorMessage } from '../../api/client';
import { useCancelJob } from '../../api/queries';
import { useT } from '../../utils/useT';

/**
 * Cancels a job and says how it went: cancelled at once (it was queued), asked to stop (it is running: it stops after
 * its batch in hand), or refused (e.g. it finished meanwhile). `settled` runs in every case (closes the question).
 */
export function useCancelJobFlow(settled: () => void) {
  const t = useT();
  const { toggleNotification } = useNotification();
  const mutation = useCancelJob();
  return {
    isLoading: mutation.isLoading,
    run: (id: string) =>
      mutation.mutate(id, {
        onSuccess: (job) =>
          toggleNotification({
            type: 'success',
            message: job.status === 'cancelled' ? t('jobs.cancel.done') : t('jobs.cancel.requested'),
          }),
        onError: (e) =>
          toggleNotification({ type: 'danger', message: t('jobs.cancel.error', { message: errorMessage(e) }) }),
        onSettled: settled,
      }),
  };
}
