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
  'direction',
  'email',
  'status',
  'attempts',
  'processedAt',
  'error',
  'warnings',
];

/** The warnings column as a list ([] for none: the column is NULL then). */
const warningsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((w): w is string => typeof w === 'string') : [];

/** An attempt as the panel sees it: without the process that ran it (an internal id). */
const publicAttempt = (attempt: unknown): unknown => {
  if (!attempt || typeof attempt !== 'object' || Array.isArray(attempt)) return attempt;
  const { by: _by, ...rest } = attempt as Record<string, unknown>;
  return rest;
};

/** When a queued delivery that failed an attempt is due again (ISO), else null. */
const nextRetryOf = (row: Record<string, unknown>): string | null => {
  const at = Number(row.nextAttemptAt);
  return row.status === 'queued' && Number(row.attempts) > 0 && Number.isFinite(at) && at > 0
    ? new Date(at).toISOString()
    : null;
};

/** What a stale replay needs to say: how many newer deliveries of the contact finished, and the newest of them. */
export interface NewerDeliveries {
  newer: number;
  latest: string | null;
}

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
      // Rows stored before directions existed have none: they came from Customerly.
      if (q.direction === 'outbound') where.direction = 'outbound';
      else if (q.direction === 'inbound') where.$or = [{ direction: 'inbound' }, { direction: { $null: true } }];
      if (q.email) where.email = { $containsi: q.email };
      if (q.warnings) where.warnings = q.warnings === 'with' ? { $notNull: true } : { $null: true };
      if (q.from || q.to) where.receivedAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
      const { results, pagination } = await strapi.db.query(DELIVERY_UID).findPage({
        select: LIST_FIELDS,
        where,
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
        page: q.page,
        pageSize: q.pageSize,
      });
      const rows = (results as Array<Record<string, unknown>>).map((r) => ({
        ...r,
        direction: r.direction ?? 'inbound',
        warnings: warningsOf(r.warnings),
      }));
      return { results: rows, pagination, counts: await counts() };
    },

    /**
     * One delivery in detail: the redacted payload, the result, its warnings, the error, every attempt and the next
     * retry. Internal columns (the claim, the process that ran it) are not sent.
     */
    async findOne(documentId: string): Promise<Record<string, unknown> | null> {
      const row: Record<string, unknown> | null = await strapi.db.query(DELIVERY_UID).findOne({
        where: { documentId },
        populate: { user: { select: ['id', 'documentId', 'email', 'username'] } },
      });
      if (!row) return null;
      const nextRetryAt = nextRetryOf(row);
      // Private attributes (e.g. a sealed copy of the payload) never leave the server.
      for (const [name, attr] of Object.entries(attributesOf(strapi, DELIVERY_UID))) {
        if ('private' in attr && attr.private) delete row[name];
      }
      delete row.processedBy;
      const s = await secrets();
      // Stored redacted already; redacted again with today's secrets in case an old row predates a rule.
      return {
        ...row,
        direction: row.direction ?? 'inbound',
        params: redactValue(row.params ?? {}, s),
        payload: redactValue(row.payload ?? {}, s),
        result: row.result == null ? null : redactValue(row.result, s),
        warnings: redactValue(warningsOf(row.warnings), s),
        history: Array.isArray(row.history) ? redactValue(row.history.map(publicAttempt), s) : [],
        nextRetryAt,
      };
    },

    /**
     * The deliveries of the same contact received after this one (a higher id) that are done: replaying this one
     * would put their user back to an older state. None for a delivery without a contact (a test).
     */
    async newerDone(delivery: { id: number; contactKey: string | null }): Promise<NewerDeliveries> {
      if (!delivery.contactKey) return { newer: 0, latest: null };
      const where = { contactKey: delivery.contactKey, id: { $gt: delivery.id }, status: 'done' };
      const newer = await strapi.db.query(DELIVERY_UID).count({ where });
      if (newer === 0) return { newer: 0, latest: null };
      const latest: { documentId: string } | null = await strapi.db
        .query(DELIVERY_UID)
        .findOne({ where, select: ['documentId'], orderBy: { id: 'desc' } });
      return { newer, latest: latest?.documentId ?? null };
    },
  };
};
