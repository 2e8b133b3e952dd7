import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

const DOCUMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Thin: the delivery log API. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const deliveries = () => strapi.plugin('customerly').service('deliveries');
  const documentIdOf = (ctx: any): string => {
    const id = String(ctx.params.documentId ?? '');
    if (!DOCUMENT_ID.test(id)) throw new errors.NotFoundError('No delivery has this id: pick one from the delivery log.');
    return id;
  };
  return {
    async find(ctx: any) {
      const { results, pagination, counts } = await deliveries().list(ctx.query);
      ctx.body = { data: results, meta: { pagination, counts } };
    },
    async findOne(ctx: any) {
      const delivery = await deliveries().findOne(documentIdOf(ctx));
      if (!delivery) throw new errors.NotFoundError('No delivery has this id: pick one from the delivery log.');
      ctx.body = { data: delivery };
    },
    async replay(ctx: any) {
      const documentId = documentIdOf(ctx);
      const exists = await deliveries().findOne(documentId);
      if (!exists) throw new errors.NotFoundError('No delivery has this id: pick one from the delivery log.');
      const answer: { status: number; body: Record<string, unknown> } = await strapi.plugin('customerly').service('webhook').replay(documentId);
      ctx.body = { data: { answer: { status: answer.status, body: answer.body }, delivery: await deliveries().findOne(documentId) } };
    },
  };
};
