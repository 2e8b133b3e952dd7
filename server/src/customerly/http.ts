/** One HTTP request to the Customerly API, and what came back: an answer, a redirect (never followed), or nothing. */
export type SendResult =
  | { type: 'http'; status: number; text: string; retryAfter: string | null }
  | { type: 'redirect'; status: number; locationOrigin?: string }
  | { type: 'network'; reason: string; timedOut: boolean };

/** Sends one request with both of the auth headers Customerly has used, within `timeoutMs`. Never throws. */
export async function sendOnce(
  method: string,
  url: URL,
  body: unknown,
  opts: { token: string; timeoutMs: number }
): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        Authentication: `AccessToken: ${opts.token}`,
        Authorization: `Bearer ${opts.token}`,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs),
      // Never follow a redirect: the auth headers would go to the host it names (fetch drops `Authorization`
      // across origins, not `Authentication`). 'manual' rather than 'error': Node's fetch then hands back the 3xx
      // itself, so the error can name its status; it follows nothing either.
      redirect: 'manual',
    });
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
      await res.body?.cancel().catch(() => undefined);
      return { type: 'redirect', status: res.status, locationOrigin: originOf(res.headers.get('location'), url) };
    }
    const text = await res.text();
    return { type: 'http', status: res.status, text, retryAfter: res.headers.get('retry-after') };
  } catch (e) {
    const err = e as Error;
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    return { type: 'network', reason: timedOut ? `timed out after ${opts.timeoutMs} ms` : err.message, timedOut };
  }
}

/** Where a redirect pointed, as scheme://host:port only (a path or query could carry anything). */
function originOf(location: string | null, base: URL): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base).origin;
  } catch {
    return undefined;
  }
}
