import type { ConnectionResult } from '../../../../shared/contracts/settings';
import {
  ConcurrencyLimiter,
  CustomerlyAuthError,
  CustomerlyClient,
  CustomerlyRedirectError,
  CustomerlyResponseError,
  CustomerlyUnavailableError,
} from '../../customerly';
import { describeError } from '../../utils/describe-error';

type Result = Omit<ConnectionResult, 'durationMs'>;

/** What a failed check says to the admin: one plain sentence, never the token. */
function failure(e: unknown, origin: string, timeoutMs: number): Result {
  if (
    e instanceof CustomerlyAuthError ||
    (e instanceof CustomerlyResponseError && (e.status === 401 || e.status === 403))
  ) {
    return {
      ok: false,
      status: 'bad_token',
      ...(e instanceof CustomerlyResponseError ? { httpStatus: e.status } : {}),
      message: "Customerly refused the API token: copy it again from your Customerly project's API settings and save.",
    };
  }
  if (e instanceof CustomerlyUnavailableError) {
    if (e.httpStatus !== undefined) {
      const message = `Customerly answered HTTP ${e.httpStatus}: it may be down or busy, try again in a minute.`;
      return { ok: false, status: 'unreachable', httpStatus: e.httpStatus, message };
    }
    const message = e.timedOut
      ? `Customerly did not answer within ${Math.round(timeoutMs / 1000)} s at ${origin}: check the API URL and this server's network access.`
      : `Customerly could not be reached at ${origin}: check the API URL and this server's network access.`;
    return { ok: false, status: 'unreachable', message };
  }
  if (e instanceof CustomerlyRedirectError)
    return { ok: false, status: 'error', httpStatus: e.status, message: `${e.message}.` };
  if (e instanceof CustomerlyResponseError) {
    return {
      ok: false,
      status: 'error',
      httpStatus: e.status,
      message: `Customerly answered HTTP ${e.status} to GET /tags: check the API URL.`,
    };
  }
  return { ok: false, status: 'error', message: `The connection test failed: ${describeError(e)}.` };
}

/**
 * "Test connection": one `GET {apiUrl}/tags` with the token, through the plugin's Customerly client (its headers,
 * its refusal to follow redirects), without retries. 2xx: ok. A refused token (401/403, or the messages Customerly
 * gives for a missing or invalid token): bad token. No answer in time, a network failure, 429 or 5xx: unreachable.
 */
export async function testConnection(opts: {
  apiUrl: string;
  token: string;
  timeoutMs: number;
}): Promise<ConnectionResult> {
  const started = Date.now();
  const done = (r: Result): ConnectionResult => ({ ...r, durationMs: Date.now() - started });
  if (!opts.token) {
    return done({
      ok: false,
      status: 'no_token',
      message: "No API token is set: paste the API token from your Customerly project's API settings first.",
    });
  }
  let origin: string;
  try {
    origin = new URL(`${opts.apiUrl.replace(/\/+$/, '')}/tags`).origin;
  } catch {
    return done({
      ok: false,
      status: 'error',
      message: 'The API URL is not a valid URL: use https://api.customerly.io/v1.',
    });
  }
  const client = new CustomerlyClient({
    apiUrl: opts.apiUrl,
    token: opts.token,
    timeoutMs: opts.timeoutMs,
    maxRetries: 0,
    maxBackoffMs: 0,
    limiter: new ConcurrencyLimiter(1),
  });
  try {
    await client.checkToken();
    return done({ ok: true, status: 'ok', message: 'Connected: Customerly accepted the API token.' });
  } catch (e) {
    return done(failure(e, origin, opts.timeoutMs));
  }
}
