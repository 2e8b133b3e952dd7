/** The content-API path of the webhook route. */
export const WEBHOOK_PATH = '/api/customerly/webhook';

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
