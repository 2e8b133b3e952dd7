import type { Context } from 'koa';
import { CustomerlyAuthError, CustomerlyUnavailableError, isCustomerlyError } from '../../customerly';
import { describeError } from '../../utils/describe-error';

/**
 * Every answer the webhook gives, in one place: the error body `{ok: false, error: {status, code, message}}` is built
 * by `errorBody` alone, whoever refuses the call (the intake middleware, the controller, the webhook service, the
 * runner, the delivery store).
 */

/** What the webhook answers: the HTTP status, the JSON body and any extra headers (Retry-After). */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Writes an answer on the response (the controller, and the intake middleware's refusals). */
export function sendAnswer(ctx: Context, answer: WebhookAnswer): void {
  if (answer.headers) ctx.set(answer.headers);
  ctx.status = answer.status;
  ctx.body = answer.body;
}

/** An answer the webhook gives when it will not (or cannot) do what was asked. */
export class WebhookError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

export const isWebhookError = (e: unknown): e is WebhookError => e instanceof WebhookError;

/**
 * The one error body. `eventId` names the delivery when there is one; `details` carries what a caller needs to act on
 * the refusal (e.g. the newer deliveries of a stale replay).
 */
export function errorBody(
  status: number,
  code: string,
  message: string,
  eventId?: string,
  details?: Record<string, unknown>
): Record<string, unknown> {
  return {
    ok: false,
    ...(eventId !== undefined ? { eventId } : {}),
    error: { status, code, message, ...(details ? { details } : {}) },
  };
}

/** The answer for a refusal. */
export const errorAnswer = (e: WebhookError, eventId?: string): WebhookAnswer => ({
  status: e.status,
  ...(Object.keys(e.headers).length ? { headers: e.headers } : {}),
  body: errorBody(e.status, e.code, e.message, eventId),
});

/** `action=test`, and the replay of a stored test. */
export const testAnswer = (): WebhookAnswer => ({ status: 200, body: { ok: true } });

/** 202: the delivery is stored and left to the workers. */
export const queuedAnswer = (delivery: { action: string; eventId: string }, reason: string): WebhookAnswer => ({
  status: 202,
  body: { ok: true, queued: true, action: delivery.action, eventId: delivery.eventId, reason },
});

/** 202: a transient failure; the delivery stays queued for the retry described. */
export const retryAnswer = (
  delivery: { action: string; eventId: string },
  retry: { attempt: number; of: number; at: number; reason: string }
): WebhookAnswer => ({
  status: 202,
  body: {
    ok: true,
    queued: true,
    action: delivery.action,
    eventId: delivery.eventId,
    retry: { attempt: retry.attempt, of: retry.of, at: new Date(retry.at).toISOString(), reason: retry.reason },
  },
});

/** The refusals that do not come from a check of the request itself. */
export const REFUSALS = {
  intakeMissing: () =>
    new WebhookError(
      503,
      'intake_missing',
      "The webhook's intake middleware (plugin::customerly.webhook-intake) did not run for this request, so it was not processed: put it back in the app's middleware list (config/middlewares), just before strapi::body."
    ),
  rateLimited: (waitSeconds: number) =>
    new WebhookError(
      429,
      'rate_limited',
      `Too many webhook calls from this address: retry in ${waitSeconds} s, or raise rateLimit in the plugin config.`,
      { 'Retry-After': String(waitSeconds) }
    ),
  notStored: () =>
    new WebhookError(
      503,
      'not_stored',
      'The delivery could not be stored, so it was not accepted: send it again in a moment.',
      {
        'Retry-After': '5',
      }
    ),
  internalBeforeStored: () =>
    new WebhookError(
      500,
      'internal_error',
      'The webhook failed unexpectedly before it was stored: see the Strapi log.'
    ),
  notFound: () => new WebhookError(404, 'not_found', 'No delivery has this id: pick one from the delivery log.'),
  gone: () => new WebhookError(404, 'not_found', 'The delivery is gone: it was pruned or deleted.'),
  inProgress: () =>
    new WebhookError(409, 'in_progress', 'This delivery is being processed right now: wait for it to finish.'),
  /**
   * A delivery refused because the plugin did not write it or it was edited since. 409: the row conflicts with its
   * own signature; sending the request again cannot help.
   */
  forged: () =>
    new WebhookError(
      409,
      'forged_delivery',
      'refused: this delivery was not written by the plugin (its signature does not match)'
    ),
};

/** What the runner records on a row whose signature does not match. */
export const FORGED_ERROR = REFUSALS.forged().message;

/** Turns a failure while processing a delivery into its answer and the error recorded on it. */
export function failureAnswer(e: unknown, eventId: string): { answer: WebhookAnswer; error: string } {
  const failed = (status: number, code: string, message: string) => ({
    answer: { status, body: errorBody(status, code, message, eventId) },
    error: message,
  });
  if (isWebhookError(e)) return failed(e.status, e.code, e.message);
  if (e instanceof CustomerlyAuthError) return failed(503, 'customerly_auth', e.message);
  if (e instanceof CustomerlyUnavailableError) {
    return failed(
      502,
      'customerly_unavailable',
      `${e.message}. The delivery is recorded and can be replayed from the delivery log.`
    );
  }
  if (isCustomerlyError(e)) return failed(502, 'customerly_error', `${e.message}.`);
  // Never the raw error: a database error quotes its SQL statement (see describe-error.ts).
  return failed(
    500,
    'internal_error',
    `Processing failed unexpectedly (${describeError(e)}): the delivery is recorded and can be replayed.`
  );
}
