import type { AdminSettings, EditableSettings, SettingsRole, TagRule } from '../../../../shared/contracts/settings';
import { useT } from '../../utils/useT';

/** A role a tag rule may give: its value (the role type, or the allowlist entry when no such role exists yet). */
export interface RoleChoice {
  value: string;
  label: string;
  /** False for an allowlist entry that names no users-permissions role (yet): such a rule is skipped until it does. */
  exists: boolean;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The role an allowlist entry or a rule names, by type first, then by name (ignoring case), as the server does. */
const roleNamed = (roles: SettingsRole[], nameOrType: string): SettingsRole | undefined =>
  roles.find((r) => same(r.type, nameOrType)) ?? roles.find((r) => same(r.name, nameOrType));

/**
 * The roles a rule may give: the allowlist being edited, or (when it is empty) the default role, which is then the
 * only role a webhook may assign.
 */
export function ruleRoleChoices(
  data: AdminSettings,
  settings: Pick<EditableSettings, 'allowedRoles' | 'defaultRole'>
): RoleChoice[] {
  const entries = settings.allowedRoles.length
    ? settings.allowedRoles
    : [settings.defaultRole || data.meta.upDefaultRole];
  const choices: RoleChoice[] = [];
  for (const entry of entries) {
    const role = roleNamed(data.meta.roles, entry);
    const choice = role
      ? { value: role.type, label: role.name, exists: true }
      : { value: entry.trim(), label: entry.trim(), exists: false };
    if (choice.value && !choices.some((c) => same(c.value, choice.value))) choices.push(choice);
  }
  return choices;
}

/** The choice a rule's role names (by value or label, ignoring case), if any. */
export const choiceOf = (choices: RoleChoice[], role: string): RoleChoice | undefined =>
  choices.find((c) => same(c.value, role)) ?? choices.find((c) => same(c.label, role));

/**
 * The panel's own check of the rules as they are edited, in the admin's language, with the server's rules: a tag an
 * earlier rule has (`tagRules.i.tag`), a role off the allowlist (`tagRules.i.role`). The server checks the same on
 * save, and its message then wins.
 */
export function useTagRuleIssues(data: AdminSettings, settings: EditableSettings): Record<string, string> {
  const t = useT();
  const choices = ruleRoleChoices(data, settings);
  const issues: Record<string, string> = {};
  const first = new Map<string, number>();
  settings.tagRules.forEach((rule, i) => {
    const key = rule.tag.trim().toLowerCase();
    if (key) {
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, i);
      else issues[`tagRules.${i}.tag`] = t('tagRules.duplicate', { tag: rule.tag.trim(), n: earlier + 1 });
    }
    if (rule.role && !choiceOf(choices, rule.role)) {
      issues[`tagRules.${i}.role`] = t('tagRules.roleOff', { role: rule.role });
    }
  });
  return issues;
}

/**
 * The server's warnings (rules skipped now: their role does not exist, or is off the allowlist) for one row of the
 * form. They are about the saved rules, so they are matched by the rule (tag and role), not by position: a row moved
 * or edited since the last save keeps, or loses, its warning accordingly.
 */
export function savedRuleWarnings(data: AdminSettings, row: TagRule): string[] {
  const saved = data.settings.tagRules;
  return data.meta.tagRuleWarnings
    .filter((w) => {
      const rule = saved[w.index];
      return rule !== undefined && same(rule.tag, row.tag) && same(rule.role, row.role);
    })
    .map((w) => w.message);
}

/** The server's warnings about the rules as a whole (index -1), e.g. no default role. */
export const generalRuleWarnings = (data: AdminSettings): string[] =>
  data.meta.tagRuleWarnings
    .filter((w) => w.index < 0 || w.index >= data.settings.tagRules.length)
    .map((w) => w.message);
