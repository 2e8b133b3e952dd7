import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { describeError } from '../../utils/describe-error';
import { getService } from '../../utils/get-service';
import { isTransient } from '../../utils/transient';
import { connectionTransaction, type Db } from '../delivery/connection-transaction';
import type { IntakeTicket } from '../delivery/group-commit';
import type { NewDelivery, StoredDelivery } from '../delivery/store';
import type { QueueRow } from '../delivery/queue';
import { requestedRole } from '../sync/roles';
import { secretValues } from '../settings/schema';
import { checkAccessKey, givenAccessKey } from './access-key';
import { REFUSALS, errorAnswer, isWebhookError, queuedAnswer, testAnswer, type WebhookAnswer } from './answers';
import { parseJsonBody } from './body';
import { extractContact, type ContactInput } from './contact';
import type { WebhookIntake } from './intake-state';
import { parseParams, splitQuery, type WebhookParams } from './params';
import { sealPayloadSecrets } from './payload-secrets';

/** The key that serialises deliveries for one contact: its email (always known, lower-cased). */
export const contactKeyOf = (c: Pick<ContactInput, 'email'>) => c.email;

/** A request that passed every check made before anything is stored. */
interface Accepted {
  settings: PluginConfig;
  params: WebhookParams;
  body: Record<string, unknown> | undefined;
  contact: ContactInput;
}

