import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { ConcurrencyLimiter, CustomerlyClient } from '../../customerly';

/**
 * Hands out Customerly clients that share one concurrency cap for the whole process. A client is made per delivery
 * (the sync service), and its wait budget is `queue.syncWaitMs`: a synchronous webhook waits at most that long for
 * Customerly's retries (past one request's timeout) before it answers 202, and a Retry-After beyond the budget is
 * scheduled by the queue (delivery/runner.ts) instead of held in a request or a worker slot. The worker gets the same
 * budget, so a rate-limited Customerly never holds a worker and a contact lock for the length of a Retry-After.
 */
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
        maxWaitMs: settings.queue.syncWaitMs,
        limiter,
        onRetry: ({ attempt, delayMs, reason }) =>
          strapi.log.warn(`[customerly] API call failed (${reason}); retry ${attempt} in ${delayMs} ms`),
      });
    },
  };
};
