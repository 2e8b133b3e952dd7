import type { PluginConfig } from '../../config/schema';
import type { ContactInput } from '../webhook/contact';
import type { SyncedUser } from './users';

/**
 * Which Strapi user a delivery may change, and whether the email may move. Everything in a payload is untrusted:
 *  - Customerly's `crmhero_user_id` is assigned by Customerly, so it is the only id that links a contact to a user;
 *    `user_id` is set by the website's JavaScript snippet (a visitor can claim any), so it never selects a user.
 *  - A lead's email is whatever someone typed into the chat widget. With `leads: 'safe'` (the default) a lead may
 *    create a user and update the user it created (linked to that same lead), never any other user.
 *  - A changed email follows the user only on a `crmhero_user_id` match of a Customerly user, when
 *    `followEmailChanges` is on, and never onto an email another user has: a moved email hands the account over to
 *    whoever owns the new address (through "forgot password").
 */
export interface UserCandidates {
  /** The user linked to the contact's crmhero_user_id. */
  byContactId?: SyncedUser;
  /** The user with the contact's email (ignoring case). */
  byEmail?: SyncedUser;
}

export type EmailDecision = { change: false; reason?: string } | { change: true; from: string; to: string };

export type UserMatch =
  | { found: false }
  | { found: true; user: SyncedUser; matchedBy: 'customerly_id' | 'email'; email: EmailDecision }
  /** The delivery must not touch any user (answered 200 `skipped` with the reason). */
  | { found: false; refused: 'lead-ignored' | 'lead-not-applied' | 'linked-to-another-contact'; reason: string };

/** A user the delivery may change. */
export type FoundUser = Extract<UserMatch, { found: true }>;

type MatchSettings = Pick<PluginConfig, 'leads' | 'followEmailChanges'>;

export function matchUser(
  contact: Pick<ContactInput, 'email' | 'kind' | 'crmheroUserId'>,
  candidates: UserCandidates,
  settings: MatchSettings
): UserMatch {
  const isLead = contact.kind === 'lead';
  if (isLead && settings.leads === 'ignore') {
    return {
      found: false,
      refused: 'lead-ignored',
      reason: 'Lead payloads are ignored by this site (leads: "ignore" in the plugin config): nothing was changed.',
    };
  }
  const safeLead = isLead && settings.leads === 'safe';
  const { byContactId, byEmail } = candidates;

  if (byContactId) {
    if (safeLead && byContactId.customerlyCreated !== true) {
      return {
        found: false,
        refused: 'lead-not-applied',
        reason:
          'The Strapi user linked to this lead was not created by the plugin, and a lead (an unverified email) never changes such a user: nothing was changed.',
      };
    }
    return {
      found: true,
      user: byContactId,
      matchedBy: 'customerly_id',
      email: emailDecision(contact, byContactId, byEmail, settings),
    };
  }

  if (byEmail) {
    if (safeLead) {
      return {
        found: false,
        refused: 'lead-not-applied',
        reason: byEmail.customerlyContactId
          ? 'A Strapi user with this email is linked to another Customerly contact, and a lead (an unverified email) never changes it: nothing was changed.'
          : 'A Strapi user with this email exists and is not linked to this lead, and a lead (an unverified email) never changes it: nothing was changed.',
      };
    }
    // The user with this email belongs to another Customerly contact: relinking it would let this contact's id (and
    // then its email changes) take the account over.
    if (byEmail.customerlyContactId && contact.crmheroUserId && byEmail.customerlyContactId !== contact.crmheroUserId) {
      return {
        found: false,
        refused: 'linked-to-another-contact',
        reason:
          'The Strapi user with this email is linked to another Customerly contact (another crmhero_user_id), so this contact does not change it: nothing was changed.',
      };
    }
    return { found: true, user: byEmail, matchedBy: 'email', email: { change: false } };
  }
  return { found: false };
}

function emailDecision(
  contact: Pick<ContactInput, 'email' | 'kind'>,
  user: SyncedUser,
  byEmail: SyncedUser | undefined,
  settings: MatchSettings
): EmailDecision {
  const current = user.email.toLowerCase();
  if (current === contact.email) return { change: false };
  if (contact.kind === 'lead') {
    return { change: false, reason: `the contact is a lead, whose email is not verified: the user's email was kept` };
  }
  if (!settings.followEmailChanges) {
    return {
      change: false,
      reason: 'the email changed in Customerly, and followEmailChanges is off: the email was kept',
    };
  }
  if (byEmail && byEmail.id !== user.id) {
    return {
      change: false,
      reason: `the email changed in Customerly to ${contact.email}, which another user already has: the email was kept`,
    };
  }
  return { change: true, from: user.email, to: contact.email };
}
