import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { z } from 'zod';
import { DELIVERY_UID } from '../content-types';
import { redactValue } from '../utils/redact';
import { zodFieldErrors } from './settings-schema';

export const DELIVERY_STATUSES = ['queued', 'processing', 'done', 'skipped', 'failed'] as const;
export const DELIVERY_ACTIONS = ['add', 'update', 'update_tags', 'test'] as const;

const dateParam = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'a date such as 2025-01-31 or 2025-01-31T12:00:00Z')
  .transform((v) => new Date(v));

/** The delivery log's query string. */
export const listQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1, 'page starts at 1').default(1),
    pageSize: z.coerce.number().int().min(1).max(100, 'at most 100 per page').default(20),
    status: z.string().trim().min(1).max(32).optional(),
    action: z.enum(DELIVERY_ACTIONS, { error: `one of ${DELIVERY_ACTIONS.join(', ')}` }).optional(),
    email: z.string().trim().min(1).max(320).optional(),
    from: dateParam.optional(),
    to: dateParam.optional(),
  })
  .strip();
export type ListQuery = z.output<typeof listQuerySchema>;

const LIST_FIELDS = ['id', 'documentId', 'eventId', 'receivedAt', 'action', 'email', 'status', 'attempts', 'processedAt', 'error'];

/** A date given without a time means the whole day for `to`. */
const endOfDay = (raw: unknown, d: Date) => (typeof raw === 'string' && /^\d{4}-\d\d-\d\d$/.test(raw.trim()) ? new Date(d.getTime() + 86_399_999) : d);

/** The delivery log: what arrived (redacted), what was done, what failed and why. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const secrets = async (): Promise<string[]> => {
    const s = await strapi.plugin('customerly').service('settings').get();
    return [s.webhookKey, s.apiToken].filter(Boolean);
  };

  return {
    /** The statuses the delivery content type has (read from its schema, so that a new one shows up here). */
    statuses(): string[] {
      const attr = (strapi.contentType(DELIVERY_UID as any) as any)?.attributes?.status;
      return Array.isArray(attr?.enum) ? attr.enum : [...DELIVERY_STATUSES];
    },

    parseQuery(query: unknown): ListQuery & { rawTo?: unknown } {
      const statuses = this.statuses();
      const parsed = listQuerySchema
        .refine((q) => q.status === undefined || statuses.includes(q.status), { path: ['status'], message: `one of ${statuses.join(', ')}` })
        .safeParse(query ?? {});
      if (!parsed.success) {
        throw new errors.ValidationError('The filters are not valid: see the highlighted fields.', {
          errors: zodFieldErrors(parsed.error).map((e) => ({ ...e, name: 'ValidationError' })),
        });
      }
      return { ...parsed.data, rawTo: (query as Record<string, unknown> | undefined)?.to };
    },

    async list(query: unknown) {
      const q = this.parseQuery(query);
      const where: Record<string, unknown> = {};
      if (q.status) where.status = q.status;
      if (q.action) where.action = q.action;
      if (q.email) where.email = { $containsi: q.email };
      if (q.from || q.to) {
        where.receivedAt = {
          ...(q.from ? { $gte: q.from } : {}),
          ...(q.to ? { $lte: endOfDay(q.rawTo, q.to) } : {}),
        };
      }
      const { results, pagination } = await strapi.db.query(DELIVERY_UID as any).findPage({
        select: LIST_FIELDS,
        where,
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
        page: q.page,
        pageSize: q.pageSize,
      });
      const counts = await this.counts();
      return { results, pagination, counts };
    },

    /** How many deliveries have each status (for the badges over the table). */
    async counts(): Promise<Record<string, number>> {
      const out: Record<string, number> = {};
      await Promise.all(
        this.statuses().map(async (status) => {
          out[status] = await strapi.db.query(DELIVERY_UID as any).count({ where: { status } });
        })
      );
      return out;
    },

    /** One delivery in detail: the redacted payload, the result, the error and every attempt. */
    async findOne(documentId: string) {
      const row = await strapi.db.query(DELIVERY_UID as any).findOne({
        where: { documentId },
        populate: { user: { select: ['id', 'documentId', 'email', 'username'] } },
      });
      if (!row) return null;
      // Private attributes (e.g. a sealed copy of the payload) never leave the server.
      const attributes = (strapi.contentType(DELIVERY_UID as any) as any)?.attributes ?? {};
      for (const [name, attr] of Object.entries(attributes as Record<string, { private?: boolean }>)) if (attr.private) delete row[name];
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
