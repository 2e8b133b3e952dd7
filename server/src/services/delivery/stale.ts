import { errorBody } from '../webhook/answers';
import type { NewerDeliveries } from './log';

/** The message of a stale replay: how many newer deliveries of the contact are done, and what to do. */
export function staleReplayMessage(newer: number): string {
  const what =
    newer === 1 ? '1 newer delivery of this contact is done' : `${newer} newer deliveries of this contact are done`;
  return `Not replayed: ${what}, so replaying this one would put the user back to an older state; replay the latest delivery of this contact instead, or send {"force": true} to replay this one anyway.`;
}

/**
 * The 409 body of a replay refused as stale (the one error body, with `details`: how many newer deliveries, and the
 * newest to replay instead). Its shape is `staleReplayAnswer` in shared/contracts/deliveries.ts.
 */
export function staleReplayBody(delivery: { eventId: string }, newer: NewerDeliveries): Record<string, unknown> {
  return errorBody(409, 'stale', staleReplayMessage(newer.newer), delivery.eventId, {
    newer: newer.newer,
    latest: newer.latest,
  });
}
