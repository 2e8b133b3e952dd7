/** The token is missing or wrong: a configuration problem, never retried. */
export class CustomerlyAuthError extends Error {
  readonly kind = 'auth';
  constructor(message: string) {
    super(
      `Customerly refused the API token (${message}): check the token in Settings → Customerly or CUSTOMERLY_API_TOKEN.`
    );
    this.name = 'CustomerlyAuthError';
  }
}

/** Customerly could not be reached or kept failing (5xx, 429, timeout) after the retries: worth trying later. */
export class CustomerlyUnavailableError extends Error {
  readonly kind = 'unavailable';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    /** The last answer's HTTP status (429, 5xx); undefined when there was none (a network failure, a timeout). */
    readonly httpStatus?: number,
    /** Whether the last try timed out. */
    readonly timedOut = false
  ) {
    super(message);
    this.name = 'CustomerlyUnavailableError';
  }
}

/** Customerly answered something this client does not understand, or refused the request (4xx). */
export class CustomerlyResponseError extends Error {
  readonly kind = 'response';
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
    this.name = 'CustomerlyResponseError';
  }
}

/**
 * Customerly answered with a redirect (3xx). The client never follows one: the request carries the API token in
 * two headers, and following would hand it to whatever host the Location names. Not retried: a redirect means the
 * API URL is wrong (http instead of https, an old host) or something in between is not Customerly.
 */
export class CustomerlyRedirectError extends CustomerlyResponseError {
  constructor(
    where: string,
    status: number,
    /** Only the origin (scheme, host, port) of the Location, or undefined when there was none. */
    readonly locationOrigin?: string
  ) {
    super(
      `Customerly answered ${where} with a redirect (HTTP ${status}${locationOrigin ? ` to ${locationOrigin}` : ''}), which is not ` +
        'followed so that the API token is never sent elsewhere: check the API URL (Settings → Customerly or CUSTOMERLY_API_URL)',
      status
    );
    this.name = 'CustomerlyRedirectError';
  }
}

export type CustomerlyError = CustomerlyAuthError | CustomerlyUnavailableError | CustomerlyResponseError;

export const isCustomerlyError = (e: unknown): e is CustomerlyError =>
  e instanceof CustomerlyAuthError || e instanceof CustomerlyUnavailableError || e instanceof CustomerlyResponseError;
