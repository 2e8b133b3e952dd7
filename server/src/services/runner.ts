import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config/schema';
import { CustomerlyAuthError, CustomerlyUnavailableError, isCustomerlyError } from '../customerly';
import { extractContact } from '../webhook/contact';
import { restoreLegacySecrets, restorePayloadSecrets, type SealedValues } from '../webhook/payload-secrets';
import { parseParams, type WebhookParams } from '../webhook/params';
import { redactValue } from '../utils/redact';
import { isTransient, retryDelay } from '../utils/transient';
import { isWebhookError } from '../utils/webhook-error';
import { describeError } from '../utils/describe-error';
import type { StoredDelivery } from './delivery-record';
import type { QueueRow } from './queue';
import type { SyncAction, SyncOutcome } from './sync';

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Turns a failure while processing into the answer and the error recorded on the delivery. */
export function failureAnswer(e: unknown, eventId: string): { answer: WebhookAnswer; error: string } {
  const base = (status: number, code: string, message: string) => ({
    answer: { status, body: { ok: false, eventId, error: { status, code, message } } },
    error: message,
  });
  if (isWebhookError(e)) return base(e.status, e.code, e.message);
  if (e instanceof CustomerlyAuthError) return base(503, 'customerly_auth', e.message);
  if (e instanceof CustomerlyUnavailableError) {
    return base(502, 'customerly_unavailable', `${e.message}. The delivery is recorded and can be replayed from the delivery log.`);
  }
  if (isCustomerlyError(e)) return base(502, 'customerly_error', `${e.message}.`);
  // Never the raw error: a database error quotes its SQL statement (see describe-error.ts).
  return base(500, 'internal_error', `Processing failed unexpectedly (${describeError(e)}): the delivery is recorded and can be replayed.`);
}

/** Runs a claimed delivery once: the sync, then its outcome recorded, a retry scheduled, or a failure recorded. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const svc = (name: string) => strapi.plugin('customerly').service(name);

  return {
    /**
     * `known` lets a caller that already holds the delivery (as it was when claimed) and the settings skip
     * reading them again.
     */
    async execute(row: QueueRow, known?: { delivery: StoredDelivery; settings: PluginConfig }): Promise<WebhookAnswer> {
      const record = svc('delivery-record');
      const queue = svc('queue');
      const delivery: StoredDelivery | null = known?.delivery ?? (await record.findById(row.id));
      if (!delivery) {
        if (row.contactKey) await queue.unlockContact(row.contactKey, row.id);
        return { status: 404, body: { ok: false, error: { status: 404, code: 'not_found', message: 'The delivery is gone: it was pruned or deleted.' } } };
      }
      // A row the plugin did not write, or that was edited since (its MAC does not match), is never run: it is
      // recorded failed (delivery-record refuseForged) and its contact released.
      if (!record.verify(delivery)) {
        try {
          return await record.refuseForged(delivery);
        } finally {
          if (row.contactKey) await queue.unlockContact(row.contactKey, row.id);
        }
      }
      const settings: PluginConfig = known?.settings ?? (await svc('settings').get());
      try {
        const params: WebhookParams = parseParams(
          Object.fromEntries(Object.entries(delivery.params ?? {}).map(([k, v]) => [k, String(v)]))
        );
        // The contact exactly as received: the stored payload with its sealed secrets put back.
        const sealed: SealedValues = record.unseal(delivery);
        const contact = restoreLegacySecrets(extractContact(restorePayloadSecrets(delivery.payload, sealed), params.email), sealed);
        const outcome: SyncOutcome = await svc('sync').run(
          { action: params.action as SyncAction, params, contact, eventId: delivery.eventId },
          settings
        );
        const body = redactValue(outcome.body, outcome.secrets) as Record<string, unknown>;
        await record.finish(delivery, { status: outcome.status, result: body, userId: outcome.userId });
        return { status: 200, body };
      } catch (e) {
        const { answer, error } = failureAnswer(e, delivery.eventId);
        const attempts = delivery.attempts ?? 1;
        if (isTransient(e) && attempts < settings.queue.maxAttempts) {
          // Not before Customerly's Retry-After (it asked for longer than the client waits: customerly-api.ts). It
          // may exceed queue.retryMaxMs, which caps the queue's own backoff, not Customerly's demand; a day at most.
          const MAX_RETRY_AFTER_MS = 86_400_000;
          const askedMs = e instanceof CustomerlyUnavailableError ? Math.min(e.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS) : 0;
          const nextAttemptAt = Date.now() + Math.max(retryDelay(attempts, settings.queue.retryBaseMs, settings.queue.retryMaxMs), askedMs);
          await record.finish(delivery, { status: 'queued', error, nextAttemptAt });
          strapi.log.warn(`[customerly] delivery ${delivery.eventId} will be retried (attempt ${attempts} of ${settings.queue.maxAttempts}): ${error}`);
          return {
            status: 202,
            body: {
              ok: true,
              queued: true,
              action: delivery.action,
              eventId: delivery.eventId,
              retry: { attempt: attempts, of: settings.queue.maxAttempts, at: new Date(nextAttemptAt).toISOString(), reason: error },
            },
          };
        }
        if (answer.status >= 500) strapi.log.error(`[customerly] delivery ${delivery.eventId} failed: ${error}`);
        await record.finish(delivery, { status: 'failed', error });
        return answer;
      } finally {
        if (row.contactKey) {
          await queue
            .unlockContact(row.contactKey, row.id)
            .catch((err: Error) => strapi.log.error(`[customerly] could not release contact lock: ${err.message}`));
        }
      }
    },
  };
};
