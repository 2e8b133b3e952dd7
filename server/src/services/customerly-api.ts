import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config/schema';
import { ConcurrencyLimiter, CustomerlyClient } from '../customerly';

/** Hands out Customerly clients that share one concurrency cap for the whole process. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const limiter = new ConcurrencyLimiter(4);
  return {
    client(settings: PluginConfig): CustomerlyClient | null {
      if (!settings.apiToken) return null;
      limiter.setMax(settings.customerly.concurrency);
      return new CustomerlyClient({
        apiUrl: settings.apiUrl,
        token: settings.apiToken,
        timeoutMs: settings.customerly.timeoutMs,
        maxRetries: settings.customerly.maxRetries,
        maxBackoffMs: settings.customerly.maxBackoffMs,
        limiter,
        onRetry: ({ attempt, delayMs, reason }) =>
          strapi.log.warn(`[customerly] API call failed (${reason}); retry ${attempt} in ${delayMs} ms`),
      });
    },
  };
};
