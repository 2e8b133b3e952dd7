import type { TagRule } from '../../../../shared/contracts/settings';
import { findRole, isAllowed, type RolePolicy, type RoleRef } from './roles';

/** Why a delivery gave (or kept) the role it did. */
export type RoleReason = 'kept' | 'rule' | 'rule-gone' | 'param' | 'default' | 'unchanged';

export interface RoleDecision {
  /** The role the user ends with; undefined when the user's role is left as it is. */
  role?: RoleRef;
  reason: RoleReason;
  /** The tag of the rule that decided it (reason `rule`). */
  rule?: string;
  /** Rules that could not apply (their role does not exist, or is off the allowlist). */
  warnings: string[];
}

export interface RoleInput {
  /** The user's role now; undefined for a user about to be created. */
  current?: RoleRef | null;
  /** The user's tag names after this delivery; undefined when the delivery does not know them. */
  tags?: string[];
  rules: TagRule[];
  roles: RoleRef[];
  policy: RolePolicy;
  /** The role the `role=` parameter asks for (already checked: it exists and is allowed). */
  wanted?: RoleRef;
}

/** Why a rule cannot apply now, or null when it can: its role must exist and be on the allowlist. */
export function ruleProblem(rule: TagRule, roles: RoleRef[], policy: RolePolicy): string | null {
  const role = findRole(roles, rule.role);
  if (!role) return `the tag rule "${rule.tag}" → "${rule.role}" is skipped: there is no role "${rule.role}" (yet)`;
  if (!isAllowed(policy, role)) {
    return `the tag rule "${rule.tag}" → "${rule.role}" is skipped: the role is not on the webhook allowlist`;
  }
  return null;
}

/**
 * The role of a user after a delivery, in product.md's order:
 *  1. a user whose current role is off the allowlist is never touched (`kept`);
 *  2. the first rule whose tag the user now has gives its role, over a `role` parameter (`rule`);
 *  3. no rule matches but the current role is some rule's role (its tag went): the `role` parameter, else the
 *     default role (`rule-gone`);
 *  4. otherwise as without rules: the `role` parameter (`param`), the default role for a new user (`default`), or
 *     the role as it is (`unchanged`).
 * Rules only act when the delivery knows the user's tags.
 */
export function decideRole(input: RoleInput): RoleDecision {
  const { current, tags, rules, roles, policy, wanted } = input;
  const isNew = current === undefined;
  const warnings: string[] = [];
  if (!isNew && !isAllowed(policy, current)) return { reason: 'kept', warnings };

  if (tags && rules.length) {
    const have = new Set(tags.map((t) => t.toLowerCase()));
    for (const rule of rules) {
      if (!have.has(rule.tag.trim().toLowerCase())) continue;
      const problem = ruleProblem(rule, roles, policy);
      if (problem) {
        warnings.push(problem);
        continue;
      }
      return { role: findRole(roles, rule.role), reason: 'rule', rule: rule.tag, warnings };
    }
    const ruleRoleIds = new Set(
      rules.map((r) => findRole(roles, r.role)?.id).filter((id): id is number => id !== undefined)
    );
    if (!isNew && current && ruleRoleIds.has(current.id)) {
      return { role: wanted ?? policy.defaultRole, reason: 'rule-gone', warnings };
    }
  }
  if (wanted) return { role: wanted, reason: 'param', warnings };
  if (isNew) return { role: policy.defaultRole, reason: 'default', warnings };
  return { reason: 'unchanged', warnings };
}

/** The role names a rule may give: the allowlist, or (when it is empty) the default role. */
function allowlistNames(settings: { allowedRoles: string[]; defaultRole: string }, upDefaultType?: string): string[] {
  if (settings.allowedRoles.length) return settings.allowedRoles;
  return [settings.defaultRole || upDefaultType || 'authenticated'];
}

/**
 * The rules that break the configuration, each with its index: a role off the allowlist (compared by name or type,
 * ignoring case, or as the same existing role), or a tag that an earlier rule has already. A rule whose role does not
 * exist yet is not refused here (it is skipped with a warning when it would apply).
 */
export function tagRuleErrors(
  rules: TagRule[],
  settings: { allowedRoles: string[]; defaultRole: string },
  roles: RoleRef[],
  upDefaultType?: string
): Array<{ index: number; field: 'tag' | 'role'; message: string }> {
  const allowed = allowlistNames(settings, upDefaultType);
  const allowedIds = new Set(allowed.map((n) => findRole(roles, n)?.id));
  allowedIds.delete(undefined);
  const onList = (role: string) =>
    allowed.some((n) => n.trim().toLowerCase() === role.trim().toLowerCase()) ||
    allowedIds.has(findRole(roles, role)?.id ?? -1);
  const errors: Array<{ index: number; field: 'tag' | 'role'; message: string }> = [];
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const key = rule.tag.trim().toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        index,
        field: 'tag',
        message: `the tag "${rule.tag}" already has a rule (tagRules[${first}]), which wins: remove one of them`,
      });
    } else seen.set(key, index);
    if (!onList(rule.role)) {
      errors.push({
        index,
        field: 'role',
        message: `the role "${rule.role}" is not on the list of roles a webhook may assign (${allowed.join(', ')}): add it to allowedRoles first`,
      });
    }
  });
  return errors;
}
