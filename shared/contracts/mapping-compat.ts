import type { MappingType } from './settings';

/**
 * Which field-mapping types can be written to which users-permissions attribute: one table for the server (a save
 * or a config/plugins mapping with a type the target cannot take is refused) and for the panel (the type is
 * pre-filled from the target, a bad pair is shown on the row before saving).
 *
 * It follows what a delivery does with a row (server/src/services/sync/field-mapping.ts converts the value to the
 * row's type, attribute-values.ts checks it against the attribute): a pair is listed only when a converted value can
 * be stored. `string` gives text, `number` a number, `boolean` true/false, `date` an ISO date (so it also fits a
 * text attribute), `json` the value as it came (any shape, so only a json or blocks attribute takes it).
 *
 * The first type of each list is the one the panel pre-fills. An attribute type not in the table cannot be written.
 */
export const MAPPING_COMPATIBILITY: Readonly<Record<string, readonly MappingType[]>> = {
  string: ['string', 'date'],
  text: ['string', 'date'],
  richtext: ['string', 'date'],
  email: ['string'],
  enumeration: ['string'],
  uid: ['string'],
  time: ['string'],
  integer: ['number'],
  biginteger: ['number'],
  float: ['number'],
  decimal: ['number'],
  boolean: ['boolean'],
  date: ['date'],
  datetime: ['date'],
  timestamp: ['date'],
  json: ['json', 'string', 'number', 'boolean', 'date'],
  blocks: ['json'],
  /** `user_login` / `user_pass`, the username and password of a new user: always read as text. */
  login: ['string'],
};

/** The table's entry for the login targets (`user_login`, `user_pass`), which are not user attributes. */
export const LOGIN_TARGET_TYPE = 'login';

/** The mapping types an attribute type takes; empty when the mapping cannot write it. */
export const mappingTypesFor = (attributeType: string): readonly MappingType[] =>
  Object.prototype.hasOwnProperty.call(MAPPING_COMPATIBILITY, attributeType)
    ? MAPPING_COMPATIBILITY[attributeType]
    : [];

/** The type the panel pre-fills when this attribute type is picked as a target. */
export const defaultMappingType = (attributeType: string): MappingType | undefined => mappingTypesFor(attributeType)[0];

/** The problem of one row's type: why a `type` value cannot be written to `target` (of `attributeType`). */
export interface MappingTypeProblem {
  target: string;
  type: MappingType;
  attributeType: string;
  allowed: readonly MappingType[];
}

/**
 * Why a row of this type cannot be written to this target, or undefined when it can. `attributeType` is the
 * target attribute's type, or LOGIN_TARGET_TYPE for the login targets.
 */
export function mappingTypeProblem(
  type: MappingType,
  target: string,
  attributeType: string
): MappingTypeProblem | undefined {
  const allowed = mappingTypesFor(attributeType);
  return allowed.includes(type) ? undefined : { target, type, attributeType, allowed };
}

/** The server's sentence for a type problem (the panel translates the same facts itself). */
export const describeMappingTypeProblem = ({ target, type, attributeType, allowed }: MappingTypeProblem): string =>
  allowed.length === 0
    ? `"${target}" has the attribute type ${attributeType}, which the mapping cannot write`
    : `a ${type} value cannot be written to "${target}" (attribute type: ${attributeType}): use the type ${allowed.join(' or ')}`;

/** For each row whose target an earlier row already has: its index and the index of that earlier row. */
export function duplicateTargets(rows: ReadonlyArray<{ to: string }>): Array<{ index: number; firstIndex: number }> {
  const first = new Map<string, number>();
  const out: Array<{ index: number; firstIndex: number }> = [];
  rows.forEach((row, index) => {
    if (!row.to) return;
    const seen = first.get(row.to);
    if (seen === undefined) first.set(row.to, index);
    else out.push({ index, firstIndex: seen });
  });
  return out;
}

/** The server's sentence for a repeated target. */
export const describeDuplicateTarget = (target: string, firstIndex: number): string =>
  `"${target}" is already the target of fieldMapping[${firstIndex}]: map one Customerly field per attribute`;
