import { z } from 'zod';
import type { ContactKind } from '../../../../shared/contracts/webhook';
import { TRUE_WORDS, includes } from '../../constants';
import { WebhookError } from './answers';

export type { ContactKind } from '../../../../shared/contracts/webhook';

/** The contact a delivery is about, as far as the payload (and the `email` parameter) tell. */
export interface ContactInput {
  email: string;
  kind: ContactKind;
  crmheroUserId?: string;
  userId?: string;
  name?: string;
  /** Undefined when the payload has no attributes: they must then come from the API. */
  attributes?: Record<string, unknown>;
  /** Undefined when the payload has no tags: they must then come from the API. */
  tags?: string[];
  /** Every other field of the contact object, for the field mapping. */
  fields: Record<string, unknown>;
  /** Where the contact object sits in the payload (e.g. ['data', 'user', 'data']); undefined when none was found. */
  path?: string[];
}

const MAX_ID_LENGTH = 255;
const id = z
  .union([z.string(), z.number()], { error: 'must be a string or a number' })
  .refine((v) => String(v).length <= MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .nullish();

const contactSchema = z
  .object({
    email: z.string({ error: 'must be a string' }).nullish(),
    crmhero_user_id: id,
    user_id: id,
    name: z.string({ error: 'must be a string' }).nullish(),
    is_user: z.union([z.number(), z.boolean(), z.string()], { error: 'must be 1, 0, true or false' }).nullish(),
    attributes: z
      .record(z.string(), z.unknown(), { error: 'must be an object of attribute names and values' })
      .nullish(),
    tags: z
      .array(
        z.union([z.string(), z.object({ name: z.string() }).loose()], {
          error: 'must be a tag name (a string or a {"name": …} object)',
        }),
        { error: 'must be a list of tag names (strings or {"name": …} objects)' }
      )
      .nullish(),
  })
  .loose();

const emailSchema = z.email();
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const at = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((cur, key) => (isObject(cur) ? cur[key] : undefined), v);

/** Where a contact object may sit in a payload, in the order they are tried. */
const CONTACT_PLACES: Array<{ path: string[]; kind: ContactKind }> = [
  { path: ['data', 'user', 'data'], kind: 'user' },
  { path: ['data', 'lead', 'data'], kind: 'lead' },
  { path: ['data', 'user'], kind: 'user' },
  { path: ['data'], kind: 'user' },
  { path: [], kind: 'user' },
];

const MAX_TAG_LENGTH = 255;
/**
 * Tags one delivery may carry. Customerly contacts carry a handful; thousands would hold the contact (and its
 * database rows) for seconds and build statements of hundreds of kilobytes.
 */
export const MAX_TAGS = 250;

/** Normalises tag names: trimmed, non-empty, one per name ignoring case (the first spelling wins). */
export function normaliseTags(tags: Array<string | { name: string }>): string[] {
  if (tags.length > MAX_TAGS) {
    throw new WebhookError(
      400,
      'too_many_tags',
      `The contact has ${tags.length} tags, more than the ${MAX_TAGS} one delivery may carry: remove unused tags in Customerly.`
    );
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of tags) {
    const name = (typeof t === 'string' ? t : t.name).trim();
    if (!name) continue;
    // Lower-casing can lengthen a name (e.g. "İ"), and the lower-cased form is stored too.
    if (name.length > MAX_TAG_LENGTH || name.toLowerCase().length > MAX_TAG_LENGTH) {
      throw new WebhookError(
        400,
        'invalid_payload',
        `A tag name is longer than ${MAX_TAG_LENGTH} characters: shorten it in Customerly.`
      );
    }
    const key = name.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(name);
    }
  }
  return out;
}

const MAX_EMAIL_LENGTH = 254;
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function normaliseEmail(raw: string, where: string): string {
  const email = raw.trim().toLowerCase();
  const domain = email.split('@')[1] ?? '';
  const valid =
    email.length <= MAX_EMAIL_LENGTH &&
    emailSchema.safeParse(email).success &&
    domain.split('.').every((l) => DOMAIN_LABEL.test(l));
  if (!valid) {
    throw new WebhookError(
      400,
      'invalid_email',
      `The email ${where} is not a valid address: check the contact in Customerly.`
    );
  }
  return email;
}

/**
 * Finds the contact in a webhook payload. The email is looked for at data.user.data.email, data.lead.data.email,
 * data.user.email, data.email and email; an `email` query parameter wins over all of them.
 */
export function extractContact(
  body: Record<string, unknown> | undefined,
  emailParam: string | undefined
): ContactInput {
  const place =
    CONTACT_PLACES.find((p) => typeof at(body, ...p.path, 'email') === 'string') ??
    CONTACT_PLACES.find((p) => p.path.length > 0 && isObject(at(body, ...p.path)) && p.path.length === 3);
  const raw = place ? at(body, ...place.path) : undefined;

  let contact: z.infer<typeof contactSchema> = {};
  if (isObject(raw)) {
    const parsed = contactSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = [...(place?.path ?? []), ...issue.path.map(String)].join('.');
      throw new WebhookError(
        400,
        'invalid_payload',
        `The payload field ${field} ${issue.message}: send the contact as Customerly does.`
      );
    }
    contact = parsed.data;
  }

  const rawEmail = emailParam ?? contact.email ?? undefined;
  if (!rawEmail) {
    throw new WebhookError(
      400,
      'missing_email',
      'No email was found in the payload (data.user.data.email) or in an email parameter: send the contact with its email.'
    );
  }
  const email = normaliseEmail(rawEmail, emailParam !== undefined ? 'parameter' : 'in the payload');

  const { email: _e, crmhero_user_id, user_id, name, is_user, attributes, tags, ...fields } = contact;
  // A contact is a user only when nothing says otherwise: `is_user`, when present, must be a true word (1, true, yes).
  const isUser = is_user == null || is_user === true || includes(TRUE_WORDS, String(is_user).trim().toLowerCase());
  const kind: ContactKind = place?.kind === 'lead' || !isUser ? 'lead' : 'user';
  return {
    email,
    kind,
    crmheroUserId: crmhero_user_id != null && crmhero_user_id !== '' ? String(crmhero_user_id) : undefined,
    userId: user_id != null && user_id !== '' ? String(user_id) : undefined,
    name: name ?? undefined,
    attributes: attributes ?? undefined,
    tags: tags ? normaliseTags(tags) : undefined,
    fields,
    path: place && isObject(raw) ? place.path : undefined,
  };
}
