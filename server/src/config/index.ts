import { describeConfigError, pluginConfigSchema, type PluginConfigInput } from './schema';

type EnvFn = ((key: string, fallback?: string) => string | undefined) & Record<string, unknown>;

const DEFAULT_API_URL = 'https://api.customerly.io/v1';

export default {
  default: ({ env }: { env: EnvFn }): PluginConfigInput => ({
    webhookKey: env('CUSTOMERLY_WEBHOOK_KEY', '') ?? '',
    apiToken: env('CUSTOMERLY_API_TOKEN', '') ?? '',
    apiUrl: env('CUSTOMERLY_API_URL', DEFAULT_API_URL) || DEFAULT_API_URL,
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
