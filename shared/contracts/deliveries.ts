import { z } from 'zod';
import { WEBHOOK_ACTIONS } from './webhook';
import { DELIVERY_DIRECTIONS, OUTBOUND_ACTIONS } from './outbound';

/** The life of a delivery (one webhook call): queued → processing → done | skipped | failed (or queued again). */
export const DELIVERY_STATUSES = ['queued', 'processing', 'done', 'skipped', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The delivery log's filters (`GET /customerly/deliveries?…`), as the panel sends them and keeps them in its URL. */
export const DELIVERY_FILTER_KEYS = ['status', 'direction', 'action', 'email', 'warnings', 'from', 'to'] as const;
export type DeliveryFilterKey = (typeof DELIVERY_FILTER_KEYS)[number];
export type DeliveryFilters = Record<DeliveryFilterKey, string>;

/** Filter actions: the webhook actions and the outbound ones (one list). */
export const DELIVERY_ACTIONS = [...WEBHOOK_ACTIONS, ...OUTBOUND_ACTIONS] as const;

/** The `direction` filter and field: from Customerly (`inbound`) or to it (`outbound`). */
export { DELIVERY_DIRECTIONS };

export const DELIVERY_PAGE_SIZE = { default: 20, max: 100 } as const;

/** The `warnings` filter: deliveries that finished with warnings, or without. */
export const DELIVERY_WARNING_FILTERS = ['with', 'without'] as const;
export type DeliveryWarningFilter = (typeof DELIVERY_WARNING_FILTERS)[number];

/** The message for a `from` after `to`, on the `to` field (the server and the panel's form say the same). */
export const FROM_AFTER_TO = 'the end date is before the start date';

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
  /** `inbound` (a webhook, an import) or `outbound` (Strapi → Customerly). */
  direction: z.enum(DELIVERY_DIRECTIONS).default('inbound'),
  email: z.string().nullable(),
  status: z.string(),
  attempts: z.number().nullable(),
  processedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** What went wrong without stopping the delivery; a `done` delivery with warnings is "done with warnings". */
  warnings: z.array(z.string()).default([]),
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

/** One attempt of a delivery, as the detail shows it (which process ran it is not sent). */
export const deliveryAttemptSchema = z
  .object({
    attempt: z.number().nullable().optional(),
    at: z.string().nullable().optional(),
    status: z.string().nullable().optional(),
    error: z.string().nullable().optional(),
  })
  .passthrough();
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

/**
 * `GET /customerly/deliveries/:documentId`: one delivery with its (redacted) input, result and attempts, and when it
 * will be tried again (`nextRetryAt`, for a queued delivery that failed an attempt).
 */
export const deliveryDetailSchema = deliveryRowSchema.extend({
  contactKey: z.string().nullable().optional(),
  params: z.unknown(),
  payload: z.unknown(),
  result: z.unknown(),
  history: z.array(deliveryAttemptSchema),
  nextRetryAt: z.string().nullable().default(null),
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

/** `POST /customerly/deliveries/:documentId/replay` body: `force` replays a stale delivery anyway. */
export interface ReplayRequest {
  force?: boolean;
}

/**
 * The 409 of a replay refused because newer deliveries of the same contact have finished since (replaying it would
 * put the user back to an older state): how many, and the newest one (`latest`, a documentId) to replay instead.
 */
export const staleReplayAnswer = z.object({
  ok: z.literal(false),
  error: z.object({
    status: z.literal(409),
    code: z.literal('stale'),
    message: z.string(),
    details: z.object({ newer: z.number().int().min(1), latest: z.string() }),
  }),
});
export type StaleReplay = z.infer<typeof staleReplayAnswer>['error'];

const text = z.string().nullable().optional().catch(undefined);
const list = z.array(z.string()).optional().catch(undefined);
const flag = z.boolean().optional().catch(undefined);

/**
 * The parts of a delivery's result the detail summarises (the webhook answer: see the README). Loose: each part that
 * does not have the expected shape is left out of the summary (the raw JSON still shows it).
 */
export const deliveryResultSummary = z
  .object({
    user: z
      .object({ id: z.number(), documentId: z.string(), email: text, username: text, created: flag })
      .optional()
      .catch(undefined),
    tags: z
      .object({ names: list, added: list, removed: list, unchanged: flag, reason: text })
      .optional()
      .catch(undefined),
    fields: z.object({ updated: list, skipped: list }).optional().catch(undefined),
    role: z.object({ name: text, changed: flag, from: text, kept: text, rule: text }).optional().catch(undefined),
    email: z.object({ changed: flag, from: text, to: text, reason: text }).optional().catch(undefined),
    welcomeEmail: text,
    passwordReturn: text,
    skipped: text,
    reason: text,
  })
  .catch({});
export type DeliveryResultSummary = z.infer<typeof deliveryResultSummary>;
