/**
 * Builders for webhook bodies shaped like what Customerly is believed to send
 * (see /work/shared/docs/customerly.md: the only known path is `data.user.data.email`).
 */
import type { FakeContact } from './server';

export interface WebhookContact {
  email?: string;
  user_id?: string;
  crmhero_user_id?: number;
  name?: string;
  attributes?: Record<string, unknown>;
  tags?: Array<string | { name: string }>;
}

export interface UserWebhookPayload {
  event: string;
  data: { user: { data: WebhookContact } };
}

export interface LeadWebhookPayload {
  event: string;
  data: { lead: { data: WebhookContact } };
}

export type WebhookPayload = UserWebhookPayload | LeadWebhookPayload;

export const DEFAULT_WEBHOOK_EVENT = 'contact_tagged';

/** Copies only the fields that are given (not undefined); attributes and tags are deep-copied. */
function pickContact(c: WebhookContact): WebhookContact {
  const out: WebhookContact = {};
  if (c.email !== undefined) out.email = c.email;
  if (c.user_id !== undefined) out.user_id = c.user_id;
  if (c.crmhero_user_id !== undefined) out.crmhero_user_id = c.crmhero_user_id;
  if (c.name !== undefined) out.name = c.name;
  if (c.attributes !== undefined) out.attributes = structuredClone(c.attributes);
  if (c.tags !== undefined) out.tags = structuredClone(c.tags);
  return out;
}

/** `{ event, data: { user: { data: {...only the given fields} } } }` */
export function userWebhook(c: WebhookContact, event: string = DEFAULT_WEBHOOK_EVENT): UserWebhookPayload {
  return { event, data: { user: { data: pickContact(c) } } };
}

/** `{ event, data: { lead: { data: {...only the given fields} } } }` */
export function leadWebhook(c: WebhookContact, event: string = DEFAULT_WEBHOOK_EVENT): LeadWebhookPayload {
  return { event, data: { lead: { data: pickContact(c) } } };
}

export interface WebhookForContactOptions {
  /** Event name; default "contact_tagged". */
  event?: string;
  /** Force the envelope; default `user` when `contact.is_user === 1`, else `lead`. */
  as?: 'user' | 'lead';
  /** How tags appear: names (default), `{name}` objects, or left out. */
  tags?: 'names' | 'objects' | 'omit';
  /** Leave `attributes` out of the payload (default: included). */
  omitAttributes?: boolean;
  /** Leave the ids (`crmhero_user_id`, `user_id`) out (default: included). */
  omitIds?: boolean;
  /** Fields merged over the generated contact data (e.g. to change the email). */
  override?: WebhookContact;
}

/**
 * A payload built from a contact stored in the fake (e.g. `fake.getUser(email)!`), with its tags and
 * attributes, i.e. what Customerly would (probably) send for that contact.
 */
export function webhookForContact(contact: FakeContact, opts: WebhookForContactOptions = {}): WebhookPayload {
  const c: WebhookContact = { email: contact.email };
  if (!opts.omitIds) {
    c.crmhero_user_id = contact.crmhero_user_id;
    if (contact.user_id !== undefined) c.user_id = contact.user_id;
  }
  if (contact.name !== null && contact.name !== undefined) c.name = contact.name;
  if (!opts.omitAttributes) c.attributes = contact.attributes;
  const tagMode = opts.tags ?? 'names';
  if (tagMode === 'names') c.tags = [...contact.tags];
  else if (tagMode === 'objects') c.tags = contact.tags.map((name) => ({ name }));
  const merged = { ...c, ...(opts.override ?? {}) };
  const as = opts.as ?? (contact.is_user === 1 ? 'user' : 'lead');
  const event = opts.event ?? DEFAULT_WEBHOOK_EVENT;
  return as === 'user' ? userWebhook(merged, event) : leadWebhook(merged, event);
}
