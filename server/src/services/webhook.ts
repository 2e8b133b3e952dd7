import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config/schema';
import { CustomerlyAuthError, CustomerlyUnavailableError, isCustomerlyError } from '../customerly';
import { parseJsonBody } from '../webhook/body';
import { extractContact, type ContactInput } from '../webhook/contact';
import type { WebhookIntake } from '../webhook/intake-state';
import { parseParams, splitQuery, type WebhookParams } from '../webhook/params';
import { KeyedMutex } from '../utils/keyed-mutex';
import { redactValue } from '../utils/redact';
import { secureEqual } from '../utils/secure-compare';
import { WebhookError, isWebhookError } from '../utils/webhook-error';
import type { StoredDelivery } from './delivery-record';
import { requestedRole } from './roles';
import type { SyncAction, SyncOutcome } from './sync';

export const ACCESS_KEY_HEADER = 'x-customerly-access-key';

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

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

/** The key that serialises deliveries for one contact. */
export const contactKeyOf = (c: ContactInput) => (c.crmheroUserId ? `cid:${c.crmheroUserId}` : `email:${c.email}`);

/** Turns a failure while processing into the answer and the error recorded on the delivery. */
function failureAnswer(e: unknown, eventId: string): { answer: WebhookAnswer; error: string } {
  const base = (status: number, code: string, message: string) => ({
    answer: { status, body: { ok: false, eventId, error: { status, code, message } } },
    error: message,
  });
  if (isWebhookError(e)) {
    const { answer } = base(e.status, e.code, e.message);
    return { answer: { ...answer, headers: e.headers }, error: e.message };
  }
  if (e instanceof CustomerlyAuthError) return base(503, 'customerly_auth', e.message);
  if (e instanceof CustomerlyUnavailableError) {
    return base(502, 'customerly_unavailable', `${e.message}. The delivery is recorded and can be replayed from the delivery log.`);
  }
  if (isCustomerlyError(e)) return base(502, 'customerly_error', `${e.message}.`);
  return base(500, 'internal_error', `Processing failed unexpectedly (${(e as Error)?.message ?? String(e)}): the delivery is recorded and can be replayed.`);
}

/** The webhook's whole pipeline, from the raw request to the answer. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const perContact = new KeyedMutex();
  const svc = (name: string) => strapi.plugin('customerly').service(name);

  /** Runs a stored delivery (first attempt or replay) and records its outcome. */
  async function process(delivery: StoredDelivery, params: WebhookParams, contact: ContactInput, settings: PluginConfig): Promise<WebhookAnswer> {
    try {
      const outcome: SyncOutcome = await perContact.run(contactKeyOf(contact), () =>
        svc('sync').run({ action: params.action as SyncAction, params, contact, eventId: delivery.eventId }, settings)
      );
      const stored = redactValue(outcome.body, outcome.secrets) as Record<string, unknown>;
      await svc('delivery-record').finish(delivery, { status: outcome.status, result: stored, userId: outcome.userId });
      return { status: 200, body: stored };
    } catch (e) {
      const { answer, error } = failureAnswer(e, delivery.eventId);
      if (answer.status >= 500) strapi.log.error(`[customerly] delivery ${delivery.eventId} failed: ${error}`);
      await svc('delivery-record')
        .finish(delivery, { status: 'failed', error })
        .catch((err: Error) => strapi.log.error(`[customerly] could not record the failure of ${delivery.eventId}: ${err.message}`));
      return answer;
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
        strapi.log.error(`[customerly] webhook failed before it was stored: ${(e as Error)?.message ?? String(e)}`);
        return errorAnswer(new WebhookError(500, 'internal_error', 'The webhook failed unexpectedly before it was stored: see the Strapi log.'));
      }

      const secretValues = [settings.webhookKey, settings.apiToken].filter(Boolean);
      const delivery: StoredDelivery = await svc('delivery-record').create({
        action: params.action,
        params: redactValue({ ...params }, secretValues) as Record<string, unknown>,
        email: contact.email,
        contactKey: contactKeyOf(contact),
        payload: redactValue(body ?? {}, [...secretValues, ...passwordValues(contact, settings)]),
      });
      return process(delivery, params, contact, settings);
    },

    /** Runs a stored delivery again, recording a new attempt; answers as the webhook would. */
    async replay(documentId: string): Promise<WebhookAnswer> {
      const stored: StoredDelivery | null = await svc('delivery-record').findByDocumentId(documentId);
      if (!stored) return errorAnswer(new WebhookError(404, 'not_found', 'No delivery has this id: pick one from the delivery log.'));
      let params: WebhookParams;
      let contact: ContactInput;
      let settings: PluginConfig;
      try {
        settings = await svc('settings').get();
        params = parseParams(Object.fromEntries(Object.entries(stored.params ?? {}).map(([k, v]) => [k, String(v)])));
        if (params.action === 'test') return { status: 200, body: { ok: true } };
        contact = await validate(params, (stored.payload ?? {}) as Record<string, unknown>, settings);
      } catch (e) {
        if (isWebhookError(e)) return errorAnswer(e);
        throw e;
      }
      const delivery = await svc('delivery-record').startAttempt(stored);
      return process(delivery, params, contact, settings);
    },
  };
};

/** Values of the contact that the mapping turns into a password: they are redacted from the stored payload. */
function passwordValues(contact: ContactInput, settings: PluginConfig): string[] {
  return settings.fieldMapping
    .filter((row) => row.to === 'user_pass')
    .map((row) => (row.from.startsWith('attributes.') ? contact.attributes?.[row.from.slice(11)] : contact.fields[row.from]))
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
}
