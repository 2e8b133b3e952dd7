import { useMutation, useQuery, useQueryClient } from 'react-query';
import type {
  DeliveriesPage,
  DeliveryDetail,
  DeliveryListQuery,
  ReplayResult,
} from '../../../shared/contracts/deliveries';
import type { TestEmailRequest, TestEmailResult } from '../../../shared/contracts/email-template';
import type { Job, JobStatus, TagRulesPreview } from '../../../shared/contracts/jobs';
import { PLUGIN_ID } from '../../../shared/contracts/permissions';
import type { AdminSettings, ConnectionResult, SecretKey, SettingsSave } from '../../../shared/contracts/settings';
import { ApiError, useCustomerlyApi, type JobStart } from './client';

/**
 * Server state, through the react-query client Strapi's admin provides (as users-permissions' pages do).
 * Each answer lands under its own key, so a slow answer for old filters never overwrites a newer one. Writes put
 * their answer in the cache and invalidate the keys they change with `cancelRefetch`: a read that started before
 * the write is dropped rather than landing after it.
 */
export const queryKeys = {
  settings: [PLUGIN_ID, 'settings'] as const,
  deliveries: [PLUGIN_ID, 'deliveries'] as const,
  deliveryList: (query: DeliveryListQuery) => [PLUGIN_ID, 'deliveries', 'list', query] as const,
  delivery: (documentId: string) => [PLUGIN_ID, 'deliveries', 'detail', documentId] as const,
  jobs: [PLUGIN_ID, 'jobs'] as const,
  job: (id: string) => [PLUGIN_ID, 'jobs', 'detail', id] as const,
  jobList: [PLUGIN_ID, 'jobs', 'list'] as const,
  tagRulesPreview: [PLUGIN_ID, 'jobs', 'preview', 'apply-tag-rules'] as const,
};

/** A refused request (4xx) is not retried: the same request would be refused again. */
const retry = (failures: number, error: unknown) =>
  failures < 2 && !(error instanceof ApiError && error.status !== undefined && error.status < 500);

export function useSettingsQuery() {
  const api = useCustomerlyApi();
  return useQuery<AdminSettings, ApiError>(queryKeys.settings, api.getSettings, { retry });
}

/** Writes the answer of a settings write into the cache, then lets react-query check it with the server. */
function useSettingsWritten() {
  const queryClient = useQueryClient();
  return (settings: AdminSettings) => {
    queryClient.setQueryData(queryKeys.settings, settings);
    void queryClient.invalidateQueries({ queryKey: queryKeys.settings }, { cancelRefetch: true });
  };
}

export function useSaveSettings() {
  const api = useCustomerlyApi();
  const written = useSettingsWritten();
  return useMutation<AdminSettings, ApiError, SettingsSave>((body) => api.saveSettings(body), { onSuccess: written });
}

export function useRotateKey() {
  const api = useCustomerlyApi();
  const written = useSettingsWritten();
  return useMutation<{ webhookKey: string; settings: AdminSettings }, ApiError, void>(() => api.rotateKey(), {
    onSuccess: (r) => written(r.settings),
  });
}

/** Reveals a secret to an admin who may update the settings. Never cached: the value stays in the component. */
export function useRevealSecret() {
  const api = useCustomerlyApi();
  return useMutation<string, ApiError, SecretKey>((field) => api.reveal(field));
}

export function useTestConnection() {
  const api = useCustomerlyApi();
  return useMutation<ConnectionResult, ApiError, { apiToken?: string }>((body) => api.testConnection(body));
}

/** Sends the welcome email, rendered from the form's values, to the signed-in admin. */
export function useSendTestEmail() {
  const api = useCustomerlyApi();
  return useMutation<TestEmailResult, ApiError, TestEmailRequest>((body) => api.sendTestEmail(body));
}

export function useDeliveriesQuery(query: DeliveryListQuery) {
  const api = useCustomerlyApi();
  // keepPreviousData: the table stays on screen while the next page or filter loads.
  return useQuery<DeliveriesPage, ApiError>(queryKeys.deliveryList(query), () => api.listDeliveries(query), {
    keepPreviousData: true,
    retry,
  });
}

