import type { Core } from '@strapi/strapi';
import { isIssuedIntake } from '../webhook/intake-state';

/** How often, at most, the missing intake is written to the log (a misconfigured app would get one line per call). */
const INTAKE_WARNING_EVERY_MS = 60_000;

export const INTAKE_MISSING_MESSAGE =
  "The webhook's intake middleware (plugin::customerly.webhook-intake) did not run for this request, so it was not processed: put it back in the app's middleware list (config/middlewares), just before strapi::body.";

/** Thin: hands the request to the webhook service and writes its answer. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let lastWarning = 0;

  return {
    async handle(ctx: any) {
      const intake: unknown = ctx.state?.customerly;
      if (!isIssuedIntake(intake)) {
        // Never fall back to what Strapi parsed: such a request skipped the size limit, the raw JSON body, the
        // rate limit and the URL redaction. Refuse it before anything is read, checked or stored.
        if (Date.now() - lastWarning >= INTAKE_WARNING_EVERY_MS) {
          lastWarning = Date.now();
          strapi.log.warn(`[customerly] a webhook request was refused with 503 intake_missing: ${INTAKE_MISSING_MESSAGE}`);
        }
        ctx.status = 503;
        ctx.body = { ok: false, error: { status: 503, code: 'intake_missing', message: INTAKE_MISSING_MESSAGE } };
        return;
      }
      const answer = await strapi.plugin('customerly').service('webhook').receive(intake);
      if (answer.headers) ctx.set(answer.headers);
      ctx.status = answer.status;
      ctx.body = answer.body;
    },
  };
};
