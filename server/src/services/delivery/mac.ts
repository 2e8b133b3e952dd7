import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of a delivery row. Only the plugin writes deliveries (the intake, a replay); a row written any other
 * way (the Content Manager of an older version, a SQL statement, an admin editing a past delivery before a replay)
 * would otherwise be run by the worker as if Customerly had sent it. So every row carries an HMAC-SHA256 over what
 * the processing reads, keyed by a key derived from the app's secrets (KEY_LABELS.deliveryMac), and the runner and
 * replay refuse a row whose MAC is missing or wrong.
 *
 * What is signed: eventId, action, params, email, contactKey, payload and sealed, exactly as written. The JSON
 * columns are signed in a canonical form of their value (keys sorted, no spaces), because the database does not keep
 * the text: PostgreSQL's jsonb and MySQL's json reorder keys and reformat numbers. The value JSON.parse gives back is
 * the same on every database, so its canonical form is too.
 *
 * Not signed: the status, attempts, history, result, warnings (taken from the result) and the claim columns, which
 * the queue changes as it works: they are outcomes, never read to process a delivery.
 * Changing the key material (ENCRYPTION_KEY, or APP_KEYS when there is none) makes every stored delivery unsigned:
 * pending ones are then refused, as their sealed secrets could not be opened either.
 */

export interface SignedFields {
  eventId: string;
  action: string;
  params: unknown;
  email: string | null | undefined;
  contactKey: string | null | undefined;
  payload: unknown;
  sealed?: string | null;
}

const VERSION = 'customerly.delivery.v1';
const MAC_FORMAT = /^[0-9a-f]{64}$/;

/**
 * JSON with object keys sorted (by UTF-16 code unit) and no whitespace. Values JSON cannot hold are written as
 * JSON.stringify writes them (undefined members dropped, undefined/functions in arrays and non-finite numbers as
 * null). Keys are only read, never assigned, so a `__proto__` key is signed as any other key.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return canonicalJson((toJSON as () => unknown).call(value));
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${members.join(',')}}`;
}

/** The text the MAC is computed over. */
export function signedText(f: SignedFields): string {
  return canonicalJson([
    VERSION,
    f.eventId,
    f.action,
    f.params ?? null,
    f.email ?? null,
    f.contactKey ?? null,
    f.payload ?? null,
    f.sealed ?? null,
  ]);
}

/** The MAC of a delivery (64 lower-case hex characters). */
export function deliveryMac(key: Buffer, f: SignedFields): string {
  return createHmac('sha256', key).update(signedText(f), 'utf8').digest('hex');
}

/** Whether `mac` is the MAC of these fields (a constant-time comparison; false when missing or malformed). */
export function macMatches(key: Buffer, f: SignedFields, mac: unknown): boolean {
  if (typeof mac !== 'string' || !MAC_FORMAT.test(mac)) return false;
  if (typeof f.eventId !== 'string' || typeof f.action !== 'string') return false;
  let expected: Buffer;
  try {
    expected = Buffer.from(deliveryMac(key, f), 'hex');
  } catch {
    // A value that cannot be put in canonical form (e.g. a cycle) was not written by the plugin.
    return false;
  }
  return timingSafeEqual(expected, Buffer.from(mac, 'hex'));
}

/**
 * Signs and verifies delivery rows with one key: the HKDF of the app's key material with its own label
 * (KEY_LABELS.deliveryMac), never the encryption key.
 */
export function deliverySigner(key: Buffer) {
  const fields = (d: SignedFields): SignedFields => ({
    eventId: d.eventId,
    action: d.action,
    params: d.params,
    email: d.email,
    contactKey: d.contactKey,
    payload: d.payload,
    sealed: d.sealed,
  });
  return {
    sign: (d: SignedFields): string => deliveryMac(key, fields(d)),
    verify: (d: SignedFields, mac: unknown): boolean => macMatches(key, fields(d), mac),
  };
}
