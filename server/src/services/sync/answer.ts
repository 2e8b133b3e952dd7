import type { Core } from '@strapi/strapi';
import type { AfterAdd } from './after-add';
import type { SyncPlan } from './decide';
import type { LearnedContact } from './learn-contact';
import { diffTags, type TagDiff } from './tags';
import type { SyncedUser } from './users';
import type { WrittenUser } from './write-user';
import type { SyncNotes, SyncOutcome, SyncRequest } from './types';

/** The events the plugin emits on Strapi's event hub. */
export const EVENTS = {
  tagsChanged: 'customerly.tags.changed',
  userCreated: 'customerly.user.created',
  userUpdated: 'customerly.user.updated',
  roleChanged: 'customerly.role.changed',
} as const;

const publicUser = (u: SyncedUser) => ({ id: u.id, documentId: u.documentId, email: u.email, username: u.username });

/** What changed, for the events and the answer. */
export interface Changes {
  tags: string[];
  diff: TagDiff;
  user: ReturnType<typeof publicUser>;
}

/** After the write: what changed, for the answer and the events. */
export function changesOf(plan: SyncPlan, written: WrittenUser): Changes {
  const tags = plan.tags ? plan.tags.map((t) => t.name) : written.previousTags;
  const diff = plan.tags ? diffTags(written.previousTags, tags) : { added: [], removed: [] };
  return { tags, diff, user: publicUser(written.user) };
}

/**
 * What changed, announced on the event hub (tags changed; user created or updated; role changed): once the write is
 * committed, so that a listener reads what the event says.
 */
export function announce(strapi: Core.Strapi, req: SyncRequest, written: WrittenUser, changes: Changes): void {
  const { user, diff, tags } = changes;
  if (diff.added.length || diff.removed.length) {
    strapi.eventHub.emit(EVENTS.tagsChanged, { user, added: diff.added, removed: diff.removed, tags });
  }
  if (req.action !== 'update_tags') {
    strapi.eventHub.emit(written.created ? EVENTS.userCreated : EVENTS.userUpdated, { user, eventId: req.eventId });
  }
  if (written.role?.changed && !written.created) {
    strapi.eventHub.emit(EVENTS.roleChanged, {
      user,
      from: written.role.from ?? null,
      to: written.role.name,
      reason: written.role.rule ? `tag rule "${written.role.rule}"` : (written.role.reason ?? 'role parameter'),
      eventId: req.eventId,
    });
  }
}

/** A delivery that changes no user: answered 200 `skipped` with the reason (normal, not an error). */
export function skippedOutcome(
  req: SyncRequest,
  learned: LearnedContact,
  skipped: string,
  reason: string,
  notes: SyncNotes
): SyncOutcome {
  return {
    status: 'skipped',
    body: { ok: true, action: req.action, eventId: req.eventId, skipped, reason, contact: learned.summary },
    ...notes,
  };
}

/** The warning of a delivery whose tags could not be learned (no tags in the payload, and none from the API). */
export const tagsUnknownWarning = (learned: Pick<LearnedContact, 'tagsReason'>): string =>
  `the tags are unknown (${learned.tagsReason}), so the user's tags were left as they are`;

/** Step 6, the answer: what was done to the user, its tags, fields, role and email, and the after-add effects. */
export function doneOutcome(
  req: SyncRequest,
  learned: LearnedContact,
  plan: SyncPlan,
  written: WrittenUser,
  changes: Changes,
  after: Partial<AfterAdd>,
  notes: SyncNotes
): SyncOutcome {
  const { mapping } = plan;
  const warnings = plan.tags ? notes.warnings : [...notes.warnings, tagsUnknownWarning(learned)];
  return {
    status: 'done',
    userId: written.user.id,
    ...notes,
    warnings,
    body: {
      ok: true,
      action: req.action,
      eventId: req.eventId,
      user: { ...changes.user, created: written.created },
      tags: plan.tags
        ? { names: changes.tags, added: changes.diff.added, removed: changes.diff.removed }
        : { names: changes.tags, unchanged: true, reason: learned.tagsReason },
      ...(mapping
        ? { fields: { updated: written.changedFields, skipped: mapping.skipped.map((s) => `${s.from} → ${s.to}`) } }
        : {}),
      ...(written.role ? { role: written.role } : {}),
      ...(written.email ? { email: written.email } : {}),
      ...(after.welcomeEmail ? { welcomeEmail: after.welcomeEmail } : {}),
      ...(after.passwordReturn ? { passwordReturn: after.passwordReturn } : {}),
      contact: learned.summary,
      ...(warnings.length ? { warnings } : {}),
    },
  };
}
