import type { FieldMappingRow, OutboundConfig } from '../../config/schema';

/** The rows that write Customerly's values onto users (`in`, `both`). */
export const inboundRows = (rows: readonly FieldMappingRow[]): FieldMappingRow[] =>
  rows.filter((r) => (r.direction ?? 'in') !== 'out');

/** The rows that write users' values to Customerly (`out`, `both`). */
export const outboundRows = (rows: readonly FieldMappingRow[]): FieldMappingRow[] =>
  rows.filter((r) => r.direction === 'out' || r.direction === 'both');

/** One user of a `POST /users` body. `tags` is never sent (see README: tags go through `POST /tags` only). */
export interface CustomerlyUserEntry {
  email: string;
  user_id?: string;
  name?: string;
  attributes?: Record<string, string | number | boolean>;
}

/** Customerly keeps text attributes to 128 characters (customerly.md). */
const TEXT_MAX = 128;

/**
 * A user's value as Customerly takes it: dates as unix seconds, booleans as true/false, numbers as they are, text cut
 * to 128 characters, JSON as its text. Undefined when there is nothing to write (null, '', a value of no known shape).
 */
export function customerlyValue(
  value: unknown,
  type: FieldMappingRow['type']
): string | number | boolean | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  switch (type) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === '1' || value === 'true') return true;
      if (value === 0 || value === '0' || value === 'false') return false;
      return undefined;
    case 'date': {
      const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
      return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
    }
    case 'json':
      return JSON.stringify(value).slice(0, TEXT_MAX);
    default:
      return typeof value === 'object' ? undefined : String(value).slice(0, TEXT_MAX);
  }
}

/**
 * The `POST /users` entry of a user: the email, the `user_id` the config asks for, and every `out`/`both` row's
 * value (`name`, `attributes.<name>`). Empty values are skipped unless the row says `writeEmpty` (then sent as '').
 */
export function userEntry(
  user: Record<string, unknown> & { id: number; documentId?: string; email: string },
  rows: readonly FieldMappingRow[],
  userId: OutboundConfig['userId']
): CustomerlyUserEntry {
  const entry: CustomerlyUserEntry = { email: user.email.trim().toLowerCase() };
  if (userId === 'id') entry.user_id = String(user.id);
  else if (userId === 'documentId' && user.documentId) entry.user_id = user.documentId;
  for (const row of outboundRows(rows)) {
    const value = customerlyValue(user[row.to], row.type);
    if (value === undefined) continue;
    if (value === null && !row.writeEmpty) continue;
    const out = value ?? '';
    if (row.from === 'name') entry.name = String(out);
    else if (row.from.startsWith('attributes.')) (entry.attributes ??= {})[row.from.slice('attributes.'.length)] = out;
  }
  return entry;
}

/** The user attributes an outbound upsert reads: a change of one of them (or of the email) is sent. */
export const watchedAttributes = (rows: readonly FieldMappingRow[]): string[] => [
  'email',
  ...new Set(outboundRows(rows).map((r) => r.to)),
];

/** Whether two values of an attribute differ as Customerly would see them. */
export function changed(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);
  return JSON.stringify(norm(a)) !== JSON.stringify(norm(b));
}
