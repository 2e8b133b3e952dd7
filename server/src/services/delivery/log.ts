import type { Core } from '@strapi/strapi';
import { DELIVERY_UID, attributesOf } from '../../content-types';
import { redactValue } from '../../utils/redact';
import { getService } from '../../utils/get-service';
import type { ListQuery } from '../../validation/deliveries';
import { secretValues } from '../settings/schema';
import { DELIVERY_STATUSES } from './types';

const LIST_FIELDS = [
  'id',
  'documentId',
  'eventId',
  'receivedAt',
  'action',
  'email',
  'status',
  'attempts',
  'processedAt',
  'error',
];

/** The delivery log (service `deliveries`, the read side): what arrived (redacted), what was done, what failed and why. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const secrets = async (): Promise<string[]> =>
    secretValues(await getService(strapi, 'settings').get()).filter(Boolean);

  /** How many deliveries have each status (for the badges over the table). */
  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    await Promise.all(
      DELIVERY_STATUSES.map(async (status) => {
        out[status] = await strapi.db.query(DELIVERY_UID).count({ where: { status } });
      })
    );
    return out;
  }

  return {
    counts,

    /** One page of the log, newest first, with the filters of the query (parsed by the controller). */
    async list(q: ListQuery) {
      const where: Record<string, unknown> = {};
      if (q.status) where.status = q.status;
      if (q.action) where.action = q.action;
      if (q.email) where.email = { $containsi: q.email };
      if (q.from || q.to) where.receivedAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
      const { results, pagination } = await strapi.db.query(DELIVERY_UID).findPage({
        select: LIST_FIELDS,
        where,
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
        page: q.page,
        pageSize: q.pageSize,
      });
      return { results, pagination, counts: await counts() };
    },

    /** One delivery in detail: the redacted payload, the result, the error and every attempt. */
    async findOne(documentId: string): Promise<Record<string, unknown> | null> {
      const row: Record<string, unknown> | null = await strapi.db.query(DELIVERY_UID).findOne({
        where: { documentId },
        populate: { user: { select: ['id', 'documentId', 'email', 'username'] } },
      });
      if (!row) return null;
      // Private attributes (e.g. a sealed copy of the payload) never leave the server.
      for (const [name, attr] of Object.entries(attributesOf(strapi, DELIVERY_UID))) {
        if ('private' in attr && attr.private) delete row[name];
      }
      const s = await secrets();
      // Stored redacted already; redacted again with today's secrets in case an old row predates a rule.
      return {
        ...row,
        params: redactValue(row.params ?? {}, s),
        payload: redactValue(row.payload ?? {}, s),
        result: row.result == null ? null : redactValue(row.result, s),
        history: Array.isArray(row.history) ? redactValue(row.history, s) : [],
      };
    },
  };
};
