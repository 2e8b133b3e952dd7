import { useFetchClient } from '@strapi/strapi/admin';
import * as React from 'react';
import type { z } from 'zod';
import { PLUGIN_ID } from '../../../server/src/permissions';
import {
  connectionAnswer,
  deliveriesAnswer,
  deliveryAnswer,
  errorAnswer,
  replayAnswer,
  revealAnswer,
  rotateAnswer,
  settingsAnswer,
  type EditableSettings,
} from './schemas';

/** An admin API failure: its message, and per-field messages for a ValidationError (keyed "a.b.0"). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly fieldErrors: Record<string, string>
  ) {
    super(message);
  }
}

function toApiError(e: unknown): ApiError {
  const response = (e as { response?: { status?: number; data?: unknown } })?.response;
  const parsed = errorAnswer.safeParse(response?.data);
  if (parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const fe of parsed.data.error.details?.errors ?? []) fieldErrors[fe.path.join('.')] = fe.message;
    return new ApiError(parsed.data.error.message ?? 'Request failed', parsed.data.error.status ?? response?.status, fieldErrors);
  }
  return new ApiError((e as Error)?.message ?? 'Request failed', response?.status, {});
}

function check<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ApiError('The server sent an answer the panel does not understand.', undefined, {});
  return parsed.data;
}

const base = `/${PLUGIN_ID}`;

export type SettingsSave = Partial<EditableSettings> & { apiToken?: string; webhookKey?: string };

/** The plugin's admin API, through Strapi's fetch client (admin JWT), with every answer validated. */
export function useCustomerlyApi() {
  const { get, put, post } = useFetchClient();
  return React.useMemo(() => {
    const call = async <T,>(schema: z.ZodType<T>, run: () => Promise<{ data: unknown }>): Promise<T> => {
      let res: { data: unknown };
      try {
        res = await run();
      } catch (e) {
        throw toApiError(e);
      }
      return check(schema, res.data);
    };
    return {
      getSettings: () => call(settingsAnswer, () => get(`${base}/settings`)).then((r) => r.data),
      saveSettings: (body: SettingsSave) => call(settingsAnswer, () => put(`${base}/settings`, body)).then((r) => r.data),
      rotateKey: () => call(rotateAnswer, () => post(`${base}/settings/access-key`, {})).then((r) => r.data),
      reveal: (field: 'webhookKey' | 'apiToken') => call(revealAnswer, () => post(`${base}/settings/reveal`, { field })).then((r) => r.data.value),
      testConnection: (body: { apiToken?: string }) => call(connectionAnswer, () => post(`${base}/settings/test-connection`, body)).then((r) => r.data),
      listDeliveries: (query: Record<string, string | number | undefined>) => {
        const qs = new URLSearchParams();
        for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
        return call(deliveriesAnswer, () => get(`${base}/deliveries?${qs.toString()}`));
      },
      getDelivery: (documentId: string) => call(deliveryAnswer, () => get(`${base}/deliveries/${encodeURIComponent(documentId)}`)).then((r) => r.data),
      replay: (documentId: string) => call(replayAnswer, () => post(`${base}/deliveries/${encodeURIComponent(documentId)}/replay`, {})).then((r) => r.data),
    };
  }, [get, put, post]);
}
