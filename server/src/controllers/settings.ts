import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';
import { parseInput } from '../validation/errors';
import { revealSchema, settingsUpdateSchema, testConnectionSchema } from '../validation/settings';

/** Thin: the admin panel's settings API. Secrets leave the server only through `reveal` and `rotateKey`. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => getService(strapi, 'settings');
  const noStore = (ctx: Context) => ctx.set('Cache-Control', 'no-store');
  return {
    async find(ctx: Context) {
      ctx.body = { data: await settings().getForAdmin() };
    },
    async update(ctx: Context) {
      const update = parseInput(
        settingsUpdateSchema,
        ctx.request.body ?? {},
        'Some settings are not valid: see the highlighted fields.'
      );
      ctx.body = { data: await settings().update(update) };
    },
    async rotateKey(ctx: Context) {
      const { webhookKey } = await settings().rotateKey();
      noStore(ctx);
      ctx.body = { data: { webhookKey, settings: await settings().getForAdmin() } };
    },
    async reveal(ctx: Context) {
      const { field } = parseInput(revealSchema, ctx.request.body ?? {});
      noStore(ctx);
      ctx.body = { data: { field, value: await settings().reveal(field) } };
    },
    async testConnection(ctx: Context) {
      ctx.body = { data: await settings().testConnection(parseInput(testConnectionSchema, ctx.request.body ?? {})) };
    },
  };
};
