/** A delivery row, its statuses, and what is written on it. */
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../../shared/contracts/deliveries';
import type { WebhookAction } from '../../../../shared/contracts/webhook';
import type { DeliveryDirection, OutboundAction } from '../../../../shared/contracts/outbound';

export { DELIVERY_STATUSES, type DeliveryStatus };

/** A delivery in one of these is finished: it leaves the queue, its sealed secrets are dropped, it may be pruned. */
export const FINAL_STATUSES = ['done', 'skipped', 'failed'] as const satisfies readonly DeliveryStatus[];
/** A delivery in one of these still holds its contact's turn: a later delivery of the contact waits for it. */
export const PENDING_STATUSES = ['queued', 'processing'] as const satisfies readonly DeliveryStatus[];

export interface NewDelivery {
  /**
   * Default: a random UUID. An import gives its own, made from the job and the contact, so that a page done again
   * (after a crash) finds the delivery it stored the first time: the column is unique.
   */
  eventId?: string;
  action: WebhookAction | OutboundAction;
  /** Default `inbound` (from Customerly); `outbound` for the outbox (services/outbound). */
  direction?: DeliveryDirection;
  /** The query parameters, without the access key. */
  params: Record<string, unknown>;
  email?: string;
  contactKey?: string;
  /** The payload with secrets redacted. */
  payload: unknown;
  /** Secret values the processing needs (a password given by the contact), stored encrypted until it ends. */
  secrets?: Record<string, string>;
  /** When a worker may take it (ms since epoch). */
  nextAttemptAt: number;
}

export interface StoredDelivery {
  id: number;
  documentId: string;
  eventId: string;
  action: WebhookAction | OutboundAction;
  direction?: DeliveryDirection | null;
  params: Record<string, unknown> | null;
  email: string | null;
  contactKey: string | null;
  payload: unknown;
  sealed?: string | null;
  /** The row's signature (see mac.ts). Private: never leaves the server. */
  mac?: string | null;
  status: DeliveryStatus;
  attempts: number;
  history: Array<Record<string, unknown>> | null;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  result?: Record<string, unknown>;
  /**
   * What went wrong without stopping the delivery (the password not returned, the email not sent, the tags unknown),
   * from the result's `warnings`: stored in their own column so that the log can show and filter them.
   */
  warnings?: string[];
  error?: string;
  userId?: number;
  /** For a retry (status queued): when it is due again. */
  nextAttemptAt?: number;
}
