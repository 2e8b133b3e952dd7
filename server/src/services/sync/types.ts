import type { WebhookAction } from '../../../../shared/contracts/webhook';
import type { ContactInput } from '../webhook/contact';
import type { WebhookParams } from '../webhook/params';
import type { DeliveryOrigin } from '../delivery/origin';

/** The actions that change a user (`test` never reaches the sync). */
export type SyncAction = Exclude<WebhookAction, 'test'>;

export interface SyncRequest {
  action: SyncAction;
  params: WebhookParams;
  contact: ContactInput;
  eventId: string;
  /**
   * Set when an import job stored the delivery (delivery/origin.ts): the Customerly API is asked for the tags only
   * when the job said `fetchTags`, and a password is returned only when it said `returnPassword`.
   */
  origin?: DeliveryOrigin;
}

export interface SyncOutcome {
  status: 'done' | 'skipped';
  body: Record<string, unknown>;
  userId?: number;
  /** Problems that did not stop the delivery (e.g. the password could not be returned). */
  warnings: string[];
  /** Values that must never be stored or logged (a password given or generated). */
  secrets: string[];
  /** The outcome was recorded on the delivery with the user's write, in its transaction (sync/index.ts `settle`). */
  settled?: boolean;
}

/** What the steps of one sync collect along the way: warnings for the answer, secrets to redact from it. */
export type SyncNotes = Pick<SyncOutcome, 'warnings' | 'secrets'>;
