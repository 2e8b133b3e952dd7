/** The client's waits between tries: Customerly's Retry-After, else a capped exponential backoff. */

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Capped exponential backoff with full jitter: attempt 1 waits up to 500 ms, then 1 s, 2 s, ... */
export function backoffDelay(attempt: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, 500 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
