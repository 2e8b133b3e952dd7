import { z } from 'zod';
import { WEBHOOK_ACTIONS } from './webhook';

/** The life of a delivery (one webhook call): queued → processing → done | skipped | failed (or queued again). */
export const DELIVERY_STATUSES = ['queued', 'processing', 'done', 'skipped', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The delivery log's filters (`GET /customerly/deliveries?…`), as the panel sends them and keeps them in its URL. */
export const DELIVERY_FILTER_KEYS = ['status', 'action', 'email', 'from', 'to'] as const;
export type DeliveryFilterKey = (typeof DELIVERY_FILTER_KEYS)[number];
export type DeliveryFilters = Record<DeliveryFilterKey, string>;

/** Filter actions: the webhook actions (one list). */
export const DELIVERY_ACTIONS = WEBHOOK_ACTIONS;

export const DELIVERY_PAGE_SIZE = { default: 20, max: 100 } as const;

/** The query string of the list; dates are `YYYY-MM-DD` or ISO times (a bare `to` date means the whole day). */
export interface DeliveryListQuery extends Partial<DeliveryFilters> {
  page?: number;
  pageSize?: number;
}

/**
 * A row of the list. The status is a string, not an enum: a status the panel does not know yet is shown as it is.
 */
export const deliveryRowSchema = z.object({
  id: z.number(),
  documentId: z.string(),
  eventId: z.string(),
  receivedAt: z.string(),
  action: z.string(),
  email: z.string().nullable(),
  status: z.string(),
  attempts: z.number().nullable(),
  processedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type DeliveryRow = z.infer<typeof deliveryRowSchema>;

/** `GET /customerly/deliveries`: one page, and how many deliveries have each status. */
export const deliveriesAnswer = z.object({
  data: z.array(deliveryRowSchema),
  meta: z.object({
    pagination: z.object({ page: z.number(), pageSize: z.number(), pageCount: z.number(), total: z.number() }),
    counts: z.record(z.string(), z.number()),
  }),
});
export type DeliveriesPage = z.infer<typeof deliveriesAnswer>;

/** `GET /customerly/deliveries/:documentId`: one delivery with its (redacted) input, result and attempts. */
export const deliveryDetailSchema = deliveryRowSchema.extend({
  contactKey: z.string().nullable().optional(),
  params: z.unknown(),
  payload: z.unknown(),
  result: z.unknown(),
  history: z.array(z.record(z.string(), z.unknown())),
  user: z
    .object({ id: z.number(), documentId: z.string(), email: z.string(), username: z.string() })
    .nullable()
    .optional(),
});
export type DeliveryDetail = z.infer<typeof deliveryDetailSchema>;
export const deliveryAnswer = z.object({ data: deliveryDetailSchema });

/** `POST /customerly/deliveries/:documentId/replay`: the webhook answer the replay gave, and the delivery after it. */
export const replayAnswer = z.object({
  data: z.object({
    answer: z.object({ status: z.number(), body: z.record(z.string(), z.unknown()) }),
    delivery: deliveryDetailSchema.nullable(),
  }),
});
export type ReplayResult = z.infer<typeof replayAnswer>['data'];
