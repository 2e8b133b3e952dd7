import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { ROLE_UID } from '../../content-types';
import { WebhookError } from '../webhook/answers';
import { upDefaultRoleType } from './users-permissions';

export interface RoleRef {
  id: number;
  name: string;
  type: string;
}

export interface RolePolicy {
  defaultRole: RoleRef;
  /** Roles a webhook may give, and the only roles it may take a user away from. */
  allowed: RoleRef[];
}

/** Matches a role by type or by name, ignoring case. */
export function findRole(roles: RoleRef[], nameOrType: string): RoleRef | undefined {
  const wanted = nameOrType.trim().toLowerCase();
  return roles.find((r) => r.type.toLowerCase() === wanted) ?? roles.find((r) => r.name.toLowerCase() === wanted);
}

/** Builds the policy from the settings: the default role, and the allowlist (by default the default role only). */
export function buildRolePolicy(
  roles: RoleRef[],
  settings: Pick<PluginConfig, 'defaultRole' | 'allowedRoles'>,
  upDefaultType: string | undefined
): RolePolicy {
  const defaultName = settings.defaultRole || upDefaultType || 'authenticated';
  const defaultRole = findRole(roles, defaultName);
  if (!defaultRole) {
    throw new WebhookError(
      503,
      'not_configured',
      `The default role "${defaultName}" does not exist: pick an existing role as the Customerly default role.`
    );
  }
  const allowed = settings.allowedRoles.length
    ? settings.allowedRoles.map((n) => findRole(roles, n)).filter((r): r is RoleRef => !!r)
    : [defaultRole];
  return { defaultRole, allowed };
}

export const isAllowed = (policy: RolePolicy, role: { id: number } | null | undefined) =>
  !!role && policy.allowed.some((r) => r.id === role.id);

/** The role a `role=` parameter asks for: 422 when it does not exist, 403 when it is not on the allowlist. */
export function requestedRole(roles: RoleRef[], policy: RolePolicy, param: string): RoleRef {
  const role = findRole(roles, param);
  if (!role) {
    throw new WebhookError(
      422,
      'unknown_role',
      `The role "${param}" does not exist: use the name or type of a users-permissions role.`
    );
  }
  if (!isAllowed(policy, role)) {
    throw new WebhookError(
      403,
      'role_not_allowed',
      `The role "${param}" is not on the list of roles a webhook may assign: add it in Settings → Customerly (allowedRoles).`
    );
  }
  return role;
}

/**
 * How long the roles and users-permissions' default role are reused by deliveries. A role written in this process
 * clears them at once; one written by another process is seen within this time.
 */
const ROLES_CACHE_MS = 2000;

/** The users-permissions roles, and what a webhook may do with them. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const list = async (): Promise<RoleRef[]> => strapi.db.query(ROLE_UID).findMany({ select: ['id', 'name', 'type'] });
  let cached: { at: number; roles: RoleRef[]; upDefaultType: string | undefined } | undefined;
  const forget = () => {
    cached = undefined;
  };
  strapi.db.lifecycles.subscribe({
    models: [ROLE_UID],
    afterCreate: forget,
    afterCreateMany: forget,
    afterUpdate: forget,
    afterUpdateMany: forget,
    afterDelete: forget,
    afterDeleteMany: forget,
  });
  return {
    list,
    /** Every delivery that may give a role reads this: the roles and the default role, reused for a moment. */
    async policy(settings: PluginConfig): Promise<{ roles: RoleRef[]; policy: RolePolicy }> {
      if (!cached || Date.now() - cached.at > ROLES_CACHE_MS) {
        cached = { at: Date.now(), roles: await list(), upDefaultType: await upDefaultRoleType(strapi) };
      }
      const { roles, upDefaultType } = cached;
      return { roles, policy: buildRolePolicy(roles, settings, upDefaultType) };
    },
  };
};
