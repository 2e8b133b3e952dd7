import { DEFAULT_API_URL, ENV_OVERRIDES } from '../constants';
import { describeConfigError, pluginConfigSchema, type PluginConfigInput } from './schema';

type EnvFn = ((key: string, fallback?: string) => string | undefined) & Record<string, unknown>;

export default {
  default: ({ env }: { env: EnvFn }): PluginConfigInput => ({
    webhookKey: env(ENV_OVERRIDES.webhookKey, '') ?? '',
    apiToken: env(ENV_OVERRIDES.apiToken, '') ?? '',
    apiUrl: env(ENV_OVERRIDES.apiUrl, DEFAULT_API_URL) || DEFAULT_API_URL,
  }),
  validator(config: unknown): void {
    const result = pluginConfigSchema.safeParse(config);
    if (!result.success) {
      throw new Error(
        `Invalid config for plugin "customerly" (config/plugins, key "customerly.config"): ${describeConfigError(result.error)}`
      );
    }
  },
};
