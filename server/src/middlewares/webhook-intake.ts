import type { Context, Next } from 'koa';
import type { Core } from '@strapi/strapi';
import { pluginConfig } from '../config/read';
import { RateLimiter } from '../utils/rate-limit';
import { redactUrl } from '../utils/redact';
import { getService } from '../utils/get-service';
import { REFUSALS, errorAnswer, sendAnswer } from '../services/webhook/answers';
import { issueIntake, type WebhookIntake } from '../services/webhook/intake-state';
import { readRawBody } from '../services/webhook/read-body';
import { createWebhookRouteMatcher } from '../services/webhook/route';

/**
 * The edge of the webhook route, placed before `strapi::body` (see register.ts).
 *  - It recognises the route as Strapi's router does (services/webhook/route.ts): under the configured REST prefix,
 *    in any case, with or without a trailing slash: a request the router sends to the controller always passes here.
 *  - It hides the access key from everything after it, Strapi's request log included, by rewriting the URL.
 *  - It applies the per-IP rate limit (429 with Retry-After) before any work is done.
 *  - It reads the raw body itself, with the configured size limit, so a huge body is refused (413) before it is
 *    parsed and a body that is not JSON (a form, say) gets the webhook's own JSON answer instead of being parsed
 *    by Strapi.
 * It hands what it read to the controller in `ctx.state.customerly` (issueIntake); the controller refuses a
 * request without it. Everything else (the access key, validation, the action) is the webhook service's job.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const config = () => pluginConfig(strapi);
  const { burst, perSecond } = config().rateLimit;
  const limiter = new RateLimiter(burst, perSecond);
  const isWebhookRoute = createWebhookRouteMatcher(strapi);

  return async (ctx: Context, next: Next) => {
    if (!isWebhookRoute(ctx.path)) return next();

    const querystring: string = ctx.querystring ?? '';
    ctx.url = redactUrl(ctx.url);
    getService(strapi, 'worker').noteIntake();

    if (config().rateLimit.enabled) {
      const wait = limiter.take(ctx.request.ip ?? 'unknown');
      if (wait > 0) {
        ctx.req.resume();
        sendAnswer(ctx, errorAnswer(REFUSALS.rateLimited(wait)));
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
