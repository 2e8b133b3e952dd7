import type { OutboundConfig } from '../../config/schema';
import type { OutboundAction } from '../../../../shared/contracts/outbound';
import { changed } from './mapping';

/** A user as the outbox reads it around a write: the watched attributes and the tag names. */
export interface UserSnapshot {
  id: number;
  documentId?: string;
  email: string;
  values: Record<string, unknown>;
  /** Undefined when the write did not touch the tags (they were not read). */
  tags?: string[];
  /** users-permissions' `confirmed`: whether the user proved the email (when email confirmation is on). */
  confirmed?: boolean;
}

/**
 * Whether a user's email may speak for a Customerly contact. With users-permissions' email confirmation on, an
 * unconfirmed email is only a claim: whoever registers victim@example.com must not write into, tag or delete the
 * victim's contact. Such a user is sent once confirmed (as if created then). With confirmation off, users-permissions
 * proves nothing and the site trusts the email as typed; so does the outbox (README, "Outbound").
 */
export const emailProven = (user: Pick<UserSnapshot, 'confirmed'>, confirmationRequired: boolean): boolean =>
  !confirmationRequired || user.confirmed === true;

/** One outbox record to store (services/delivery/store.ts create, direction `outbound`). */
export interface OutboxRecord {
  action: OutboundAction;
  email: string;
  userId: number;
  payload: Record<string, unknown>;
}

const key = (email: string) => email.trim().toLowerCase();
const sameTag = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const minus = (a: string[], b: string[]) => a.filter((x) => !b.some((y) => sameTag(x, y)));

/** What a user's creation sends: the upsert, then its tags (never in the upsert: see README, "Outbound"). */
export function createdRecords(user: UserSnapshot, cfg: OutboundConfig, confirmationRequired = false): OutboxRecord[] {
  const out: OutboxRecord[] = [];
  if (!user.email || !emailProven(user, confirmationRequired)) return out;
  if (cfg.onCreate)
    out.push({ action: 'upsert', email: key(user.email), userId: user.id, payload: upsertPayload(user, 'create') });
  if (cfg.onTags && user.tags?.length) {
    out.push({ action: 'tags', email: key(user.email), userId: user.id, payload: { add: user.tags, remove: [] } });
  }
  return out;
}

/**
 * What an update sends: an upsert when the email or an `out`/`both` mapped attribute changed; the tags added and
 * removed. A changed email is not trusted to follow the contact in Customerly (the upsert is keyed on the email, and
 * whether a `user_id` finds the old contact is unknown): the new email is upserted as a contact of its own and given
 * all the user's tags; the old contact is left as it is.
 */
export function updatedRecords(
  before: UserSnapshot,
  after: UserSnapshot,
  cfg: OutboundConfig,
  confirmationRequired = false
): OutboxRecord[] {
  const out: OutboxRecord[] = [];
  if (!after.email || !emailProven(after, confirmationRequired)) return out;
  // Just confirmed: the user reaches Customerly now, as a creation (with its tags).
  if (!emailProven(before, confirmationRequired)) return createdRecords(after, cfg, confirmationRequired);
  const email = key(after.email);
  const emailChanged = key(before.email ?? '') !== email;
  const fields = Object.keys(after.values).filter((a) => a !== 'email' && changed(before.values[a], after.values[a]));
  if (cfg.onUpdate && (emailChanged || fields.length)) {
    const payload = upsertPayload(after, 'update', fields);
    if (emailChanged) payload.previousEmail = key(before.email ?? '');
    out.push({ action: 'upsert', email, userId: after.id, payload });
  }
  if (cfg.onTags) {
    const now = after.tags;
    if (emailChanged && now?.length) {
      out.push({ action: 'tags', email, userId: after.id, payload: { add: now, remove: [] } });
    } else if (now && before.tags) {
      const add = minus(now, before.tags);
      const remove = minus(before.tags, now);
      if (add.length || remove.length) out.push({ action: 'tags', email, userId: after.id, payload: { add, remove } });
    }
  }
  return out;
}

/** What a deletion sends (only with `onDelete`, and only for a user whose email was proven). */
export function deletedRecords(
  before: Pick<UserSnapshot, 'id' | 'email' | 'confirmed'>,
  cfg: OutboundConfig,
  confirmationRequired = false
): OutboxRecord[] {
  if (!cfg.onDelete || !before.email || !emailProven(before, confirmationRequired)) return [];
  return [{ action: 'delete', email: key(before.email), userId: before.id, payload: { email: key(before.email) } }];
}

/**
 * An upsert names the user, not its values: the worker reads the user when it sends, so several upserts of one user
 * waiting together are one entry with the latest values, and no value is stored twice.
 */
function upsertPayload(user: UserSnapshot, reason: 'create' | 'update', fields?: string[]): Record<string, unknown> {
  return {
    user: { id: user.id, ...(user.documentId ? { documentId: user.documentId } : {}) },
    reason,
    ...(fields?.length ? { changed: fields } : {}),
  };
}
