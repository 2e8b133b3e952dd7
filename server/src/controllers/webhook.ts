import type { Core } from '@strapi/strapi';
import type { WebhookIntake } from '../webhook/intake-state';

/** Thin: hands the request to the webhook service and writes its answer. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async handle(ctx: any) {
    const intake: WebhookIntake = ctx.state.customerly ?? {
      // Only when the intake middleware was removed from the middleware list: parse what Strapi parsed.
      querystring: ctx.querystring ?? '',
      headers: { ...ctx.request.headers },
      body:
        ctx.request.body && Object.keys(ctx.request.body).length
          ? { kind: 'text', text: JSON.stringify(ctx.request.body), bytes: 0 }
          : { kind: 'empty' },
    };
    const answer = await strapi.plugin('customerly').service('webhook').receive(intake);
    if (answer.headers) ctx.set(answer.headers);
    ctx.status = answer.status;
    ctx.body = answer.body;
  },
});
