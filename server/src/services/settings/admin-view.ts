import type { Core } from '@strapi/strapi';
import {
  TAG_CHOICES_MAX,
  type AdminSettings,
  type SecretState,
  type SettingSource,
} from '../../../../shared/contracts/settings';
import type { PluginConfig } from '../../config/schema';
import { TAG_UID } from '../../content-types';
import { ruleProblem } from '../sync/tag-rules';
import { WEBHOOK_ACTIONS } from '../../../../shared/contracts/webhook';
import { tagsFieldOf } from '../../config/read';
import {
  ENV_OVERRIDES,
  LOGIN_TARGET,
  NON_WRITABLE_ATTRIBUTE_TYPES,
  PASSWORD_TARGET,
  includes,
  type EnvOverridable,
} from '../../constants';
import { maskSecret } from '../../utils/encryption';
import { getService } from '../../utils/get-service';
import { DEFAULT_REST_PREFIX, webhookRoutePath } from '../webhook/route';
import { PROTECTED_ATTRIBUTES } from '../sync/field-mapping';
import { upDefaultRoleType, userAttributes } from '../sync/users-permissions';
import { EDITABLE_KEYS, SECRET_KEYS, isSecretKey, type SecretKey } from './schema';
import { envValue, type LoadedSettings, type SettingsStore } from './store';

/** Where a setting's value comes from: the environment, the panel, config/plugins, or the default. */
function sourceOf(strapi: Core.Strapi, key: string, { stored, plain }: LoadedSettings): SettingSource {
  if (key in ENV_OVERRIDES && envValue(key as EnvOverridable) !== undefined) return 'env';
  const fromPanel = isSecretKey(key)
    ? plain[key] !== undefined
    : (stored as Record<string, unknown>)[key] !== undefined;
  if (fromPanel) return 'panel';
  const file = strapi.config.get('plugin::customerly') as Record<string, unknown> | undefined;
  const fileValue = file?.[key];
  return fileValue !== undefined && fileValue !== '' ? 'file' : 'default';
}

/** The user attributes a mapping row may write (the panel's choice of targets). */
function writableAttributes(strapi: Core.Strapi): Array<{ name: string; type: string }> {
  const tagsField = tagsFieldOf(strapi);
  return Object.entries(userAttributes(strapi))
    .filter(
      ([name, attr]) =>
        !PROTECTED_ATTRIBUTES.has(name) && name !== tagsField && !includes(NON_WRITABLE_ATTRIBUTE_TYPES, attr.type)
    )
    .map(([name, attr]) => ({ name, type: attr.type }));
}

/** The tag names for the tag rules' pickers (the first TAG_CHOICES_MAX by name; others can be typed). */
async function tagChoices(strapi: Core.Strapi): Promise<string[]> {
  const rows: Array<{ name: string }> = await strapi.db
    .query(TAG_UID)
    .findMany({ select: ['name'], orderBy: { name: 'asc' }, limit: TAG_CHOICES_MAX });
  return rows.map((r) => r.name);
}

/** Rules that would be skipped now (their role does not exist, or is off the allowlist), for the panel. */
async function tagRuleWarnings(strapi: Core.Strapi, settings: PluginConfig) {
  if (!settings.tagRules.length) return [];
  try {
    const { roles, policy } = await getService(strapi, 'roles').policy(settings);
    return settings.tagRules.flatMap((rule, index) => {
      const message = ruleProblem(rule, roles, policy);
      return message ? [{ index, message }] : [];
    });
  } catch (e) {
    // No default role: every rule waits for it.
    return [{ index: -1, message: (e as Error).message }];
  }
}

/** What the panel may see: every setting but the secrets, which come masked, and where each value comes from. */
export async function adminView(strapi: Core.Strapi, store: SettingsStore): Promise<AdminSettings> {
  const loaded = await store.load();
  const { merged } = loaded;
  const secrets = {} as Record<SecretKey, SecretState>;
  for (const key of SECRET_KEYS) {
    const source = sourceOf(strapi, key, loaded);
    secrets[key] = {
      set: !!merged[key],
      masked: maskSecret(merged[key]),
      source,
      locked: source === 'env',
      envVar: ENV_OVERRIDES[key],
    };
  }
  const locked: Partial<Record<EnvOverridable, string>> = {};
  for (const key of Object.keys(ENV_OVERRIDES) as EnvOverridable[])
    if (envValue(key) !== undefined) locked[key] = ENV_OVERRIDES[key];
  const sources: Record<string, SettingSource> = {};
  for (const key of EDITABLE_KEYS) sources[key] = sourceOf(strapi, key, loaded);
  const roles = await getService(strapi, 'roles').list();
  const defaultType = (await upDefaultRoleType(strapi)) ?? 'authenticated';
  const prefix = String(strapi.config.get('api.rest.prefix') ?? DEFAULT_REST_PREFIX);
  store.secretBox();
  return {
    settings: {
      apiUrl: merged.apiUrl,
      defaultRole: merged.defaultRole,
      allowedRoles: merged.allowedRoles,
      confirmed: merged.confirmed,
      usernameFormat: merged.usernameFormat,
      returnPassword: merged.returnPassword,
      welcomeEmail: merged.welcomeEmail,
      fieldMapping: merged.fieldMapping,
      processing: merged.processing,
      tagRules: merged.tagRules,
      reconcile: merged.reconcile,
      outbound: merged.outbound,
    },
    secrets,
    locked,
    sources,
    meta: {
      // As the router builds it: the prefix, then the route's path (a prefix ending in "/" gives "//").
      webhookPath: webhookRoutePath(prefix),
      serverUrl: String(strapi.config.get('server.absoluteUrl') ?? ''),
      roles: roles.map((r) => ({ id: r.id, name: r.name, type: r.type, isDefault: r.type === defaultType })),
      upDefaultRole: defaultType,
      userAttributes: writableAttributes(strapi),
      loginTargets: [LOGIN_TARGET, PASSWORD_TARGET],
      actions: [...WEBHOOK_ACTIONS],
      encryption: store.encryptionSource(),
      resetPasswordPage: await getService(strapi, 'welcome-email').resetPasswordPage(),
      tags: await tagChoices(strapi),
      tagRuleWarnings: await tagRuleWarnings(strapi, merged),
      reconcileNextRun: getService(strapi, 'reconcile').nextRun()?.toISOString() ?? null,
    },
  };
}
