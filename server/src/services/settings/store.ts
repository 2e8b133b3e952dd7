import type { Core } from '@strapi/strapi';
import { parsedPluginConfig } from '../../config/read';
import { pluginConfigSchema, type PluginConfig } from '../../config/schema';
import { ENV_OVERRIDES, type EnvOverridable } from '../../constants';
import { SecretBox, isEncrypted, keyMaterial } from '../../utils/encryption';
import { zodFieldErrors } from '../../validation/errors';
import {
  EDITABLE_KEYS,
  SECRET_KEYS,
  isSecretKey,
  storedSettingsSchema,
  type SecretKey,
  type StoredSettings,
} from './schema';

const STORE_KEY = 'settings';

/** The value of an environment variable that sets a setting; undefined when it is not set (or blank). */
export const envValue = (key: EnvOverridable): string | undefined => {
  const v = process.env[ENV_OVERRIDES[key]];
  return v && v.trim() ? v.trim() : undefined;
};

const ENV_KEYS = Object.keys(ENV_OVERRIDES) as EnvOverridable[];

/** The settings as read from the store once: what is stored, the secrets in clear, and the effective whole. */
export interface LoadedSettings {
  stored: StoredSettings;
  plain: Partial<Record<SecretKey, string>>;
  merged: PluginConfig;
}

/**
 * The settings' store row and its cache: `config/plugins` (defaults) ← values saved in the admin panel (the plugin
 * store; secrets encrypted) ← environment variables for the secrets and the API URL.
 *
 * `load()` runs on every delivery. It reads the one store row (a cheap query, so that a change saved by any process
 * applies at once everywhere) and re-parses and decrypts only when that row or the environment changed.
 */
export function createSettingsStore(strapi: Core.Strapi) {
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

  let cache: (LoadedSettings & { raw: string; envSig: string }) | null = null;
  const warned = new Set<string>();
  const warnOnce = (msg: string) => {
    if (warned.has(msg)) return;
    warned.add(msg);
    strapi.log.warn(`[customerly] ${msg}`);
  };

  /** Validation on read: a stored key that no longer passes is ignored (with a warning naming the key, never its value). */
  function parseStored(raw: unknown): StoredSettings {
    const obj = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const key of EDITABLE_KEYS) {
      if (!(key in obj)) continue;
      const one = storedSettingsSchema.pick({ [key]: true } as Record<typeof key, true>).safeParse({ [key]: obj[key] });
      if (one.success) out[key] = (one.data as Record<string, unknown>)[key];
      else
        warnOnce(
          `the saved setting "${key}" is not valid and is ignored (${zodFieldErrors(one.error)
            .map((e) => e.message)
            .join('; ')}): save it again in Settings → Customerly.`
        );
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
        warnOnce(
          `the saved ${key} cannot be decrypted (was the encryption key changed?) and is ignored: set it again in Settings → Customerly.`
        );
      } else plain[key] = decrypted;
    }
    return plain;
  }

  function merge(stored: StoredSettings, plain: Partial<Record<SecretKey, string>>): PluginConfig {
    const base = parsedPluginConfig(strapi);
    const merged: Record<string, unknown> = { ...base };
    for (const key of EDITABLE_KEYS) {
      if (isSecretKey(key)) continue;
      if (stored[key] !== undefined) merged[key] = structuredClone(stored[key]);
    }
    for (const key of SECRET_KEYS) if (plain[key] !== undefined) merged[key] = plain[key];
    for (const key of ENV_KEYS) {
      const env = envValue(key);
      if (env !== undefined) merged[key] = env;
    }
    // Validation on read of the whole: should the mix fail (it should not), the file config alone applies.
    const parsed = pluginConfigSchema.safeParse(merged);
    if (!parsed.success) {
      warnOnce(
        `the saved settings do not form a valid configuration and are ignored: ${zodFieldErrors(parsed.error)
          .map((e) => `${e.path.join('.')}: ${e.message}`)
          .join('; ')}`
      );
      return base;
    }
    return parsed.data;
  }

  const envSignature = () => ENV_KEYS.map((k) => envValue(k) ?? '').join('\u0000');

  return {
    secretBox,
    /** Where the encryption key comes from (after the first use of secretBox). */
    encryptionSource: () => boxSource,

    async load(): Promise<LoadedSettings> {
      const rawValue = (await store().get({ key: STORE_KEY })) ?? {};
      const raw = JSON.stringify(rawValue);
      const envSig = envSignature();
      if (cache && cache.raw === raw && cache.envSig === envSig) return cache;
      const stored = parseStored(rawValue);
      const plain = decryptSecrets(stored);
      cache = { raw, stored, plain, merged: merge(stored, plain), envSig };
      return cache;
    },

    async write(stored: StoredSettings): Promise<void> {
      await store().set({ key: STORE_KEY, value: stored });
      cache = null;
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
