import * as React from 'react';
import {
  LOGIN_TARGET_TYPE,
  defaultMappingType,
  duplicateTargets,
  mappingTypeProblem,
} from '../../../../shared/contracts/mapping-compat';
import type { AdminSettings, MappingRow, MappingType } from '../../../../shared/contracts/settings';
import { useT } from '../../utils/useT';

/** Target name → its attribute type, for every target the panel offers (the login targets take text). */
export function targetTypesOf(data: AdminSettings): Record<string, string> {
  const types: Record<string, string> = {};
  for (const a of data.meta.userAttributes) types[a.name] = a.type;
  for (const name of data.meta.loginTargets) types[name] = LOGIN_TARGET_TYPE;
  return types;
}

/** The type to pre-fill when a target is picked: the first one the target's attribute takes. */
export const prefilledType = (data: AdminSettings, target: string): MappingType | undefined => {
  const type = targetTypesOf(data)[target];
  return type === undefined ? undefined : defaultMappingType(type);
};

/**
 * The panel's own check of the mapping rows, with the server's table (shared/contracts/mapping-compat): a type the
 * target cannot take (`fieldMapping.i.type`) and a target an earlier row has (`fieldMapping.i.to`), in the admin's
 * language. Shown on the rows as they are edited; the server checks the same on save.
 */
export function useMappingIssues(data: AdminSettings, rows: readonly MappingRow[]): Record<string, string> {
  const t = useT();
  const types = React.useMemo(() => targetTypesOf(data), [data]);
  const issues: Record<string, string> = {};
  rows.forEach((row, i) => {
    const attributeType = types[row.to];
    if (attributeType === undefined) return;
    const problem = mappingTypeProblem(row.type, row.to, attributeType);
    if (!problem) return;
    issues[`fieldMapping.${i}.type`] = problem.allowed.length
      ? t('mapping.typeProblem', {
          type: row.type,
          target: row.to,
          attributeType,
          allowed: problem.allowed.join(', '),
        })
      : t('mapping.typeUnsupported', { target: row.to, attributeType });
  });
  for (const { index, firstIndex } of duplicateTargets(rows)) {
    issues[`fieldMapping.${index}.to`] = t('mapping.duplicate', { target: rows[index].to, n: firstIndex + 1 });
  }
  return issues;
}
