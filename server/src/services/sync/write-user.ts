import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { tagsFieldOf } from '../../config/read';
import { USER_UID, documentData } from '../../content-types';
import { getService } from '../../utils/get-service';
import type { ContactInput } from '../webhook/contact';
import type { SyncPlan } from './decide';
import type { RoleRef } from './roles';
import type { RoleDecision } from './tag-rules';
import type { TagRef } from './tags';
import type { FoundUser } from './user-match';
import { baseUsername, generatePassword, type SyncedUser } from './users';
import type { SyncNotes, SyncRequest } from './types';

/**
 * `role` of the answer for a user found: `{ name, changed, from, rule }` (`rule`: the tag that decided it), or the kept
 * role when the current one is off the allowlist. Absent when nothing in the delivery could change the role.
 */
export function roleAnswer(decision: RoleDecision | undefined, current: RoleRef | null): WrittenUser['role'] {
  if (!decision || decision.reason === 'unchanged') return undefined;
  if (decision.reason === 'kept') {
    return {
      name: current?.name ?? null,
      changed: false,
      kept: 'the current role is not on the webhook allowlist, so it is not changed',
    };
  }
  const to = decision.role!;
  const changed = current?.id !== to.id;
  return {
    name: to.name,
    changed,
    ...(changed ? { from: current?.name ?? null } : {}),
    ...(decision.rule ? { rule: decision.rule } : {}),
    reason: decision.reason,
  };
}

/** What step 4 wrote, for the events, the after-add effects and the answer. */
export interface WrittenUser {
  user: SyncedUser;
  created: boolean;
  /** The user's tag names before the write. */
  previousTags: string[];
  /** `role` of the answer: the role given or kept, and why. */
  role?: {
    name: string | null;
    changed: boolean;
    from?: string | null;
    rule?: string;
    reason?: string;
    kept?: string;
  };
  /** The mapped fields whose value changed. */
  changedFields: string[];
  /** `email` of the answer: whether the email followed Customerly's. */
  email?: Record<string, unknown>;
  /** The new user's password (a secret): given by the mapping, or generated. */
  password?: { value: string; generated: boolean };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date) a = a.toISOString();
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Step 4 for a user found: one update with the mapped fields, the tags, the Customerly ids, the email and the role. */
export async function updateUser(
  strapi: Core.Strapi,
  req: SyncRequest,
  contact: ContactInput,
  found: FoundUser,
  plan: SyncPlan,
  notes: SyncNotes
): Promise<WrittenUser> {
  const tagsField = tagsFieldOf(strapi);
  const { user } = found;
  const previousTags = ((user[tagsField] as TagRef[] | undefined) ?? []).map((t) => t.name);
  const mapped = plan.mapping?.data ?? {};
  const data: Record<string, unknown> = { ...mapped };
  if (plan.tags) data[tagsField] = { set: plan.tags.map((t) => ({ id: t.id })) };
  if (contact.crmheroUserId && user.customerlyContactId !== contact.crmheroUserId)
    data.customerlyContactId = contact.crmheroUserId;
  if (contact.userId && user.customerlyUserId !== contact.userId) data.customerlyUserId = contact.userId;

  let email: Record<string, unknown> | undefined;
  if (req.action !== 'update_tags') {
    if (found.email.change) {
      data.email = found.email.to;
      email = { changed: true, from: found.email.from, to: found.email.to };
    } else if (found.email.reason) {
      email = { changed: false, reason: found.email.reason };
      notes.warnings.push(found.email.reason);
    }
  }

  const role = roleAnswer(plan.role, user.role ?? null);
  if (role?.changed && plan.role?.role) data.role = plan.role.role.id;

  const changedFields = Object.keys(mapped).filter((k) => !sameValue(user[k], mapped[k]));
  if (Object.keys(data).length) {
    await strapi.documents(USER_UID).update({ documentId: user.documentId, data: documentData(USER_UID, data) });
  }
  return { user, created: false, previousTags, role, changedFields, email };
}

/** Step 4 for a new user: created through users-permissions, with a free username and a password. */
export async function createUser(
  strapi: Core.Strapi,
  contact: ContactInput,
  plan: SyncPlan,
  settings: PluginConfig,
  notes: SyncNotes
): Promise<WrittenUser> {
  const role = plan.role?.role;
  if (!role) throw new Error('[customerly] a new user needs a role decision');
  const mapping = plan.mapping;
  const username = await getService(strapi, 'users').freeUsername(
    mapping?.login || baseUsername(settings.usernameFormat, contact.email, contact.name)
  );
  const password = mapping?.password
    ? { value: mapping.password, generated: false }
    : { value: generatePassword(), generated: true };
  notes.secrets.push(password.value);
  const created: SyncedUser = await strapi
    .plugin('users-permissions')
    .service('user')
    .add({
      ...(mapping?.data ?? {}),
      username,
      email: contact.email,
      password: password.value,
      provider: 'local',
      confirmed: settings.confirmed,
      blocked: false,
      role: role.id,
      [tagsFieldOf(strapi)]: plan.tags?.map((t) => t.id) ?? [],
      customerlyContactId: contact.crmheroUserId ?? null,
      customerlyUserId: contact.userId ?? null,
      customerlyCreated: true,
    });
  return {
    user: { ...created, role },
    created: true,
    previousTags: [],
    role: { name: role.name, changed: true, from: null, ...(plan.role?.rule ? { rule: plan.role.rule } : {}) },
    changedFields: Object.keys(mapping?.data ?? {}),
    password,
  };
}
