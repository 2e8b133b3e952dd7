import { z } from 'zod';
import { SECRET_KEYS, type SecretKey } from '../../../../shared/contracts/settings';
import type { PluginConfig } from '../../config/schema';
import { includes } from '../../constants';
import { settingsUpdateSchema } from '../../validation/settings';

export { SECRET_KEYS, type SecretKey };

/**
 * What the admin panel may save. The store keeps these keys only; the rest of the plugin config (body limit, API
 * client tuning, the tags field) stays in `config/plugins`.
 */
export const EDITABLE_KEYS = settingsUpdateSchema.keyof().options;

export const isSecretKey = (key: string): key is SecretKey => includes(SECRET_KEYS, key);

/** The secret values of the effective settings (to redact wherever they appear). */
export const secretValues = (settings: Pick<PluginConfig, SecretKey>): string[] =>
  SECRET_KEYS.map((key) => settings[key]);

/** What the store holds (secrets encrypted). Read back with the same rules as a save, key by key. */
export const storedSettingsSchema = settingsUpdateSchema.extend({
  webhookKey: z.string().optional(),
  apiToken: z.string().optional(),
});
export type StoredSettings = z.output<typeof storedSettingsSchema>;
