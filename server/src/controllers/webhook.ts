import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';
import { REFUSALS, errorAnswer, sendAnswer } from '../services/webhook/answers';
import { isIssuedIntake } from '../services/webhook/intake-state';

/** How often, at most, the missing intake is written to the log (a misconfigured app would get one line per call). */
const INTAKE_WARNING_EVERY_MS = 60_000;

/** Thin: hands the request to the webhook service and writes its answer. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let lastWarning = 0;

  return {
    async handle(ctx: Context) {
      const intake: unknown = ctx.state?.customerly;
      if (!isIssuedIntake(intake)) {
        // Never fall back to what Strapi parsed: such a request skipped the size limit, the raw JSON body, the
        // rate limit and the URL redaction. Refuse it before anything is read, checked or stored.
        const refusal = REFUSALS.intakeMissing();
        if (Date.now() - lastWarning >= INTAKE_WARNING_EVERY_MS) {
          lastWarning = Date.now();
          strapi.log.warn(`[customerly] a webhook request was refused with 503 intake_missing: ${refusal.message}`);
        }
        sendAnswer(ctx, errorAnswer(refusal));
        return;
      }
      sendAnswer(ctx, await getService(strapi, 'webhook').receive(intake));
    },
  };
};
