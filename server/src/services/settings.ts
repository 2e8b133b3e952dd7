import type { Core } from '@strapi/strapi';
import { pluginConfigSchema, type PluginConfig } from '../config/schema';

/** Secrets that an environment variable sets (and then locks in the admin panel). */
export const SECRET_ENV = {
  webhookKey: 'CUSTOMERLY_WEBHOOK_KEY',
  apiToken: 'CUSTOMERLY_API_TOKEN',
} as const;

/**
 * The settings in force for the next delivery: the plugin config (validated at startup),
 * with environment variables winning for the secrets.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The effective settings. Async because settings saved in the admin panel live in the database. */
  async get(): Promise<PluginConfig> {
    const config = pluginConfigSchema.parse(strapi.config.get('plugin::customerly'));
    for (const [field, envName] of Object.entries(SECRET_ENV) as [keyof typeof SECRET_ENV, string][]) {
      const fromEnv = process.env[envName];
      if (fromEnv) config[field] = fromEnv;
    }
    return config;
  },
});
