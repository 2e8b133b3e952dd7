import { z } from 'zod';

/**
 * Strapi → Customerly (product.md, "Outbound"): the values shared by the server, the panel and the delivery log.
 */

/** A field-mapping row's direction: `in` Customerly → Strapi (the default), `out` Strapi → Customerly, or `both`. */
export const MAPPING_DIRECTIONS = ['in', 'out', 'both'] as const;
export type MappingDirection = (typeof MAPPING_DIRECTIONS)[number];

/** What is sent as Customerly's `user_id`: the Strapi user's id, its documentId, or nothing. */
export const OUTBOUND_USER_IDS = ['id', 'documentId', 'none'] as const;
export type OutboundUserId = (typeof OUTBOUND_USER_IDS)[number];

/**
 * The actions of an outbound delivery (a row of the outbox, direction `outbound`):
 *  - `upsert`: `POST /users` with the user as it is when sent (batched, up to 50 users a request);
 *  - `tags`: `POST /tags` for each tag added, and with `untag: true` for each tag removed;
 *  - `delete`: `DELETE /users?email=`.
 */
export const OUTBOUND_ACTIONS = ['upsert', 'tags', 'delete'] as const;
export type OutboundAction = (typeof OUTBOUND_ACTIONS)[number];

/** A delivery came from Customerly (`inbound`, a webhook or an import) or goes to it (`outbound`). */
export const DELIVERY_DIRECTIONS = ['inbound', 'outbound'] as const;
export type DeliveryDirection = (typeof DELIVERY_DIRECTIONS)[number];

/** Users per `POST /users` request. */
export const OUTBOUND_BATCH_SIZE = 50;

const text = z.string().optional().catch(undefined);
const list = z.array(z.string()).optional().catch(undefined);

/** What the delivery log shows of an outbound delivery's stored result (tolerant: an older shape shows less). */
export const outboundResultSummary = z
  .object({
    action: text,
    sent: z
      .object({
        email: text,
        user_id: z.union([z.string(), z.number()]).optional().catch(undefined),
        name: text,
        attributes: list,
      })
      .optional()
      .catch(undefined),
    batch: z
      .object({ users: z.number().optional().catch(undefined) })
      .optional()
      .catch(undefined),
    coalescedInto: text,
    tagged: list,
    untagged: list,
    deleted: z.boolean().optional().catch(undefined),
    skipped: text,
    message: text,
  })
  .catch({});
export type OutboundResultSummary = z.infer<typeof outboundResultSummary>;