export function useDeliveryQuery(documentId: string) {
  const api = useCustomerlyApi();
  return useQuery<DeliveryDetail, ApiError>(queryKeys.delivery(documentId), () => api.getDelivery(documentId), {
    retry,
  });
}

/** Which delivery to replay; `force` replays it even when newer deliveries of its contact are done. */
export interface ReplayVariables {
  documentId: string;
  force?: boolean;
}

/**
 * Replays a delivery (without `force`, a stale one fails with a StaleReplayError); its detail shows the answer at
 * once and every list and count is fetched again.
 */
export function useReplayDelivery() {
  const api = useCustomerlyApi();
  const queryClient = useQueryClient();
  return useMutation<ReplayResult, ApiError, ReplayVariables>(
    ({ documentId, force }) => api.replay(documentId, force ? { force } : {}),
    {
      onSuccess: (r, { documentId }) => {
        if (r.delivery) queryClient.setQueryData(queryKeys.delivery(documentId), r.delivery);
        void queryClient.invalidateQueries({ queryKey: queryKeys.deliveries }, { cancelRefetch: true });
      },
    }
  );
}

/** A job that has not finished yet: it is polled. */
export const isJobActive = (status: JobStatus) => status === 'queued' || status === 'running';

/** How often a job is asked for while it is queued or running. */
const JOB_POLL_MS = 1000;

/**
 * What applying the tag rules to existing users would change, asked afresh each time `enabled` turns on (nothing
 * cached: the users change between two looks).
 */
export function useTagRulesPreview(enabled: boolean) {
  const api = useCustomerlyApi();
  return useQuery<TagRulesPreview, ApiError>(queryKeys.tagRulesPreview, api.previewTagRules, {
    enabled,
    cacheTime: 0,
    staleTime: 0,
    refetchOnWindowFocus: false,
    retry,
  });
}

/** Starts a job (a JobRunningError when one of its type is already queued or running). */
export function useStartJob() {
  const api = useCustomerlyApi();
  const queryClient = useQueryClient();
  return useMutation<{ id: string; status: JobStatus }, ApiError, JobStart>((body) => api.startJob(body), {
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.jobs }, { cancelRefetch: true }),
  });
}

/** One job, asked for every second while it is queued or running; `id` null: nothing asked. */
export function useJobQuery(id: string | null) {
  const api = useCustomerlyApi();
  return useQuery<Job, ApiError>(queryKeys.job(id ?? ''), () => api.getJob(id ?? ''), {
    enabled: id !== null,
    // Stops once the job has finished, or when asking failed (the dialog offers to try again).
    refetchInterval: (job, query) =>
      (job && !isJobActive(job.status)) || query.state.status === 'error' ? false : JOB_POLL_MS,
    refetchIntervalInBackground: true,
    refetchOnWindowFocus: false,
    retry,
  });
}

/**
 * The latest jobs, first the newest; asked for again every second while any of them is queued or running, and no
 * more once all are finished (or when asking failed: the page offers to try again).
 */
export function useJobsQuery() {
  const api = useCustomerlyApi();
  return useQuery<Job[], ApiError>(queryKeys.jobList, () => api.listJobs(), {
    refetchInterval: (jobs, query) =>
      query.state.status !== 'error' && (jobs ?? []).some((j) => isJobActive(j.status)) ? JOB_POLL_MS : false,
    refetchIntervalInBackground: true,
    retry,
  });
}

/** Cancels a job; its answer lands in the cache and the list is asked for again (it polls while the job stops). */
export function useCancelJob() {
  const api = useCustomerlyApi();
  const queryClient = useQueryClient();
  return useMutation<Job, ApiError, string>((id) => api.cancelJob(id), {
    onSuccess: (job) => {
      queryClient.setQueryData(queryKeys.job(job.id), job);
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs }, { cancelRefetch: true });
    },
  });
}
