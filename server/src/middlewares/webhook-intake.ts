import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config/schema';
import { RateLimiter } from '../utils/rate-limit';
import { redactUrl } from '../utils/redact';
import { issueIntake, type WebhookIntake } from '../webhook/intake-state';
import { readRawBody } from '../webhook/read-body';
import { createWebhookRouteMatcher } from './webhook-route';

/**
 * The edge of the webhook route, placed before `strapi::body` (see register.ts).
 *  - It recognises the route as Strapi's router does (webhook-route.ts): under the configured REST prefix, in any
 *    case, with or without a trailing slash. A request the router would send to the controller always passes here.
 *  - It hides the access key from everything after it, Strapi's request log included, by rewriting the URL.
 *  - It applies the per-IP rate limit (429 with Retry-After) before any work is done.
 *  - It reads the raw body itself, with the configured size limit, so a huge body is refused (413) before it is
 *    parsed and a body that is not JSON (a form, say) gets the webhook's own JSON answer instead of being parsed
 *    by Strapi.
 * It hands what it read to the controller in `ctx.state.customerly` (issueIntake); the controller refuses a
 * request without it. Everything else (auth, validation, the action) is the controller's job.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const config = () => strapi.config.get('plugin::customerly') as PluginConfig;
  const { burst, perSecond } = config().rateLimit;
  const limiter = new RateLimiter(burst, perSecond);
  const isWebhookRoute = createWebhookRouteMatcher(strapi);

  return async (ctx: any, next: () => Promise<unknown>) => {
    if (!isWebhookRoute(ctx.path)) return next();

    const querystring: string = ctx.querystring ?? '';
    ctx.url = redactUrl(ctx.url);
    strapi.plugin('customerly').service('worker').noteIntake();

    if (config().rateLimit.enabled) {
      const wait = limiter.take(ctx.request.ip ?? 'unknown');
      if (wait > 0) {
        ctx.req.resume();
        ctx.status = 429;
        ctx.set('Retry-After', String(wait));
        ctx.body = {
          ok: false,
          error: { status: 429, code: 'rate_limited', message: `Too many webhook calls from this address: retry in ${wait} s, or raise rateLimit in the plugin config.` },
        };
        return;
      }
    }

    const intake: WebhookIntake = { querystring, headers: { ...ctx.request.headers }, body: { kind: 'empty' } };
    ctx.state.customerly = issueIntake(intake);

    if (ctx.method === 'POST') {
      intake.body = await readRawBody(ctx.req, config().maxBodyBytes);
      // The stream is consumed: stop `strapi::body` from trying to read it again.
      ctx.req.headers['content-type'] = 'application/x-customerly-webhook-consumed';
    }
    return next();
  };
};
