import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { pluginConfigSchema, type PluginConfig } from '../config/schema';
import { USER_UID } from '../content-types';
import { SecretBox, isEncrypted, keyMaterial, maskSecret, newAccessKey } from '../utils/encryption';
import { LOGIN_TARGET, PASSWORD_TARGET, PROTECTED_ATTRIBUTES, mappingRowProblem } from './field-mapping';
import type { RoleRef } from './roles';
import {
  EDITABLE_KEYS,
  ENV_OVERRIDES,
  SECRET_KEYS,
  settingsUpdateSchema,
  storedSettingsSchema,
  zodFieldErrors,
  type EnvOverridable,
  type FieldError,
  type PublicSettings,
  type SecretKey,
  type SettingsUpdate,
  type StoredSettings,
} from './settings-schema';
import { testConnection, type ConnectionResult } from './settings-connection';

/** Kept for callers that want the env names of the secrets. */
export const SECRET_ENV = { webhookKey: ENV_OVERRIDES.webhookKey, apiToken: ENV_OVERRIDES.apiToken } as const;

const STORE_KEY = 'settings';

export type FieldSource = 'env' | 'panel' | 'file' | 'default';

export interface SecretState {
  set: boolean;
  /** Never the value: a fixed mask when set. */
  masked: string;
  source: FieldSource;
  locked: boolean;
  envVar: string;
}

export interface AdminSettings {
  settings: PublicSettings;
  secrets: Record<SecretKey, SecretState>;
  /** Fields an environment variable sets: the panel shows them read-only. */
  locked: Partial<Record<EnvOverridable, string>>;
  sources: Record<string, FieldSource>;
  meta: {
    webhookPath: string;
    serverUrl: string;
    roles: Array<RoleRef & { isDefault: boolean }>;
    upDefaultRole: string;
    userAttributes: Array<{ name: string; type: string }>;
    loginTargets: string[];
    actions: string[];
    encryption: 'encryptionKey' | 'appKeys';
  };
}

const envValue = (key: EnvOverridable): string | undefined => {
  const v = process.env[ENV_OVERRIDES[key]];
  return v && v.trim() ? v.trim() : undefined;
};

const invalid = (details: FieldError[], message = 'Some settings are not valid: see the highlighted fields.') =>
  new errors.ValidationError(message, { errors: details.map((d) => ({ path: d.path, message: d.message, name: 'ValidationError' })) });

