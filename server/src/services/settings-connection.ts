import { z } from 'zod';

export type ConnectionStatus = 'ok' | 'bad_token' | 'no_token' | 'unreachable' | 'error';

export interface ConnectionResult {
  ok: boolean;
  status: ConnectionStatus;
  /** One plain sentence for the admin. Never contains the token. */
  message: string;
  httpStatus?: number;
  durationMs: number;
}

const BAD_TOKEN_MESSAGES = ['Access token not found.', 'You must provide a valid header Authorization: Bearer <TOKEN>'];

const errorBodySchema = z.object({ error: z.object({ message: z.string().optional() }).passthrough() }).passthrough();

/**
 * `GET {apiUrl}/tags` with the token, as the Customerly API expects it (both header styles it has used).
 * 2xx: ok. 401/403, or a 500 whose message says the token is missing or invalid: bad token.
 * No answer in time or a network failure: unreachable.
 */
export async function testConnection(opts: { apiUrl: string; token: string; timeoutMs: number; fetchImpl?: typeof fetch }): Promise<ConnectionResult> {
  const started = Date.now();
  const done = (r: Omit<ConnectionResult, 'durationMs'>): ConnectionResult => ({ ...r, durationMs: Date.now() - started });
  if (!opts.token) {
    return done({ ok: false, status: 'no_token', message: 'No API token is set: paste the API token from your Customerly project\'s API settings first.' });
  }
  let url: URL;
  try {
    url = new URL(`${opts.apiUrl.replace(/\/+$/, '')}/tags`);
  } catch {
    return done({ ok: false, status: 'error', message: 'The API URL is not a valid URL: use https://api.customerly.io/v1.' });
  }
  const doFetch = opts.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: 'GET',
      headers: {
        accept: 'application/json',
        Authentication: `AccessToken: ${opts.token}`,
        Authorization: `Bearer ${opts.token}`,
      },
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    const timedOut = (e as Error)?.name === 'TimeoutError' || (e as Error)?.name === 'AbortError';
    return done({
      ok: false,
      status: 'unreachable',
      message: timedOut
        ? `Customerly did not answer within ${Math.round(opts.timeoutMs / 1000)} s at ${url.origin}: check the API URL and this server's network access.`
        : `Customerly could not be reached at ${url.origin}: check the API URL and this server's network access.`,
    });
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return done({ ok: true, status: 'ok', httpStatus: res.status, message: 'Connected: Customerly accepted the API token.' });

  let apiMessage: string | undefined;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) apiMessage = parsed.data.error.message;
  } catch {
    // not JSON
  }
  if (res.status === 401 || res.status === 403 || (apiMessage !== undefined && BAD_TOKEN_MESSAGES.includes(apiMessage))) {
    return done({
      ok: false,
      status: 'bad_token',
      httpStatus: res.status,
      message: 'Customerly refused the API token: copy it again from your Customerly project\'s API settings and save.',
    });
  }
  if (res.status >= 500 || res.status === 429) {
    return done({ ok: false, status: 'unreachable', httpStatus: res.status, message: `Customerly answered HTTP ${res.status}: it may be down or busy, try again in a minute.` });
  }
  return done({ ok: false, status: 'error', httpStatus: res.status, message: `Customerly answered HTTP ${res.status} to GET /tags: check the API URL.` });
}
