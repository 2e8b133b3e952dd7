import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { CustomerlyUnavailableError } from '../../customerly';
import { redactValue } from '../../utils/redact';
import { isTransient, retryDelay } from '../../utils/transient';
import { getService } from '../../utils/get-service';
import { REFUSALS, errorAnswer, failureAnswer, retryAnswer, type WebhookAnswer } from '../webhook/answers';
import { extractContact, type ContactInput } from '../webhook/contact';
import { parseParams, type WebhookParams } from '../webhook/params';
import { restoreLegacySecrets, restorePayloadSecrets } from '../webhook/payload-secrets';
import type { SyncAction, SyncOutcome } from '../sync/types';
import { isOutboundAction } from '../outbound';
import { splitOrigin, type DeliveryOrigin } from './origin';
import { connectionTransaction, type Db } from './connection-transaction';
import type { QueueRow } from './queue';
import type { DeliveryOutcome, StoredDelivery } from './store';

/** The longest Retry-After the queue honours: a day. */
const MAX_RETRY_AFTER_MS = 86_400_000;

/** Runs a claimed delivery once: the sync, then its outcome recorded, a retry scheduled, or a failure recorded. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const record = () => getService(strapi, 'delivery-record');
  const queue = () => getService(strapi, 'queue');

  /**
   * The parameters and the contact exactly as received: the stored payload with its sealed secrets put back; and
   * where the delivery came from, when an import stored it (origin.ts).
   */
  function received(delivery: StoredDelivery): {
    params: WebhookParams;
    contact: ContactInput;
    origin?: DeliveryOrigin;
  } {
    const { params: stored, origin } = splitOrigin(delivery.params);
    const params = parseParams(Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, String(v)])));
    const sealed = record().unseal(delivery);
    const contact = restoreLegacySecrets(
      extractContact(restorePayloadSecrets(delivery.payload, sealed), params.email),
      sealed
    );
    return { params, contact, origin };
  }

  /** A failed attempt: queued again when the failure is transient and attempts remain, else recorded failed. */
  async function failed(e: unknown, delivery: StoredDelivery, settings: PluginConfig): Promise<WebhookAnswer> {
    const { answer, error } = failureAnswer(e, delivery.eventId);
    const attempts = delivery.attempts ?? 1;
    const { maxAttempts, retryBaseMs, retryMaxMs } = settings.queue;
    if (isTransient(e) && attempts < maxAttempts) {
      // Not before Customerly's Retry-After (it asked for longer than the client waits: sync/customerly-api.ts). It
      // may exceed queue.retryMaxMs, which caps the queue's own backoff, not Customerly's demand; a day at most.
      const askedMs = e instanceof CustomerlyUnavailableError ? Math.min(e.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS) : 0;
      const nextAttemptAt = Date.now() + Math.max(retryDelay(attempts, retryBaseMs, retryMaxMs), askedMs);
      await record().finish(delivery, { status: 'queued', error, nextAttemptAt });
      strapi.log.warn(
        `[customerly] delivery ${delivery.eventId} will be retried (attempt ${attempts} of ${maxAttempts}): ${error}`
      );
      return retryAnswer(delivery, { attempt: attempts, of: maxAttempts, at: nextAttemptAt, reason: error });
    }
    if (answer.status >= 500) strapi.log.error(`[customerly] delivery ${delivery.eventId} failed: ${error}`);
    await record().finish(delivery, { status: 'failed', error });
    return answer;
  }

  const release = async (row: QueueRow) => {
    if (row.contactKey) await queue().unlockContact(row.contactKey, row.id);
  };

  /** A sync's outcome as the delivery records it (redacted: no secret is stored), and the answer's body. */
  function recorded(outcome: SyncOutcome): { body: Record<string, unknown>; record: DeliveryOutcome } {
    const body = redactValue(outcome.body, outcome.secrets) as Record<string, unknown>;
    // The warnings as the answer gives them (redacted): the password not returned, the email not sent, the tags
    // unknown. The delivery is done all the same.
    const warnings = Array.isArray(body.warnings) ? body.warnings.filter((w) => typeof w === 'string') : [];
    return { body, record: { status: outcome.status, result: body, warnings, userId: outcome.userId } };
  }

  /** The outcome recorded and the contact's lock dropped, in `trx` (the caller wakes the contact's waiters after). */
  async function settleIn(trx: Db, delivery: StoredDelivery, row: QueueRow, outcome: SyncOutcome): Promise<void> {
    await record().finish(delivery, recorded(outcome).record, trx);
    if (row.contactKey) await queue().dropLock(row.contactKey, row.id, trx);
  }

  return {
    /** Records a failed attempt (retried with back-off while attempts remain, else failed): for the outbound sender. */
    fail: failed,
    /** Releases a claimed delivery's contact. */
    release,
    /**
     * `known` lets a caller that already holds the delivery (as it was when claimed) and the settings skip
     * reading them again.
     */
    async execute(row: QueueRow, known?: { delivery: StoredDelivery; settings: PluginConfig }): Promise<WebhookAnswer> {
      const delivery = known?.delivery ?? (await record().findById(row.id));
      if (!delivery) {
        await release(row);
        return errorAnswer(REFUSALS.gone());
      }
      // A row the plugin did not write, or that was edited since (its MAC does not match), is never run: it is
      // recorded failed (store.ts refuseForged) and its contact released.
      if (!record().verify(delivery)) {
        try {
          return await record().refuseForged(delivery);
        } finally {
          await release(row);
        }
      }
      const settings = known?.settings ?? (await getService(strapi, 'settings').get());
      // Strapi → Customerly (services/outbound): the worker batches upserts; a replay or a direct run sends one.
      if (isOutboundAction(delivery.action)) {
        try {
          return await getService(strapi, 'outbound').run(row, delivery, settings, !known);
        } finally {
          await release(row).catch((err: Error) =>
            strapi.log.error(`[customerly] could not release contact lock: ${err.message}`)
          );
        }
      }
      // The outcome is recorded and the contact released in one transaction: the user's write's when the sync can
      // (sync/index.ts `settle`), else its own. One commit, where there were three or four.
      let released = false;
      try {
        const { params, contact, origin } = received(delivery);
        const outcome = await getService(strapi, 'sync').run(
          { action: params.action as SyncAction, params, contact, eventId: delivery.eventId, origin },
          settings,
          (done, trx) => settleIn(trx, delivery, row, done)
        );
        if (!outcome.settled) {
          await connectionTransaction(strapi.db.connection, (db) => settleIn(db, delivery, row, outcome));
        }
        released = true;
        if (row.contactKey) queue().contactReleased(row.contactKey);
        return { status: 200, body: recorded(outcome).body };
      } catch (e) {
        return await failed(e, delivery, settings);
      } finally {
        if (!released)
          await release(row).catch((err: Error) =>
            strapi.log.error(`[customerly] could not release contact lock: ${err.message}`)
          );
      }
    },
  };
};