/**
 * The plugin's settings: `config/plugins` (defaults) ← values saved in the admin panel (the plugin store; secrets
 * encrypted) ← environment variables for the secrets and the API URL.
 *
 * `get()` runs on every delivery. It reads the one store row (a cheap query, so that a change saved by any process
 * applies at once everywhere) and re-parses and decrypts only when that row changed.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => strapi.store({ type: 'plugin', name: 'customerly' });
  let box: SecretBox | null = null;
  let boxSource: 'encryptionKey' | 'appKeys' = 'encryptionKey';
  const secretBox = () => {
    if (!box) {
      const { material, source } = keyMaterial((p) => strapi.config.get(p));
      box = new SecretBox(material);
      boxSource = source;
    }
    return box;
  };

  let cache: { raw: string; stored: StoredSettings; plain: Partial<Record<SecretKey, string>>; merged: PluginConfig; envSig: string } | null = null;
  const warned = new Set<string>();
  const warnOnce = (msg: string) => {
    if (warned.has(msg)) return;
    warned.add(msg);
    strapi.log.warn(`[customerly] ${msg}`);
  };

  const fileConfig = (): PluginConfig => pluginConfigSchema.parse(strapi.config.get('plugin::customerly') ?? {});

  async function readStoredRaw(): Promise<unknown> {
    return (await store().get({ key: STORE_KEY })) ?? {};
  }

  /** Validation on read: a stored key that no longer passes is ignored (with a warning naming the key, never its value). */
  function parseStored(raw: unknown): StoredSettings {
    const obj = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const key of EDITABLE_KEYS) {
      if (!(key in obj)) continue;
      const one = storedSettingsSchema.pick({ [key]: true } as Record<typeof key, true>).safeParse({ [key]: obj[key] });
      if (one.success) out[key] = (one.data as Record<string, unknown>)[key];
      else warnOnce(`the saved setting "${key}" is not valid and is ignored (${zodFieldErrors(one.error).map((e) => e.message).join('; ')}): save it again in Settings → Customerly.`);
    }
    return out as StoredSettings;
  }

  function decryptSecrets(stored: StoredSettings): Partial<Record<SecretKey, string>> {
    const plain: Partial<Record<SecretKey, string>> = {};
    for (const key of SECRET_KEYS) {
      const value = stored[key];
      if (value === undefined) continue;
      if (value === '') {
        plain[key] = '';
        continue;
      }
      const decrypted = isEncrypted(value) ? secretBox().decrypt(value) : null;
      if (decrypted === null) {
        warnOnce(`the saved ${key} cannot be decrypted (was the encryption key changed?) and is ignored: set it again in Settings → Customerly.`);
      } else plain[key] = decrypted;
    }
    return plain;
  }

  function merge(stored: StoredSettings, plain: Partial<Record<SecretKey, string>>): PluginConfig {
    const base = fileConfig();
    const merged: Record<string, unknown> = { ...base };
    for (const key of EDITABLE_KEYS) {
      if ((SECRET_KEYS as readonly string[]).includes(key)) continue;
      if (stored[key] !== undefined) merged[key] = structuredClone(stored[key]);
    }
    for (const key of SECRET_KEYS) if (plain[key] !== undefined) merged[key] = plain[key];
    for (const key of Object.keys(ENV_OVERRIDES) as EnvOverridable[]) {
      const env = envValue(key);
      if (env !== undefined) merged[key] = env;
    }
    // Validation on read of the whole: should the mix fail (it should not), the file config alone applies.
    const parsed = pluginConfigSchema.safeParse(merged);
    if (!parsed.success) {
      warnOnce(`the saved settings do not form a valid configuration and are ignored: ${zodFieldErrors(parsed.error).map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);
      return base;
    }
    return parsed.data;
  }

  const envSignature = () => (Object.keys(ENV_OVERRIDES) as EnvOverridable[]).map((k) => envValue(k) ?? '').join('\u0000');

  async function load() {
    const rawValue = await readStoredRaw();
    const raw = JSON.stringify(rawValue);
    const envSig = envSignature();
    if (cache && cache.raw === raw && cache.envSig === envSig) return cache;
    const stored = parseStored(rawValue);
    const plain = decryptSecrets(stored);
    cache = { raw, stored, plain, merged: merge(stored, plain), envSig };
    return cache;
  }

  function sourceOf(key: string, stored: StoredSettings, plain: Partial<Record<SecretKey, string>>): FieldSource {
    if (key in ENV_OVERRIDES && envValue(key as EnvOverridable) !== undefined) return 'env';
    const isSecret = (SECRET_KEYS as readonly string[]).includes(key);
    if (isSecret ? plain[key as SecretKey] !== undefined : (stored as Record<string, unknown>)[key] !== undefined) return 'panel';
    const file = strapi.config.get('plugin::customerly') as Record<string, unknown> | undefined;
    const fileValue = file?.[key];
    return fileValue !== undefined && fileValue !== '' ? 'file' : 'default';
  }

  async function listRoles(): Promise<RoleRef[]> {
    return strapi.plugin('customerly').service('roles').list();
  }

  async function upDefaultRole(): Promise<string> {
    const advanced = (await strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' }).get()) as { default_role?: string } | null;
    return advanced?.default_role ?? 'authenticated';
  }

  function userAttributes(): Array<{ name: string; type: string }> {
    const tagsField: string = strapi.plugin('customerly').config('userTagsField') ?? 'tags';
    const attrs = (strapi.contentType(USER_UID as any) as any)?.attributes ?? {};
    return Object.entries(attrs as Record<string, { type: string }>)
      .filter(([name, attr]) => !PROTECTED_ATTRIBUTES.has(name) && name !== tagsField && !['relation', 'component', 'dynamiczone', 'media'].includes(attr.type))
      .map(([name, attr]) => ({ name, type: attr.type }));
  }

  /** Checks what needs the database: roles that exist, mapping targets the user schema has. */
  async function checkReferences(next: PluginConfig, update: SettingsUpdate): Promise<FieldError[]> {
    const problems: FieldError[] = [];
    const roles = await listRoles();
    const exists = (n: string) => roles.some((r) => r.type.toLowerCase() === n.toLowerCase() || r.name.toLowerCase() === n.toLowerCase());
    if (update.defaultRole && !exists(update.defaultRole)) {
      problems.push({ path: ['defaultRole'], message: `there is no users-permissions role "${update.defaultRole}"` });
    }
    update.allowedRoles?.forEach((r, i) => {
      if (!exists(r)) problems.push({ path: ['allowedRoles', String(i)], message: `there is no users-permissions role "${r}"` });
    });
    const attrs = (strapi.contentType(USER_UID as any) as any).attributes;
    const tagsField: string = strapi.plugin('customerly').config('userTagsField') ?? 'tags';
    update.fieldMapping?.forEach((row, i) => {
      const problem = mappingRowProblem(row, attrs, tagsField);
      if (problem) problems.push({ path: ['fieldMapping', String(i), 'to'], message: problem });
    });
    if (next.returnPassword.enabled && !next.returnPassword.attribute) {
      problems.push({ path: ['returnPassword', 'attribute'], message: 'name the Customerly attribute that receives the password' });
    }
    return problems;
  }

  async function writeStored(stored: StoredSettings) {
    await store().set({ key: STORE_KEY, value: stored });
    cache = null;
  }

  const service = {
    /** The effective settings, for the next delivery. */
    async get(): Promise<PluginConfig> {
      const { merged } = await load();
      return structuredClone(merged);
    },

    /** What the panel may see: every setting but the secrets, which come masked, and where each value comes from. */
    async getForAdmin(): Promise<AdminSettings> {
      const { merged, stored, plain } = await load();
      const secrets = {} as Record<SecretKey, SecretState>;
      for (const key of SECRET_KEYS) {
        const source = sourceOf(key, stored, plain);
        secrets[key] = { set: !!merged[key], masked: maskSecret(merged[key]), source, locked: source === 'env', envVar: ENV_OVERRIDES[key] };
      }
      const locked: Partial<Record<EnvOverridable, string>> = {};
      for (const key of Object.keys(ENV_OVERRIDES) as EnvOverridable[]) if (envValue(key) !== undefined) locked[key] = ENV_OVERRIDES[key];
      const sources: Record<string, FieldSource> = {};
      for (const key of EDITABLE_KEYS) sources[key] = sourceOf(key, stored, plain);
      const roles = await listRoles();
      const defaultType = await upDefaultRole();
      const prefix = String(strapi.config.get('api.rest.prefix') ?? '/api');
      secretBox();
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
        },
        secrets,
        locked,
        sources,
        meta: {
          // As the router builds it: the prefix, then the route's path (a prefix ending in "/" gives "//").
          webhookPath: `${prefix}/customerly/webhook`,
          serverUrl: String(strapi.config.get('server.absoluteUrl') ?? ''),
          roles: roles.map((r) => ({ id: r.id, name: r.name, type: r.type, isDefault: r.type === defaultType })),
          upDefaultRole: defaultType,
          userAttributes: userAttributes(),
          loginTargets: [LOGIN_TARGET, PASSWORD_TARGET],
          actions: ['add', 'update', 'update_tags', 'test'],
          encryption: boxSource,
        },
      };
    },

    /**
     * Saves a change from the panel. Validated field by field (a ValidationError lists each bad field); secrets are
     * encrypted; a field an environment variable sets cannot be changed. Applies to the next delivery.
     */
    async update(input: unknown): Promise<AdminSettings> {
      const parsed = settingsUpdateSchema.safeParse(input ?? {});
      if (!parsed.success) throw invalid(zodFieldErrors(parsed.error));
      const update = parsed.data;

      const lockedErrors: FieldError[] = [];
      for (const key of Object.keys(ENV_OVERRIDES) as EnvOverridable[]) {
        if (update[key] !== undefined && envValue(key) !== undefined) {
          lockedErrors.push({ path: [key], message: `${ENV_OVERRIDES[key]} is set in the environment, which wins: change it there` });
        }
      }
      if (lockedErrors.length) throw invalid(lockedErrors);

      const { stored: current, plain } = await load();
      const nextStored: StoredSettings = { ...current };
      const nextPlain = { ...plain };
      for (const key of EDITABLE_KEYS) {
        const value = update[key];
        if (value === undefined) continue;
        if ((SECRET_KEYS as readonly string[]).includes(key)) {
          const secret = value as string;
          nextPlain[key as SecretKey] = secret;
          (nextStored as Record<string, unknown>)[key] = secret ? secretBox().encrypt(secret) : '';
        } else {
          (nextStored as Record<string, unknown>)[key] = value;
        }
      }
      const whole = pluginConfigSchema.safeParse({ ...fileConfig(), ...stripSecrets(nextStored), ...nextPlain });
      if (!whole.success) throw invalid(zodFieldErrors(whole.error));
      const refProblems = await checkReferences(whole.data, update);
      if (refProblems.length) throw invalid(refProblems);

      await writeStored(nextStored);
      return service.getForAdmin();
    },

    /** Generates a new access key (32 random bytes, base64url) and saves it at once: the old key stops working. */
    async rotateKey(): Promise<{ webhookKey: string }> {
      if (envValue('webhookKey') !== undefined) {
        throw new errors.ApplicationError(`The access key is set by ${ENV_OVERRIDES.webhookKey} in the environment: change it there.`);
      }
      const webhookKey = newAccessKey();
      const { stored } = await load();
      await writeStored({ ...stored, webhookKey: secretBox().encrypt(webhookKey) });
      return { webhookKey };
    },

    /** A secret in clear, for an admin allowed to update the settings who asked for it. */
    async reveal(field: SecretKey): Promise<string> {
      const { merged } = await load();
      return merged[field];
    },

    /** Calls the Customerly API with a token (the one given, else the saved one) and says whether it works. */
    async testConnection(input: { apiToken?: string; apiUrl?: string }): Promise<ConnectionResult> {
      const { merged } = await load();
      const token = input.apiToken?.trim() || merged.apiToken;
      const apiUrl = (envValue('apiUrl') ?? input.apiUrl?.trim()) || merged.apiUrl;
      const timeoutMs = Math.min(merged.customerly.timeoutMs, 15_000);
      return testConnection({ apiUrl, token, timeoutMs });
    },

    /** Forgets the cached settings (the next `get()` reads the store again). */
    invalidate() {
      cache = null;
    },
  };
  return service;
};

function stripSecrets(stored: StoredSettings): Omit<StoredSettings, SecretKey> {
  const { webhookKey: _k, apiToken: _t, ...rest } = stored;
  return rest;
}
