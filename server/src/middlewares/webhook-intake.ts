import type { Core } from '@strapi/strapi';
import { redactUrl } from '../utils/redact';
import { WEBHOOK_PATH, type WebhookIntake } from '../webhook/intake-state';
import { readRawBody } from '../webhook/read-body';

/**
 * The edge of the webhook route, placed before `strapi::body` (see register.ts).
 *  - It hides the access key from everything after it, Strapi's request log included, by rewriting the URL.
 *  - It reads the raw body itself, with the configured size limit, so a huge body is refused (413) before it is
 *    parsed and a body that is not JSON gets the webhook's own JSON answer instead of a generic error.
 * Everything else (auth, validation, the action) is the controller's job.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: any, next: () => Promise<unknown>) => {
    if (ctx.path !== WEBHOOK_PATH) return next();

    const querystring: string = ctx.querystring ?? '';
    ctx.url = redactUrl(ctx.url);

    const intake: WebhookIntake = { querystring, headers: { ...ctx.request.headers }, body: { kind: 'empty' } };
    ctx.state.customerly = intake;

    if (ctx.method === 'POST') {
      const maxBytes: number = strapi.plugin('customerly').config('maxBodyBytes') ?? 256 * 1024;
      intake.body = await readRawBody(ctx.req, maxBytes);
      // The stream is consumed: stop `strapi::body` from trying to read it again.
      ctx.req.headers['content-type'] = 'application/x-customerly-webhook-consumed';
    }
    return next();
  };
