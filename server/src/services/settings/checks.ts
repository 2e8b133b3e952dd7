import type { Core } from '@strapi/strapi';
import { tagsFieldOf } from '../../config/read';
import type { PluginConfig } from '../../config/schema';
import { ENV_OVERRIDES, type EnvOverridable } from '../../constants';
import { getService } from '../../utils/get-service';
import type { FieldError } from '../../validation/errors';
import type { SettingsUpdate } from '../../validation/settings';
import { tagRuleErrors } from '../sync/tag-rules';
import { upDefaultRoleType, userAttributes } from '../sync/users-permissions';
import { fieldMappingProblems } from './mapping-checks';
import { envValue } from './store';

/** The fields of a save that an environment variable sets: the environment wins, so they cannot be changed here. */
export function lockedFieldErrors(update: SettingsUpdate): FieldError[] {
  return (Object.keys(ENV_OVERRIDES) as EnvOverridable[])
    .filter((key) => update[key] !== undefined && envValue(key) !== undefined)
    .map((key) => ({
      path: [key],
      message: `${ENV_OVERRIDES[key]} is set in the environment, which wins: change it there`,
    }));
}

/**
 * Checks what needs the database or the user schema: roles that exist; mapping rows whose target exists, takes
 * the row's type and is not written by another row.
 */
export async function referenceProblems(
  strapi: Core.Strapi,
  next: PluginConfig,
  update: SettingsUpdate
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  const roles = await getService(strapi, 'roles').list();
  const exists = (n: string) =>
    roles.some((r) => r.type.toLowerCase() === n.toLowerCase() || r.name.toLowerCase() === n.toLowerCase());
  if (update.defaultRole && !exists(update.defaultRole)) {
    problems.push({ path: ['defaultRole'], message: `there is no users-permissions role "${update.defaultRole}"` });
  }
  update.allowedRoles?.forEach((r, i) => {
    if (!exists(r))
      problems.push({ path: ['allowedRoles', String(i)], message: `there is no users-permissions role "${r}"` });
  });
  if (update.fieldMapping)
    problems.push(...fieldMappingProblems(update.fieldMapping, userAttributes(strapi), tagsFieldOf(strapi)));
  // The rules are checked against the allowlist they will run with, whichever of the two this save changes.
  if (update.tagRules || update.allowedRoles || update.defaultRole !== undefined) {
    for (const e of tagRuleErrors(next.tagRules, next, roles, await upDefaultRoleType(strapi)))
      problems.push({ path: ['tagRules', String(e.index), e.field], message: e.message });
  }
  if (next.returnPassword.enabled && !next.returnPassword.attribute) {
    problems.push({
      path: ['returnPassword', 'attribute'],
      message: 'name the Customerly attribute that receives the password',
    });
  }
  return problems;
}
