import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { tagsFieldOf } from '../../config/read';
import { REDACTED } from '../../utils/redact';
import { getService } from '../../utils/get-service';
import type { ContactInput } from '../webhook/contact';
import { applyMapping, type MappingResult } from './field-mapping';
import { requestedRole } from './roles';
import { decideRole, type RoleDecision } from './tag-rules';
import type { SyncedUser } from './users';
import type { TagRef } from './tags';
import { userAttributes } from './users-permissions';
import { USER_UID } from '../../content-types';
import type { SyncNotes, SyncRequest } from './types';

/** What the delivery will write, decided before anything is. */
export interface SyncPlan {
  /** The role decision (tag rules, role parameter, default role); absent when nothing could change the role. */
  role?: RoleDecision;
  /** The mapped fields (not for update_tags). */
  mapping?: MappingResult;
  /** The user's tags to be: undefined when the contact's tags are unknown (then they are left as they are). */
  tags?: TagRef[];
}

/**
 * Step 3, decide the role, the fields and the tags. Throws a WebhookError for a role that does not exist or is not
 * allowed. The tags are created here, outside the user's write, so that a concurrent insert of the same tag cannot
 * poison it.
 */
export async function decide(
  strapi: Core.Strapi,
  req: SyncRequest,
  contact: ContactInput,
  settings: PluginConfig,
  notes: SyncNotes,
  /** The user the delivery updates (none for a new user), with its role when a role may change. */
  user?: SyncedUser
): Promise<SyncPlan> {
  const userId = user?.id;
  const isNewUser = !user;
  const rulesMayAct = settings.tagRules.length > 0 && contact.tags !== undefined;
  // The role policy is only needed to give a role: a role parameter, a new user, or tag rules.
  const { roles, policy } =
    req.params.role || isNewUser || rulesMayAct
      ? await getService(strapi, 'roles').policy(settings)
      : { roles: [], policy: undefined };
  const wantedRole = req.params.role && policy ? requestedRole(roles, policy, req.params.role) : undefined;

  const mapping =
    req.action === 'update_tags'
      ? undefined
      : applyMapping(contact, settings.fieldMapping, userAttributes(strapi), tagsFieldOf(strapi));
  // A replayed delivery has the password redacted: a new one is generated instead.
  if (mapping?.password === REDACTED) delete mapping.password;
  // A lead's email is not verified: in safe mode a password from its payload would let whoever typed the email log
  // in to an account made for that address (the lead may set its own attributes), so a new one is generated.
  if (mapping?.password && contact.kind === 'lead' && settings.leads === 'safe') {
    delete mapping.password;
    notes.warnings.push('the password in a lead payload is not used (leads: "safe"): a password was generated');
  }
  if (mapping?.password) notes.secrets.push(mapping.password);
  if (mapping) await skipTakenUniqueValues(strapi, mapping, settings.fieldMapping, userId);
  for (const s of mapping?.skipped ?? []) notes.warnings.push(`field ${s.from} → ${s.to} skipped: ${s.reason}`);

  const tags = contact.tags ? await getService(strapi, 'tags').ensure(contact.tags) : undefined;
  const role = policy
    ? decideRole({
        current: isNewUser ? undefined : (user?.role ?? null),
        tags: tags?.map((t) => t.name),
        rules: settings.tagRules,
        roles,
        policy,
        wanted: wantedRole,
      })
    : undefined;
  for (const w of role?.warnings ?? []) {
    notes.warnings.push(w);
    strapi.log.warn(`[customerly] ${w} (delivery ${req.eventId})`);
  }
  return { role, mapping, tags };
}

/**
 * A mapped value for a unique attribute that another user already has is skipped (reported with the others): the
 * write would fail after the delivery is stored ("This attribute must be unique").
 */
async function skipTakenUniqueValues(
  strapi: Core.Strapi,
  mapping: MappingResult,
  rows: PluginConfig['fieldMapping'],
  userId: number | undefined
) {
  const attributes = userAttributes(strapi);
  for (const [name, value] of Object.entries(mapping.data)) {
    if (!attributes[name]?.unique || value === null || value === undefined) continue;
    const where = userId === undefined ? { [name]: value } : { [name]: value, id: { $ne: userId } };
    if (!(await strapi.db.query(USER_UID).count({ where }))) continue;
    delete mapping.data[name];
    mapping.skipped.push({
      from: rows.find((r) => r.to === name)?.from ?? name,
      to: name,
      reason: 'another user already has this value, and the attribute is unique',
    });
  }
}
