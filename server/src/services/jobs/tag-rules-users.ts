import type { Core } from '@strapi/strapi';
import type { TagRule } from '../../../../shared/contracts/settings';
import { tagsFieldOf } from '../../config/read';
import { USER_UID } from '../../content-types';
import { getService } from '../../utils/get-service';
import type { RolePolicy, RoleRef } from '../sync/roles';
import { decideRole } from '../sync/tag-rules';

/**
 * What the apply-tag-rules job and its preview share: the rules and roles as the settings give them now, users read
 * in batches by id, and the decision for each user, made by the same `decideRole` as a webhook delivery (with no
 * `role` parameter).
 */

export interface RulesContext {
  rules: TagRule[];
  roles: RoleRef[];
  policy: RolePolicy;
  tagsField: string;
}

export interface RuleUser {
  id: number;
  documentId: string;
  email: string;
  username: string;
  role: RoleRef | null;
  tags: string[];
}

/** A user's outcome: a new role, the role as it is, or kept because the current role is off the allowlist. */
export type UserDecision =
  | { kind: 'change'; from: RoleRef | null; to: RoleRef; warnings: string[] }
  | { kind: 'unchanged'; warnings: string[] }
  | { kind: 'kept'; warnings: string[] };

/** The effective settings' tag rules, the roles and the allowlist (throws when the default role does not exist). */
export async function loadRulesContext(strapi: Core.Strapi): Promise<RulesContext> {
  const settings = await getService(strapi, 'settings').get();
  const { roles, policy } = await getService(strapi, 'roles').policy(settings);
  return { rules: settings.tagRules ?? [], roles, policy, tagsField: tagsFieldOf(strapi) };
}

/** At most `size` users after id `afterId`, in id order, with their role and tag names. */
export async function readUsers(
  strapi: Core.Strapi,
  ctx: Pick<RulesContext, 'tagsField'>,
  afterId: number,
  size: number
): Promise<RuleUser[]> {
  const rows = (await strapi.db.query(USER_UID).findMany({
    where: { id: { $gt: afterId } },
    orderBy: { id: 'asc' },
    limit: size,
    select: ['id', 'documentId', 'email', 'username'],
    populate: { role: { select: ['id', 'name', 'type'] }, [ctx.tagsField]: { select: ['name'] } },
  })) as Array<Record<string, unknown> & { id: number; documentId: string }>;
  return rows.map((r) => ({
    id: Number(r.id),
    documentId: String(r.documentId),
    email: String(r.email ?? ''),
    username: String(r.username ?? ''),
    role: (r.role as RoleRef | null | undefined) ?? null,
    tags: ((r[ctx.tagsField] as Array<{ name: string }> | undefined) ?? []).map((t) => t.name),
  }));
}

export async function countUsers(strapi: Core.Strapi): Promise<number> {
  return Number(await strapi.db.query(USER_UID).count({}));
}

/** The role this user should have under the rules now. */
export function decideUser(ctx: RulesContext, user: RuleUser): UserDecision {
  const decision = decideRole({
    current: user.role,
    tags: user.tags,
    rules: ctx.rules,
    roles: ctx.roles,
    policy: ctx.policy,
    wanted: undefined,
  });
  const { warnings } = decision;
  if (decision.reason === 'kept') return { kind: 'kept', warnings };
  if (decision.role && decision.role.id !== user.role?.id) {
    return { kind: 'change', from: user.role, to: decision.role, warnings };
  }
  return { kind: 'unchanged', warnings };
}

/** Adds new warnings to a list, without repeats, keeping at most `max`. */
export function addWarnings(list: string[], more: string[], max = 20): string[] {
  const out = [...list];
  for (const w of more) if (!out.includes(w) && out.length < max) out.push(w);
  return out;
}

/** "Like this." from "like this". */
export const sentence = (text: string) =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

export const users = (n: number) => (n === 1 ? '1 user' : `${n} users`);
