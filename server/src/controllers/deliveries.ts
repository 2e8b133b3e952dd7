import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils/get-service';
import { staleReplayBody } from '../services/delivery/stale';
import { documentIdSchema, listQuerySchema, replayBodySchema } from '../validation/deliveries';
import { parseInput } from '../validation/errors';

const notFound = () => new errors.NotFoundError('No delivery has this id: pick one from the delivery log.');

/** Thin: the delivery log API. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const deliveries = () => getService(strapi, 'deliveries');
  const documentIdOf = (ctx: Context): string => {
    const parsed = documentIdSchema.safeParse(String(ctx.params.documentId ?? ''));
    if (!parsed.success) throw notFound();
    return parsed.data;
  };
  return {
    async find(ctx: Context) {
      const query = parseInput(
        listQuerySchema,
        ctx.query ?? {},
        'The filters are not valid: see the highlighted fields.'
      );
      const { results, pagination, counts } = await deliveries().list(query);
      ctx.body = { data: results, meta: { pagination, counts } };
    },
    async findOne(ctx: Context) {
      const delivery = await deliveries().findOne(documentIdOf(ctx));
      if (!delivery) throw notFound();
      ctx.body = { data: delivery };
    },
    /**
     * Runs a delivery again. Refused with 409 `stale` when newer deliveries of the same contact are done (it would put
     * the user back to an older state), unless the body is `{"force": true}`.
     */
    async replay(ctx: Context) {
      const documentId = documentIdOf(ctx);
      const { force } = parseInput(
        replayBodySchema,
        ctx.request.body ?? {},
        'The replay request is not valid: send {} or {"force": true}.'
      );
      const stored = await getService(strapi, 'delivery-record').findByDocumentId(documentId);
      if (!stored) throw notFound();
      if (!force) {
        const newer = await deliveries().newerDone(stored);
        if (newer.newer > 0) {
          ctx.status = 409;
          ctx.body = staleReplayBody(stored, newer);
          return;
        }
      }
      const answer = await getService(strapi, 'webhook').replay(documentId);
      ctx.body = {
        data: {
          answer: { status: answer.status, body: answer.body },
          delivery: await deliveries().findOne(documentId),
        },
      };
    },
  };
};
