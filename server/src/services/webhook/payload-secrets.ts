import type { FieldMappingRow } from '../../config/schema';
import { IDENTITY_FIELDS, PASSWORD_TARGET, includes } from '../../constants';
import { isSecretKey, REDACTED } from '../../utils/redact';
import type { ContactInput } from './contact';

/**
 * What a delivery stores of its payload, and what it seals.
 *
 * A stored payload never holds a secret in clear: the values under secret keys (`password`, `token`, …) and the
 * values the field mapping turns into a password (`user_pass`) are replaced by "[redacted]" and sealed (encrypted on
 * the delivery until it is processed). Redaction is by place, never by matching text: a tag, an email or an id that
 * happens to contain a password stays as it is, and the contact processed is exactly the one received. The identity
 * of the contact (its email, ids and tags) is never replaced.
 *
 * Sealed values are keyed by their JSON path (a JSON array of keys) and hold the JSON of the original value.
 */
export type SealedValues = Record<string, string>;

const isIdentityField = (name: string) => includes(IDENTITY_FIELDS, name);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Where in the payload a mapping row reads, as readContactField does (see sync/field-mapping.ts). */
export function mappingSourcePath(contact: Pick<ContactInput, 'path' | 'fields'>, from: string): string[] | undefined {
  if (!contact.path) return undefined;
  if (from.startsWith('attributes.')) return [...contact.path, 'attributes', from.slice('attributes.'.length)];
  if (from === 'email' || from === 'name' || from === 'user_id' || from === 'crmhero_user_id')
    return [...contact.path, from];
  return from in contact.fields ? [...contact.path, from] : [...contact.path, 'attributes', from];
}

/**
 * Replaces the secrets of a parsed (and cleaned) payload in place, and returns the originals to seal.
 * `mapping` gives the password sources (rows whose `to` is `user_pass`).
 */
export function sealPayloadSecrets(
  payload: Record<string, unknown>,
  contact: ContactInput,
  mapping: FieldMappingRow[],
  /** Values that are secrets wherever they appear (the access key, the API token), matched exactly. */
  exactSecrets: string[] = []
): SealedValues {
  const sealed: SealedValues = {};
  const exact = new Set(exactSecrets.filter((v) => v.length > 0));
  const contactDepth = contact.path?.length ?? -1;
  const onContact = (path: string[]) =>
    contact.path !== undefined && path.length === contactDepth + 1 && contact.path.every((k, i) => path[i] === k);

  // Values under secret keys, anywhere.
  const stack: Array<{ node: unknown; path: string[] }> = [{ node: payload, path: [] }];
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((v, i) => {
        const at = [...path, String(i)];
        if (typeof v === 'string' && exact.has(v)) {
          sealed[JSON.stringify(at)] = JSON.stringify(v);
          node[i] = REDACTED;
        } else if (v && typeof v === 'object') stack.push({ node: v, path: at });
      });
    } else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        const at = [...path, key];
        const identity = onContact(at) && isIdentityField(key);
        if (!identity && (isSecretKey(key) || (typeof value === 'string' && exact.has(value)))) {
          if (value !== REDACTED) sealed[JSON.stringify(at)] = JSON.stringify(value ?? null);
          node[key] = REDACTED;
        } else if (value && typeof value === 'object' && !identity) stack.push({ node: value, path: at });
      }
    }
  }

  // Values the mapping makes a password, wherever they sit.
  for (const row of mapping) {
    if (row.to !== PASSWORD_TARGET) continue;
    const path = mappingSourcePath(contact, row.from);
    if (!path || (onContact(path) && isIdentityField(path[path.length - 1]!))) continue;
    const parent = walk(payload, path.slice(0, -1));
    const key = path[path.length - 1]!;
    if (!isObject(parent) || !Object.prototype.hasOwnProperty.call(parent, key)) continue;
    const value = parent[key];
    if (value === REDACTED || value === null || value === undefined || value === '') continue;
    sealed[JSON.stringify(path)] = JSON.stringify(value);
    parent[key] = REDACTED;
  }
  return sealed;
}

/** Puts the sealed originals back into a stored payload (a copy), so the delivery is processed as it was received. */
export function restorePayloadSecrets(payload: unknown, sealed: SealedValues): Record<string, unknown> {
  const copy = (isObject(payload) ? structuredClone(payload) : {}) as Record<string, unknown>;
  for (const [pathJson, valueJson] of Object.entries(sealed)) {
    if (!pathJson.startsWith('[')) continue; // an older delivery: see restoreLegacySecrets
    let path: unknown;
    let value: unknown;
    try {
      path = JSON.parse(pathJson);
      value = JSON.parse(valueJson);
    } catch {
      continue;
    }
    if (!Array.isArray(path) || !path.length || path.some((k) => typeof k !== 'string' || k === '__proto__')) continue;
    const parent = walk(copy, path.slice(0, -1) as string[]);
    if (parent && typeof parent === 'object')
      (parent as Record<string, unknown>)[path[path.length - 1] as string] = value;
  }
  return copy;
}

/**
 * Deliveries stored by earlier versions sealed the password by the mapping's `from` (e.g. "attributes.pass") and
 * put it back on the contact.
 */
export function restoreLegacySecrets(contact: ContactInput, sealed: SealedValues): ContactInput {
  const legacy = Object.entries(sealed).filter(([k]) => !k.startsWith('['));
  if (!legacy.length) return contact;
  const attributes = { ...(contact.attributes ?? {}) };
  const fields = { ...contact.fields };
  for (const [from, value] of legacy) {
    if (from.startsWith('attributes.')) attributes[from.slice('attributes.'.length)] = value;
    else fields[from] = value;
  }
  return { ...contact, attributes, fields };
}

function walk(root: unknown, path: string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (!cur || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
