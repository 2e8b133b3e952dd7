import { useFetchClient } from '@strapi/strapi/admin';
import * as React from 'react';
import { z } from 'zod';
import {
  deliveriesAnswer,
  deliveryAnswer,
  replayAnswer,
  staleReplayAnswer,
  type DeliveryListQuery,
  type ReplayRequest,
} from '../../../shared/contracts/deliveries';
import { testEmailAnswer, type TestEmailRequest } from '../../../shared/contracts/email-template';
import { errorAnswer } from '../../../shared/contracts/errors';
import {
  jobAnswer,
  jobCreatedAnswer,
  jobListAnswer,
  tagRulesPreviewAnswer,
  type jobRequestSchema,
} from '../../../shared/contracts/jobs';
import { PLUGIN_ID } from '../../../shared/contracts/permissions';
import {
  connectionAnswer,
  revealAnswer,
  rotateAnswer,
  settingsAnswer,
  type SecretKey,
  type SettingsSave,
} from '../../../shared/contracts/settings';

/** An admin API failure: its message, its HTTP status, and per-field messages for a ValidationError (keyed "a.b.0"). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly fieldErrors: Record<string, string>
  ) {
    super(message);
  }
}

/** A replay refused as stale (409): `newer` deliveries of the contact are done since, `latest` is the newest. */
export class StaleReplayError extends ApiError {
  constructor(
    message: string,
    readonly newer: number,
    readonly latest: string
  ) {
    super(message, 409, {});
  }
}

/** The body of `POST /customerly/jobs` (defaults left out). */
export type JobStart = z.input<typeof jobRequestSchema>;

/** A job refused (409) because one of its type is already queued or running: `id` is that job. */
export class JobRunningError extends ApiError {
  constructor(
    message: string,
    readonly id: string
  ) {
    super(message, 409, {});
  }
}

/** The 409 answer of `POST /customerly/jobs` (shared/contracts/jobs.ts, jobCreatedAnswer). */
const jobRunningAnswer = z.object({
  error: z.object({
    message: z.string().optional(),
    details: z.object({ code: z.literal('job_running'), id: z.string() }),
  }),
});

/** The message of any error a call may throw. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function toApiError(e: unknown): ApiError {
  const response = (e as { response?: { status?: number; data?: unknown } } | null)?.response;
  const stale = staleReplayAnswer.safeParse(response?.data);
  if (stale.success) {
    const { message, details } = stale.data.error;
    return new StaleReplayError(message, details.newer, details.latest);
  }
  const running = jobRunningAnswer.safeParse(response?.data);
  if (running.success) {
    const { message, details } = running.data.error;
    return new JobRunningError(message ?? 'A job of this type is already running.', details.id);
  }
  const parsed = errorAnswer.safeParse(response?.data);
  if (parsed.success) {
    const { error } = parsed.data;
    const fieldErrors: Record<string, string> = {};
    for (const fe of error.details?.errors ?? []) fieldErrors[fe.path.join('.')] = fe.message;
    return new ApiError(error.message ?? 'Request failed', error.status ?? response?.status, fieldErrors);
  }
  return new ApiError(e instanceof Error ? e.message : 'Request failed', response?.status, {});
}

function check<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ApiError('The server sent an answer the panel does not understand.', undefined, {});
  return parsed.data;
}

const base = `/${PLUGIN_ID}`;
const one = (documentId: string) => `${base}/deliveries/${encodeURIComponent(documentId)}`;

function queryString(query: DeliveryListQuery): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
  return qs.toString();
}

/**
 * The plugin's admin API, through Strapi's fetch client (admin JWT), with every answer validated by the shared
 * contracts. Components use it through the react-query hooks in ./queries.
 */
export function useCustomerlyApi() {
  const { get, put, post } = useFetchClient();
  return React.useMemo(() => {
    const call = async <T>(schema: z.ZodType<T>, run: () => Promise<{ data: unknown }>): Promise<T> => {
      let res: { data: unknown };
      try {
        res = await run();
      } catch (e) {
        throw toApiError(e);
      }
      return check(schema, res.data);
    };
    return {
      getSettings: async () => (await call(settingsAnswer, () => get(`${base}/settings`))).data,
      saveSettings: async (body: SettingsSave) =>
        (await call(settingsAnswer, () => put(`${base}/settings`, body))).data,
      rotateKey: async () => (await call(rotateAnswer, () => post(`${base}/settings/access-key`, {}))).data,
      reveal: async (field: SecretKey) =>
        (await call(revealAnswer, () => post(`${base}/settings/reveal`, { field }))).data.value,
      testConnection: async (body: { apiToken?: string }) =>
        (await call(connectionAnswer, () => post(`${base}/settings/test-connection`, body))).data,
      sendTestEmail: async (body: TestEmailRequest) =>
        (await call(testEmailAnswer, () => post(`${base}/settings/test-email`, body))).data,
      listDeliveries: (query: DeliveryListQuery) =>
        call(deliveriesAnswer, () => get(`${base}/deliveries?${queryString(query)}`)),
      getDelivery: async (documentId: string) => (await call(deliveryAnswer, () => get(one(documentId)))).data,
      replay: async (documentId: string, body: ReplayRequest = {}) =>
        (await call(replayAnswer, () => post(`${one(documentId)}/replay`, body))).data,
      /** What a job would change, nothing written (only `apply-tag-rules` has a preview). */
      previewTagRules: async () =>
        (await call(tagRulesPreviewAnswer, () => post(`${base}/jobs/preview`, { type: 'apply-tag-rules' }))).data,
      startJob: async (body: JobStart) => (await call(jobCreatedAnswer, () => post(`${base}/jobs`, body))).data,
      getJob: async (id: string) => (await call(jobAnswer, () => get(`${base}/jobs/${encodeURIComponent(id)}`))).data,
      /** The latest jobs first (the server's default limit: 20). */
      listJobs: async (limit?: number) =>
        (await call(jobListAnswer, () => get(`${base}/jobs${limit === undefined ? '' : `?limit=${limit}`}`))).data,
      /** A queued job is cancelled at once, a running one after its batch in hand (`cancelRequested` meanwhile). */
      cancelJob: async (id: string) =>
        (await call(jobAnswer, () => post(`${base}/jobs/${encodeURIComponent(id)}/cancel`, {}))).data,
    };
  }, [get, put, post]);
}

export type CustomerlyApi = ReturnType<typeof useCustomerlyApi>;
