/** The token is missing or wrong: a configuration problem, never retried. */
export class CustomerlyAuthError extends Error {
  readonly kind = 'auth';
  constructor(message: string) {
    super(`Customerly refused the API token (${message}): check the token in Settings → Customerly or CUSTOMERLY_API_TOKEN.`);
    this.name = 'CustomerlyAuthError';
  }
}

/** Customerly could not be reached or kept failing (5xx, 429, timeout) after the retries: worth trying later. */
export class CustomerlyUnavailableError extends Error {
  readonly kind = 'unavailable';
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'CustomerlyUnavailableError';
  }
}

/** Customerly answered something this client does not understand, or refused the request (4xx). */
export class CustomerlyResponseError extends Error {
  readonly kind = 'response';
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'CustomerlyResponseError';
  }
}

export type CustomerlyError = CustomerlyAuthError | CustomerlyUnavailableError | CustomerlyResponseError;

export const isCustomerlyError = (e: unknown): e is CustomerlyError =>
  e instanceof CustomerlyAuthError || e instanceof CustomerlyUnavailableError || e instanceof CustomerlyResponseError;
