import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { AdminSettings, ConnectionResult } from '../../../../shared/contracts/settings';
import { parsedPluginConfig } from '../../config/read';
import { pluginConfigSchema, type PluginConfig } from '../../config/schema';
import { ENV_OVERRIDES } from '../../constants';
import { newAccessKey } from '../../utils/encryption';
import { getService } from '../../utils/get-service';
import { validationError, zodFieldErrors, type FieldError } from '../../validation/errors';
import type { SettingsUpdate, TestConnectionInput } from '../../validation/settings';
import { adminView } from './admin-view';
import { lockedFieldErrors, referenceProblems } from './checks';
import { fieldLabel } from './mapping-checks';
import { testConnection } from './connection';
import { EDITABLE_KEYS, SECRET_KEYS, isSecretKey, type SecretKey, type StoredSettings } from './schema';
import { createSettingsStore, envValue } from './store';

/** A 400 naming each bad field (`fieldMapping[1].type: …`), with the fields in `details.errors` for the panel. */
const invalid = (details: FieldError[]) =>
  validationError(
    `Some settings are not valid: ${details.map((d) => `${fieldLabel(d.path)}: ${d.message}`).join('; ')}.`,
    details
  );

function withoutSecrets(values: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...values };
  for (const key of SECRET_KEYS) delete rest[key];
  return rest;
}

/**
 * The plugin's settings: `config/plugins` (defaults) ← values saved in the admin panel (secrets encrypted) ←
 * environment variables for the secrets and the API URL (store.ts). Input comes parsed by the controller
 * (validation/settings.ts); what needs the environment, the other settings or the database is checked here.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = createSettingsStore(strapi);

  return {
    /** The effective settings, for the next delivery. */
    async get(): Promise<PluginConfig> {
      const { merged } = await store.load();
      return structuredClone(merged);
    },

    /** What the panel may see: every setting but the secrets, which come masked, and where each value comes from. */
    getForAdmin: (): Promise<AdminSettings> => adminView(strapi, store),

    /**
     * Saves a change from the panel: a field an environment variable sets cannot be changed; the whole must stay a
     * valid configuration; roles and mapping targets must exist (a ValidationError lists each bad field). Secrets are
     * encrypted. Applies to the next delivery.
     */
    async update(update: SettingsUpdate): Promise<AdminSettings> {
      const locked = lockedFieldErrors(update);
      if (locked.length) throw invalid(locked);

      const { stored: current, plain } = await store.load();
      const nextStored: Record<string, unknown> = { ...current };
      const nextPlain = { ...plain };
      for (const key of EDITABLE_KEYS) {
        const value = update[key];
        if (value === undefined) continue;
        if (isSecretKey(key)) {
          const secret = value as string;
          nextPlain[key] = secret;
          nextStored[key] = secret ? store.secretBox().encrypt(secret) : '';
        } else {
          nextStored[key] = value;
        }
      }
      const whole = pluginConfigSchema.safeParse({
        ...parsedPluginConfig(strapi),
        ...withoutSecrets(nextStored),
        ...nextPlain,
      });
      if (!whole.success) throw invalid(zodFieldErrors(whole.error));
      const refProblems = await referenceProblems(strapi, whole.data, update);
      if (refProblems.length) throw invalid(refProblems);

      await store.write(nextStored as StoredSettings);
      // A new schedule applies at once in this process (the others re-read it within a minute).
      if (update.reconcile) await getService(strapi, 'reconcile').refresh();
      return adminView(strapi, store);
    },

    /** Generates a new access key (32 random bytes, base64url) and saves it at once: the old key stops working. */
    async rotateKey(): Promise<{ webhookKey: string }> {
      if (envValue('webhookKey') !== undefined) {
        throw new errors.ApplicationError(
          `The access key is set by ${ENV_OVERRIDES.webhookKey} in the environment: change it there.`
        );
      }
      const webhookKey = newAccessKey();
      const { stored } = await store.load();
      await store.write({ ...stored, webhookKey: store.secretBox().encrypt(webhookKey) });
      return { webhookKey };
    },

    /** A secret in clear, for an admin allowed to update the settings who asked for it. */
    async reveal(field: SecretKey): Promise<string> {
      const { merged } = await store.load();
      return merged[field];
    },

    /** Calls the Customerly API with a token (the one given, else the saved one) and says whether it works. */
    async testConnection(input: TestConnectionInput): Promise<ConnectionResult> {
      const { merged } = await store.load();
      const token = input.apiToken?.trim() || merged.apiToken;
      const apiUrl = (envValue('apiUrl') ?? input.apiUrl?.trim()) || merged.apiUrl;
      const timeoutMs = Math.min(merged.customerly.timeoutMs, 15_000);
      return testConnection({ apiUrl, token, timeoutMs });
    },
  };
};
