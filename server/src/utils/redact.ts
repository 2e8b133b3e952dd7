/** Query parameters and payload keys whose values are secrets. Matching is case-insensitive. */
const SECRET_KEY_PATTERN = /^(access_?key|api_?token|token|password|user_pass|pass(word)?|secret|authorization|authentication)$/i;

export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}

/** Rewrites a URL (path + query) with every secret query value replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const key of [...params.keys()]) {
    if (isSecretKey(key)) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/** A deep copy of a JSON value with secret keys (and the given extra secret values) replaced. */
export function redactValue(value: unknown, secrets: string[] = [], depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (typeof value === 'string') {
    return secrets.some((s) => s && value.includes(s)) ? REDACTED : value;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretKey(k) ? REDACTED : redactValue(v, secrets, depth + 1);
    }
    return out;
  }
  return value;
}
