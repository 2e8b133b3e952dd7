import { z } from 'zod';

/**
 * Whether a value (already converted to the mapping's type) fits the user attribute it is written to, on every
 * database the plugin supports. A value that does not fit is skipped with a warning: writing it would fail after
 * the delivery is stored (a 500 with the database's own message), or be cut or rounded silently.
 *
 * Column facts (Strapi 5's schema builder): string, email, enumeration, uid and password are VARCHAR(255); text and
 * richtext are long text; integer is a 32-bit INTEGER; biginteger a 64-bit BIGINT; float a double; decimal is
 * DECIMAL(10,2); datetime covers the years 1000 to 9999 (MySQL's range), timestamp 1970 to 2038 (MySQL's too).
 */
export interface AttributeSpec {
  type: string;
  maxLength?: number;
  minLength?: number;
  min?: number | string;
  max?: number | string;
  enum?: string[];
  regex?: string | RegExp;
  required?: boolean;
}

const VARCHAR_TYPES = new Set(['string', 'email', 'enumeration', 'uid', 'password']);
const TEXT_TYPES = new Set([...VARCHAR_TYPES, 'text', 'richtext']);
const VARCHAR_LENGTH = 255;
const INT32 = { min: -2_147_483_648, max: 2_147_483_647 };
/** DECIMAL(10,2): eight digits before the point. */
const DECIMAL_LIMIT = 99_999_999.99;
const YEARS = { datetime: [1000, 9999], date: [1000, 9999], timestamp: [1970, 2037] } as const;
const email = z.email();

export function attributeValueProblem(value: unknown, attr: AttributeSpec | undefined): string | undefined {
  if (!attr) return 'the user has no such attribute';
  if (value === null) return attr.required ? 'the attribute is required, so it cannot be emptied' : undefined;
  const t = attr.type;

  if (TEXT_TYPES.has(t)) {
    if (typeof value !== 'string') return `a ${t} attribute takes text`;
    const max = attr.maxLength ?? (VARCHAR_TYPES.has(t) ? VARCHAR_LENGTH : undefined);
    if (max !== undefined && value.length > max) return `longer than the ${max} characters the attribute takes`;
    if (VARCHAR_TYPES.has(t) && value.length > VARCHAR_LENGTH) return `longer than ${VARCHAR_LENGTH} characters`;
    if (attr.minLength !== undefined && value.length < attr.minLength)
      return `shorter than the ${attr.minLength} characters the attribute needs`;
    if (t === 'email' && !email.safeParse(value).success) return 'not an email address';
    if (t === 'enumeration' && !(attr.enum ?? []).includes(value))
      return `not one of the attribute's values (${(attr.enum ?? []).join(', ')})`;
    if (t === 'uid' && !new RegExp(attr.regex ?? '^[A-Za-z0-9-_.~]*$').test(value))
      return 'not a valid uid (letters, digits, - _ . ~)';
    return undefined;
  }

  switch (t) {
    case 'integer':
    case 'biginteger':
    case 'float':
    case 'decimal': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `a ${t} attribute takes a number`;
      if ((t === 'integer' || t === 'biginteger') && !Number.isInteger(value)) return 'not a whole number';
      if (t === 'integer' && (value < INT32.min || value > INT32.max))
        return 'outside the range of an integer attribute (32 bits)';
      if (t === 'biginteger' && !Number.isSafeInteger(value)) return 'too large to be stored exactly';
      if (t === 'decimal' && Math.abs(value) > DECIMAL_LIMIT)
        return `outside the range of a decimal attribute (±${DECIMAL_LIMIT})`;
      if (attr.min !== undefined && value < Number(attr.min)) return `below the attribute's minimum (${attr.min})`;
      if (attr.max !== undefined && value > Number(attr.max)) return `above the attribute's maximum (${attr.max})`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'a boolean attribute takes true or false';
    case 'date':
    case 'datetime':
    case 'timestamp': {
      if (typeof value !== 'string' && !(value instanceof Date)) return `a ${t} attribute takes a date`;
      const ms = value instanceof Date ? value.getTime() : Date.parse(value);
      if (!Number.isFinite(ms)) return 'not a date';
      const year = new Date(ms).getUTCFullYear();
      const [from, to] = YEARS[t];
      if (year < from || year > to) return `a date outside the years ${from} to ${to} that the database stores`;
      return undefined;
    }
    case 'time':
      return typeof value === 'string' && /^\d\d:\d\d(:\d\d(\.\d{1,3})?)?$/.test(value)
        ? undefined
        : 'not a time of day (HH:mm:ss)';
    case 'json':
    case 'blocks':
      return undefined;
    default:
      return `"${t}" attributes cannot be written by the mapping`;
  }
}

/** users-permissions' rules for a username: at least 3 characters, and the VARCHAR(255) column. */
export function usernameProblem(username: string): string | undefined {
  if (username.trim().length < 3) return 'a username has at least 3 characters';
  if (username.length > VARCHAR_LENGTH) return `a username has at most ${VARCHAR_LENGTH} characters`;
  return undefined;
}

/** users-permissions' rules for a password: at least 6 characters, and at most 72 bytes (bcrypt ignores the rest). */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 6) return 'a password has at least 6 characters';
  if (Buffer.byteLength(password, 'utf8') > 72) return 'a password has at most 72 bytes';
  return undefined;
}
