import { useNotification } from '@strapi/strapi/admin';
import type { z } from 'zod';
import type { jobRequestSchema } from '../../../../shared/contracts/jobs';
import { useQueryClient } from 'react-query';
import { JobRunningError, errorMessage } from '../../api/client';
import { queryKeys, useStartJob } from '../../api/queries';
import { useT } from '../../utils/useT';

/** What the import form holds: the import request without its type. */
export type ImportDraft = Omit<Extract<z.output<typeof jobRequestSchema>, { type: 'import' }>, 'type'>;

/**
 * Starts an import and says how it went in a notification: started (the list shows it), or the server's sentence
 * when it refused (e.g. an import already running, or one this version cannot run yet). Refused because an import
 * is already queued or running: the list is asked for again, so that it shows that import (and follows it).
 */
export function useStartImport() {
  const t = useT();
  const { toggleNotification } = useNotification();
  const mutation = useStartJob();
  const queryClient = useQueryClient();
  return {
    isLoading: mutation.isLoading,
    run: (draft: ImportDraft) =>
      mutation.mutate(
        { type: 'import', ...draft },
        {
          onSuccess: () =>
            toggleNotification({
              type: 'success',
              message: draft.dryRun ? t('jobs.import.startedDryRun') : t('jobs.import.started'),
            }),
          onError: (e) => {
            toggleNotification({ type: 'danger', message: t('jobs.import.error', { message: errorMessage(e) }) });
            if (e instanceof JobRunningError) void queryClient.invalidateQueries({ queryKey: queryKeys.jobList });
          },
        }
      ),
  };
}
