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