/**
 * The webhook's pipeline. Every accepted delivery is stored first (queued), then either answered 202 at once
 * (queued mode, or `async=true`) or processed before answering (synchronous mode) as soon as it is its contact's
 * turn. A transient failure leaves it queued for a retry and answers 202. Nothing answered 2xx is lost: it is in
 * the database before the answer, and the workers of any Strapi process finish it.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  /**
   * Checks the request: the access key, the body, the parameters, the contact and the requested role. Returns the
   * answer instead when the request stops here (a refusal), or `{test}` for `action=test`.
   */
  async function check(intake: WebhookIntake): Promise<Accepted | WebhookAnswer | { test: WebhookParams }> {
    const settings = await getService(strapi, 'settings').get();
    const { accessKey, params: rawParams } = splitQuery(intake.querystring);
    checkAccessKey(settings.webhookKey, givenAccessKey(accessKey, intake.headers));
    const body = parseJsonBody(intake.body);
    const params = parseParams(rawParams);
    if (params.action === 'test') return { test: params };
    const contact = extractContact(body, params.email);
    if (params.role) {
      const { roles, policy } = await getService(strapi, 'roles').policy(settings);
      requestedRole(roles, policy, params.role);
    }
    return { settings, params, body, contact };
  }

  /**
   * Stores the delivery, its secrets replaced (by place, never by matching text) and sealed: see payload-secrets.ts.
   * In `trx`, the intake's transaction shared with the requests around it (group-commit.ts). In synchronous mode it
   * is stored already claimed, with its contact's lock, when it is its contact's turn: one commit for the three.
   */
  async function store(
    { settings, params, body, contact }: Accepted,
    queued: boolean,
    trx: Db,
    claim = !queued
  ): Promise<{ delivery: StoredDelivery; claimed: boolean }> {
    const payload = body ?? {};
    const secrets = sealPayloadSecrets(payload, contact, settings.fieldMapping, secretValues(settings));
    const record = getService(strapi, 'delivery-record');
    const input: NewDelivery = {
      action: params.action,
      params: { ...params },
      email: contact.email,
      contactKey: contactKeyOf(contact),
      payload,
      secrets,
      // In synchronous mode the request handles it; the workers step in only if this process dies meanwhile.
      nextAttemptAt: queued ? Date.now() : Date.now() + settings.queue.syncWaitMs + settings.queue.leaseMs,
    };
    if (!claim) return { delivery: await record.create(input, { transaction: trx }), claimed: false };
    return record.createClaimed(input, settings.queue.leaseMs, trx);
  }

  /**
   * Synchronous mode: claims the delivery as soon as it is its contact's turn (no earlier delivery of the contact
   * pending, the contact free) and runs it. A request waiting for its turn is woken when this process releases
   * the contact, and polls for releases by other processes; after syncWaitMs it answers 202 and leaves the
   * delivery to the workers.
   */
  async function runNow(delivery: StoredDelivery, settings: PluginConfig, claimed = false): Promise<WebhookAnswer> {
    const row: QueueRow = { id: delivery.id, contactKey: delivery.contactKey, attempts: delivery.attempts };
    const queue = getService(strapi, 'queue');
    // Stored already claimed (the claim counted its first attempt): run it.
    if (claimed) return getService(strapi, 'runner').execute(row, { delivery, settings });
    const deadline = Date.now() + settings.queue.syncWaitMs;
    for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
      if (await queue.tryClaim(row, settings.queue.leaseMs)) {
        // The claim counted one more attempt and moved it to processing.
        const claimed: StoredDelivery = { ...delivery, attempts: (delivery.attempts ?? 0) + 1, status: 'processing' };
        return getService(strapi, 'runner').execute(row, { delivery: claimed, settings });
      }
      if (Date.now() >= deadline) {
        await queue.reschedule(delivery.id, Date.now());
        getService(strapi, 'worker').wake();
        return queuedAnswer(
          delivery,
          'An earlier delivery for this contact is still being processed: this one is queued after it.'
        );
      }
      await queue.waitForContact(row.contactKey ?? '', pause);
    }
  }

  /** `action=test`: the key is right. Recorded as a finished delivery (its parameters only), answered `{ok: true}`. */
  async function recordTest(params: WebhookParams): Promise<WebhookAnswer> {
    try {
      await getService(strapi, 'delivery-record').recordTest({ ...params });
    } catch (e) {
      strapi.log.error(`[customerly] the test delivery could not be stored: ${describeError(e)}`);
      return errorAnswer(REFUSALS.notStored());
    }
    return testAnswer();
  }

  async function receiveWith(ticket: IntakeTicket, intake: WebhookIntake): Promise<WebhookAnswer> {
    let accepted: Accepted;
    try {
      const checked = await check(intake);
      if ('status' in checked) return checked;
      if ('test' in checked) {
        ticket.leave();
        return await recordTest(checked.test);
      }
      accepted = checked;
    } catch (e) {
      if (isWebhookError(e)) return errorAnswer(e);
      strapi.log.error(`[customerly] webhook failed before it was stored: ${describeError(e)}`);
      return errorAnswer(REFUSALS.internalBeforeStored());
    }

    const queued = accepted.params.async ?? accepted.settings.processing === 'queued';
    let stored: { delivery: StoredDelivery; claimed: boolean };
    try {
      stored = await ticket
        .commit((trx) => store(accepted, queued, trx))
        .catch((e: unknown) => {
          // A claim that met a deadlock or a busy database: the delivery is stored unclaimed, and waits its turn.
          if (queued || !isTransient(e)) throw e;
          return connectionTransaction(strapi.db.connection, (trx) => store(accepted, queued, trx, false));
        });
    } catch (e) {
      strapi.log.error(`[customerly] the delivery could not be stored: ${describeError(e)}`);
      return errorAnswer(REFUSALS.notStored());
    }
    if (queued) {
      getService(strapi, 'worker').wake();
      return queuedAnswer(stored.delivery, 'Queued: it will be processed in the background.');
    }
    return runNow(stored.delivery, accepted.settings, stored.claimed);
  }

  return {
    /**
     * The request takes a ticket at the intake as it arrives (the delivery store's group commit), so that a batch
     * being formed waits for it rather than committing without it; it leaves when it stops before storing.
     */
    async receive(intake: WebhookIntake): Promise<WebhookAnswer> {
      const ticket = getService(strapi, 'delivery-record').arrive();
      try {
        return await receiveWith(ticket, intake);
      } finally {
        ticket.leave();
      }
    },

    /** Runs a stored delivery again, recording a new attempt; answers as the webhook would. */
    async replay(documentId: string): Promise<WebhookAnswer> {
      const record = getService(strapi, 'delivery-record');
      const stored = await record.findByDocumentId(documentId);
      if (!stored) return errorAnswer(REFUSALS.notFound());
      // A row the plugin did not write, or that was edited since (its MAC does not match), is never run again.
      if (!record.verify(stored)) return record.refuseReplay(stored);
      if (stored.action === 'test') return testAnswer();
      if (stored.status === 'processing') return errorAnswer(REFUSALS.inProgress());
      const settings = await getService(strapi, 'settings').get();
      // Run by this request: the workers step in only if it cannot (as for a synchronous delivery), so that a worker
      // does not take it first and leave this request waiting syncWaitMs for a delivery already done.
      await record.requeue(stored, Date.now() + settings.queue.syncWaitMs + settings.queue.leaseMs);
      return runNow({ ...stored, status: 'queued' }, settings);
    },
  };
};
