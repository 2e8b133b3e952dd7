import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config/schema';
import { parseJsonBody } from '../webhook/body';
import { extractContact, type ContactInput } from '../webhook/contact';
import type { WebhookIntake } from '../webhook/intake-state';
import { parseParams, splitQuery, type WebhookParams } from '../webhook/params';
import { sealPayloadSecrets } from '../webhook/payload-secrets';
import { secureEqual } from '../utils/secure-compare';
import { WebhookError, isWebhookError } from '../utils/webhook-error';
import { describeError } from '../utils/describe-error';
import type { StoredDelivery } from './delivery-record';
import type { QueueRow } from './queue';
import { requestedRole } from './roles';
import type { WebhookAnswer } from './runner';

export type { WebhookAnswer } from './runner';

export const ACCESS_KEY_HEADER = 'x-customerly-access-key';

const errorAnswer = (e: WebhookError): WebhookAnswer => ({
  status: e.status,
  headers: e.headers,
  body: { ok: false, error: { status: e.status, code: e.code, message: e.message } },
});

/** Checks the access key: 503 when none is configured, 401 when it is missing or wrong. */
export function checkAccessKey(configured: string, given: string | undefined): void {
  if (!configured) {
    throw new WebhookError(
      503,
      'not_configured',
      'The Customerly webhook has no access key yet: set one in Settings → Customerly or in CUSTOMERLY_WEBHOOK_KEY.'
    );
  }
  if (!given) {
    throw new WebhookError(
      401,
      'missing_access_key',
      `The access key is missing: add access_key=… to the webhook URL or send it in the ${ACCESS_KEY_HEADER} header.`
    );
  }
  if (!secureEqual(given, configured)) {
    throw new WebhookError(401, 'invalid_access_key', 'The access key is wrong: copy the webhook URL again from Settings → Customerly.');
  }
}

/** The key that serialises deliveries for one contact: its email (always known, lower-cased). */
export const contactKeyOf = (c: Pick<ContactInput, 'email'>) => c.email;

