import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { z } from 'zod';

const revealSchema = z.object({ field: z.enum(['webhookKey', 'apiToken'], { error: 'field must be webhookKey or apiToken' }) }).strict();
const testSchema = z.object({ apiToken: z.string().max(4096).optional(), apiUrl: z.string().max(2048).optional() }).strict();

const badRequest = (error: z.ZodError) =>
  new errors.ValidationError('The request is not valid.', {
    errors: error.issues.map((i) => ({ path: i.path.map(String), message: i.message, name: 'ValidationError' })),
  });

/** Thin: the admin panel's settings API. Secrets leave the server only through `reveal` and `rotateKey`. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => strapi.plugin('customerly').service('settings');
  const noStore = (ctx: any) => ctx.set('Cache-Control', 'no-store');
  return {
    async find(ctx: any) {
      ctx.body = { data: await settings().getForAdmin() };
    },
    async update(ctx: any) {
      ctx.body = { data: await settings().update(ctx.request.body) };
    },
    async rotateKey(ctx: any) {
      const { webhookKey } = await settings().rotateKey();
      noStore(ctx);
      ctx.body = { data: { webhookKey, settings: await settings().getForAdmin() } };
    },
    async reveal(ctx: any) {
      const parsed = revealSchema.safeParse(ctx.request.body ?? {});
      if (!parsed.success) throw badRequest(parsed.error);
      noStore(ctx);
      ctx.body = { data: { field: parsed.data.field, value: await settings().reveal(parsed.data.field) } };
    },
    async testConnection(ctx: any) {
      const parsed = testSchema.safeParse(ctx.request.body ?? {});
      if (!parsed.success) throw badRequest(parsed.error);
      ctx.body = { data: await settings().testConnection(parsed.data) };
    },
  };
};
