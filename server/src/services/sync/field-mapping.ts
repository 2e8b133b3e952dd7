import type { MappingType } from '../../../../shared/contracts/settings';
import type { FieldMappingRow } from '../../config/schema';
import {
  FALSE_WORDS,
  LOGIN_TARGET,
  NON_WRITABLE_ATTRIBUTE_TYPES,
  PASSWORD_TARGET,
  TRUE_WORDS,
  includes,
} from '../../constants';
import { REDACTED } from '../../utils/redact';
import { attributeValueProblem, passwordProblem, usernameProblem } from './attribute-values';
import type { UserAttributes } from './users-permissions';

export { LOGIN_TARGET, PASSWORD_TARGET } from '../../constants';

/** User attributes a contact may never write. */
export const PROTECTED_ATTRIBUTES = new Set([
  'id',
  'documentId',
  'password',
  'role',
  'provider',
  'confirmed',
  'blocked',
  'resetPasswordToken',
  'confirmationToken',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
  'customerlyContactId',
  'customerlyUserId',
  'customerlyCreated',
  // The email moves only through user-match's rules (a crmhero_user_id match of a user, followEmailChanges).
  'email',
]);

/** The parts of a contact the mapping reads from: top-level fields and `attributes.*`. */
export interface MappableContact {
  email: string;
  name?: string;
  userId?: string;
  crmheroUserId?: string;
  attributes?: Record<string, unknown>;
  fields: Record<string, unknown>;
}

export interface MappingResult {
  /** Values for user attributes. */
  data: Record<string, unknown>;
  login?: string;
  /** A password given by the contact; a secret. */
  password?: string;
  /** Rows that were not applied, with why (no values: they could be secrets). */
  skipped: Array<{ from: string; to: string; reason: string }>;
}

/** Why a mapping row may not be used with this user schema; undefined when it may. */
export function mappingRowProblem(
  row: FieldMappingRow,
  userAttributes: UserAttributes,
  tagsField: string
): string | undefined {
  if (row.to === LOGIN_TARGET || row.to === PASSWORD_TARGET) return undefined;
  if (PROTECTED_ATTRIBUTES.has(row.to) || row.to === tagsField)
    return `"${row.to}" is protected and is never written from Customerly`;
  const attr = userAttributes[row.to];
  if (!attr) return `the user has no attribute "${row.to}"`;
  if (includes(NON_WRITABLE_ATTRIBUTE_TYPES, attr.type))
    return `"${row.to}" is a ${attr.type}, which the mapping cannot write`;
  return undefined;
}

export function readContactField(contact: MappableContact, from: string): unknown {
  if (from.startsWith('attributes.')) return contact.attributes?.[from.slice('attributes.'.length)];
  switch (from) {
    case 'email':
      return contact.email;
    case 'name':
      return contact.name;
    case 'user_id':
      return contact.userId;
    case 'crmhero_user_id':
      return contact.crmheroUserId;
    default:
      return from in contact.fields ? contact.fields[from] : contact.attributes?.[from];
  }
}

const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

/** Converts a Customerly value to the mapping's type. Dates arrive as unix seconds (or ISO strings). */
export function convertValue(value: unknown, type: MappingType, targetType?: string): Converted {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return { ok: true, value };
      if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
      return { ok: false, reason: 'not a text value' };
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: 'not a number' };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      const s = String(value).trim().toLowerCase();
      if (includes(TRUE_WORDS, s)) return { ok: true, value: true };
      if (includes(FALSE_WORDS, s)) return { ok: true, value: false };
      return { ok: false, reason: 'not true/false or 1/0' };
    }
    case 'date': {
      let ms: number;
      if (typeof value === 'number') ms = value * 1000;
      else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) ms = Number(value) * 1000;
      else if (typeof value === 'string') ms = Date.parse(value);
      else return { ok: false, reason: 'not a date' };
      // Beyond ±8.64e15 ms a JavaScript date is invalid (toISOString would throw).
      if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return { ok: false, reason: 'not a date' };
      const iso = new Date(ms).toISOString();
      return { ok: true, value: targetType === 'date' ? iso.slice(0, 10) : iso };
    }
    case 'json':
      return { ok: true, value };
  }
}

/** Applies the mapping to a contact. Protected or unknown targets and bad values are skipped and reported. */
export function applyMapping(
  contact: MappableContact,
  mapping: FieldMappingRow[],
  userAttributes: UserAttributes,
  tagsField: string
): MappingResult {
  const result: MappingResult = { data: {}, skipped: [] };
  for (const row of mapping) {
    const rowProblem = mappingRowProblem(row, userAttributes, tagsField);
    if (rowProblem) {
      result.skipped.push({ from: row.from, to: row.to, reason: rowProblem });
      continue;
    }
    const raw = readContactField(contact, row.from);
    if (raw === REDACTED) {
      // A replayed delivery whose sealed secret was dropped when it was first processed.
      result.skipped.push({
        from: row.from,
        to: row.to,
        reason: 'the value was a secret, no longer kept after the first run',
      });
      continue;
    }
    if (isEmpty(raw)) {
      if (row.writeEmpty && row.to !== LOGIN_TARGET && row.to !== PASSWORD_TARGET) {
        const emptyProblem = attributeValueProblem(null, userAttributes[row.to]);
        if (emptyProblem) result.skipped.push({ from: row.from, to: row.to, reason: emptyProblem });
        else result.data[row.to] = null;
      }
      continue;
    }
    const isLogin = row.to === LOGIN_TARGET || row.to === PASSWORD_TARGET;
    const converted = convertValue(raw, isLogin ? 'string' : row.type, userAttributes[row.to]?.type);
    if (!converted.ok) {
      result.skipped.push({ from: row.from, to: row.to, reason: converted.reason });
      continue;
    }
    // A value the target cannot take is skipped: writing it would fail after the delivery is stored.
    const valueProblem =
      row.to === LOGIN_TARGET
        ? usernameProblem(String(converted.value).trim())
        : row.to === PASSWORD_TARGET
          ? passwordProblem(String(converted.value))
          : attributeValueProblem(converted.value, userAttributes[row.to]);
    if (valueProblem) {
      result.skipped.push({ from: row.from, to: row.to, reason: valueProblem });
      continue;
    }
    if (row.to === LOGIN_TARGET) result.login = String(converted.value).trim();
    else if (row.to === PASSWORD_TARGET) result.password = String(converted.value);
    else result.data[row.to] = converted.value;
  }
  return result;
}

/** Whether the mapping needs more of the contact than its email (so the API may have to be asked). */
export const mappingReadsContact = (mapping: FieldMappingRow[]) => mapping.some((r) => r.from !== 'email');