/**
 * The webhook's pipeline. Every accepted delivery is stored first (queued), then either answered 202 at once
 * (queued mode, or `async=true`) or processed before answering (synchronous mode) as soon as it is its contact's
 * turn. A transient failure leaves it queued for a retry and answers 202. Nothing answered 2xx is lost: it is in
 * the database before the answer, and the workers of any Strapi process finish it.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const svc = (name: string) => strapi.plugin('customerly').service(name);

  const queuedAnswer = (delivery: StoredDelivery, why: string): WebhookAnswer => ({
    status: 202,
    body: { ok: true, queued: true, action: delivery.action, eventId: delivery.eventId, reason: why },
  });

  /**
   * Synchronous mode: claims the delivery as soon as it is its contact's turn (no earlier delivery of the contact
   * pending, the contact free) and runs it. A request waiting for its turn is woken when this process releases
   * the contact, and polls for releases by other processes; after syncWaitMs it answers 202 and leaves the
   * delivery to the workers.
   */
  async function runNow(delivery: StoredDelivery, settings: PluginConfig): Promise<WebhookAnswer> {
    const row: QueueRow = { id: delivery.id, contactKey: delivery.contactKey, attempts: delivery.attempts };
    const queue = svc('queue');
    const deadline = Date.now() + settings.queue.syncWaitMs;
    for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
      if (await queue.tryClaim(row, settings.queue.leaseMs)) {
        // The claim counted one more attempt and moved it to processing.
        const claimed = { ...delivery, attempts: (delivery.attempts ?? 0) + 1, status: 'processing' as const };
        return svc('runner').execute(row, { delivery: claimed, settings });
      }
      if (Date.now() >= deadline) {
        await queue.reschedule(delivery.id, Date.now());
        svc('worker').wake();
        return queuedAnswer(delivery, 'An earlier delivery for this contact is still being processed: this one is queued after it.');
      }
      await queue.waitForContact(row.contactKey ?? '', pause);
    }
  }

  /** Checks what can be checked before anything is stored: the contact and the requested role. */
  async function validate(params: WebhookParams, body: Record<string, unknown> | undefined, settings: PluginConfig) {
    const contact = extractContact(body, params.email);
    if (params.role) {
      const { roles, policy } = await svc('roles').policy(settings);
      requestedRole(roles, policy, params.role);
    }
    return contact;
  }

  return {
    async receive(intake: WebhookIntake): Promise<WebhookAnswer> {
      let settings: PluginConfig;
      let params: WebhookParams;
      let body: Record<string, unknown> | undefined;
      let contact: ContactInput;
      try {
        settings = await svc('settings').get();
        const { accessKey, params: rawParams } = splitQuery(intake.querystring);
        const headerKey = intake.headers[ACCESS_KEY_HEADER];
        checkAccessKey(settings.webhookKey, accessKey ?? (typeof headerKey === 'string' ? headerKey : undefined));
        body = parseJsonBody(intake.body);
        params = parseParams(rawParams);
        if (params.action === 'test') return { status: 200, body: { ok: true } };
        contact = await validate(params, body, settings);
      } catch (e) {
        if (isWebhookError(e)) return errorAnswer(e);
        strapi.log.error(`[customerly] webhook failed before it was stored: ${describeError(e)}`);
        return errorAnswer(new WebhookError(500, 'internal_error', 'The webhook failed unexpectedly before it was stored: see the Strapi log.'));
      }

      const queued = params.async ?? settings.processing === 'queued';
      let delivery: StoredDelivery;
      try {
        // The payload is stored with its secrets replaced (by place, never by matching text) and sealed: the
        // contact processed later is exactly the one received (see payload-secrets.ts).
        const payload = body ?? {};
        const secrets = sealPayloadSecrets(payload, contact, settings.fieldMapping, [settings.webhookKey, settings.apiToken]);
        delivery = await svc('delivery-record').create({
          action: params.action,
          params: { ...params },
          email: contact.email,
          contactKey: contactKeyOf(contact),
          payload,
          secrets,
          // In synchronous mode the request handles it; the workers step in only if this process dies meanwhile.
          nextAttemptAt: queued ? Date.now() : Date.now() + settings.queue.syncWaitMs + settings.queue.leaseMs,
        });
      } catch (e) {
        strapi.log.error(`[customerly] the delivery could not be stored: ${describeError(e)}`);
        return errorAnswer(
          new WebhookError(503, 'not_stored', 'The delivery could not be stored, so it was not accepted: send it again in a moment.', { 'Retry-After': '5' })
        );
      }
      if (queued) {
        svc('worker').wake();
        return queuedAnswer(delivery, 'Queued: it will be processed in the background.');
      }
      return runNow(delivery, settings);
    },

    /** Runs a stored delivery again, recording a new attempt; answers as the webhook would. */
    async replay(documentId: string): Promise<WebhookAnswer> {
      const stored: StoredDelivery | null = await svc('delivery-record').findByDocumentId(documentId);
      if (!stored) return errorAnswer(new WebhookError(404, 'not_found', 'No delivery has this id: pick one from the delivery log.'));
      // A row the plugin did not write, or that was edited since (its MAC does not match), is never run again.
      if (!svc('delivery-record').verify(stored)) return svc('delivery-record').refuseReplay(stored);
      if (stored.action === 'test') return { status: 200, body: { ok: true } };
      if (stored.status === 'processing') {
        return errorAnswer(new WebhookError(409, 'in_progress', 'This delivery is being processed right now: wait for it to finish.'));
      }
      const settings: PluginConfig = await svc('settings').get();
      // Run by this request: the workers step in only if it cannot (as for a synchronous delivery), so that a worker
      // does not take it first and leave this request waiting syncWaitMs for a delivery already done.
      await svc('delivery-record').requeue(stored, Date.now() + settings.queue.syncWaitMs + settings.queue.leaseMs);
      return runNow({ ...stored, status: 'queued' }, settings);
    },
  };
};
