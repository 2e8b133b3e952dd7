export type RawBody =
  | { kind: 'empty' }
  | { kind: 'text'; text: string; bytes: number }
  | { kind: 'too-large'; limit: number }
  | { kind: 'unreadable'; reason: string };

/** What the intake middleware hands to the controller in `ctx.state.customerly`. */
export interface WebhookIntake {
  /** The original query string, before the access key was redacted from the URL. */
  querystring: string;
  headers: Record<string, string | string[] | undefined>;
  body: RawBody;
}

/** The intakes the intake middleware made: the controller takes no other object for one (see isIssuedIntake). */
const issued = new WeakSet<object>();

/** Marks an intake as made by the intake middleware. */
export function issueIntake(intake: WebhookIntake): WebhookIntake {
  issued.add(intake);
  return intake;
}

/**
 * True only for an object the intake middleware made for a request. Anything else in `ctx.state.customerly`
 * (nothing, or something another middleware put there) means the request did not go through the intake: its
 * body was not size-checked nor read raw, it was not rate limited, and its key may be in the request log.
 */
export function isIssuedIntake(value: unknown): value is WebhookIntake {
  return typeof value === 'object' && value !== null && issued.has(value);
}
