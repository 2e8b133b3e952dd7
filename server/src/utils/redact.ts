/**
 * Names of query parameters and payload keys whose values are secrets, squashed (lower case, letters and digits
 * only), so that `access_key`, `ACCESS-KEY`, `accessKey` and `access key` are one name, while `my_token`,
 * `tokens` or `password_hint` are other names.
 */
const SECRET_NAMES = new Set([
  'accesskey',
  'apitoken',
  'token',
  'password',
  'userpass',
  'pass',
  'secret',
  'authorization',
  'authentication',
  // OAuth parameters (users-permissions' provider callbacks carry them in the query string).
  'accesstoken',
  'refreshtoken',
  'idtoken',
]);

export const REDACTED = '[redacted]';

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** True for a secret key name, whatever its case and its separators (`_`, `-`, `.`, spaces). */
export function isSecretKey(key: string): boolean {
  return SECRET_NAMES.has(squash(key));
}

/**
 * Decodes a raw query component for the secret-name check: '+' is a space, and %XX escapes are decoded byte by byte
 * (never throws on a malformed escape) and again, so that `access%5Fkey` or a doubly encoded `access%255Fkey` does
 * not hide the name.
 */
function decodeQueryName(raw: string): string {
  let out = raw.replace(/\+/g, ' ');
  for (let round = 0; round < 4; round++) {
    const next = out.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === out) break;
    out = next;
  }
  return out;
}

/**
 * True when a raw query parameter name is a spelling of a secret name: the name itself (`ACCESS_KEY`,
 * `access%5Fkey`), or one of its bracket/dot parts as qs and PHP-style parsers read them (`access_key[]`,
 * `access_key[0]`, `access_key%5B%5D`, `data[password]`, `access.key`).
 */
function isSecretQueryName(raw: string): boolean {
  const name = decodeQueryName(raw);
  return isSecretKey(name) || name.split(/[^A-Za-z0-9_\- ]+/).some(isSecretKey);
}

const ENCODED_REDACTED = encodeURIComponent(REDACTED);

/**
 * Rewrites a URL (path + query) with the value of every secret query parameter replaced, whatever the spelling of
 * its name (see isSecretQueryName). A repeated secret parameter is kept once. Pairs are split on '&', and also on
 * ';' inside a pair (some parsers split there): from a secret name found after a ';', the rest of the pair is
 * replaced. Everything else is kept byte for byte, and a URL with no secret parameter is returned unchanged.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const seen = new Set<string>();
  let changed = false;
  const pairs: string[] = [];
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (isSecretQueryName(name)) {
      changed = true;
      const key = decodeQueryName(name);
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push(`${name}=${ENCODED_REDACTED}`);
      continue;
    }
    // A secret name after a ';' inside the pair ("action=test;access_key=KEY").
    const parts = pair.split(';');
    const at = parts.findIndex((part, i) => i > 0 && isSecretQueryName(part.split('=')[0] ?? ''));
    if (at === -1) {
      pairs.push(pair);
      continue;
    }
    changed = true;
    const secretName = parts[at]!.split('=')[0]!;
    pairs.push(`${parts.slice(0, at).join(';')};${secretName}=${ENCODED_REDACTED}`);
  }
  return changed ? `${url.slice(0, q)}?${pairs.join('&')}` : url;
}

/** Secrets shorter than this are only replaced where they are a whole value (a short one would match ordinary text). */
const MIN_SECRET_IN_TEXT = 8;

/**
 * A deep copy of a JSON value for display (answers, the delivery log), with the values under secret keys replaced,
 * and the given secret values replaced where a string is one, or, for long secrets, where it contains one (an error
 * message quoting it). Never used on data that is processed: see services/webhook/payload-secrets.ts for what is stored.
 */
export function redactValue(value: unknown, secrets: string[] = [], depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (typeof value === 'string') {
    let text = value;
    for (const s of secrets) {
      if (!s) continue;
      if (text === s) return REDACTED;
      if (s.length >= MIN_SECRET_IN_TEXT && text.includes(s)) text = text.split(s).join(REDACTED);
    }
    return text;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // defineProperty: a key named "__proto__" stays a plain key and never becomes the copy's prototype.
      Object.defineProperty(out, k, {
        value: isSecretKey(k) ? REDACTED : redactValue(v, secrets, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
