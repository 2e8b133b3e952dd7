import { z } from 'zod';
import {
  DELIVERY_ACTIONS,
  DELIVERY_DIRECTIONS,
  DELIVERY_PAGE_SIZE,
  DELIVERY_STATUSES,
  DELIVERY_WARNING_FILTERS,
  FROM_AFTER_TO,
} from '../../../shared/contracts/deliveries';

const dateParam = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'a date such as 2025-01-31 or 2025-01-31T12:00:00Z');

const DAY_ONLY = /^\d{4}-\d\d-\d\d$/;

/** `GET /customerly/deliveries?…`: the delivery log's page and filters. */
export const listQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1, 'page starts at 1').default(1),
    pageSize: z.coerce
      .number()
      .int()
      .min(1)
      .max(DELIVERY_PAGE_SIZE.max, `at most ${DELIVERY_PAGE_SIZE.max} per page`)
      .default(DELIVERY_PAGE_SIZE.default),
    status: z
      .string()
      .trim()
      .pipe(z.enum(DELIVERY_STATUSES, { error: `one of ${DELIVERY_STATUSES.join(', ')}` }))
      .optional(),
    action: z.enum(DELIVERY_ACTIONS, { error: `one of ${DELIVERY_ACTIONS.join(', ')}` }).optional(),
    /** `inbound`: from Customerly (webhooks, imports); `outbound`: to Customerly. */
    direction: z.enum(DELIVERY_DIRECTIONS, { error: `one of ${DELIVERY_DIRECTIONS.join(', ')}` }).optional(),
    email: z.string().trim().min(1).max(320).optional(),
    /** `with`: only deliveries that finished with warnings; `without`: only those without. */
    warnings: z.enum(DELIVERY_WARNING_FILTERS, { error: `one of ${DELIVERY_WARNING_FILTERS.join(', ')}` }).optional(),
    from: dateParam.transform((v) => new Date(v)).optional(),
    /** Inclusive: a date given without a time means the whole day. */
    to: dateParam.transform((v) => new Date(Date.parse(v) + (DAY_ONLY.test(v) ? 86_399_999 : 0))).optional(),
  })
  .strip()
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from.getTime() > q.to.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: FROM_AFTER_TO });
    }
  });
export type ListQuery = z.output<typeof listQuerySchema>;

/** A delivery's documentId in a route (`/deliveries/:documentId`): anything else names no delivery (404). */
export const documentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** `POST /customerly/deliveries/:documentId/replay`: `{}`, or `{"force": true}` to replay a stale delivery anyway. */
export const replayBodySchema = z
  .object(
    { force: z.boolean({ error: 'true or false' }).optional() },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: only "force" is accepted`
          : 'a JSON object such as {"force": true}',
    }
  )
  .strict();
