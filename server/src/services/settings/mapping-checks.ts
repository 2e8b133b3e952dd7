import {
  LOGIN_TARGET_TYPE,
  describeDuplicateTarget,
  describeMappingTypeProblem,
  duplicateTargets,
  mappingTypeProblem,
} from '../../../../shared/contracts/mapping-compat';
import type { FieldMappingRow } from '../../config/schema';
import { LOGIN_TARGET, PASSWORD_TARGET } from '../../constants';
import type { FieldError } from '../../validation/errors';
import { mappingRowProblem } from '../sync/field-mapping';
import type { UserAttributes } from '../sync/users-permissions';

/**
 * What is wrong with a field mapping for this user schema, row by row: a target that is protected or missing
 * (`fieldMapping.i.to`), a type the target cannot take (`fieldMapping.i.type`, see shared/contracts/mapping-compat),
 * a target an earlier row already writes (`fieldMapping.i.to`, the later row named). Used by a save from the panel and
 * at startup for config/plugins, so both refuse the same mappings.
 */
export function fieldMappingProblems(
  rows: readonly FieldMappingRow[],
  attributes: UserAttributes,
  tagsField: string
): FieldError[] {
  const problems: FieldError[] = [];
  const badTarget = new Set<number>();
  rows.forEach((row, i) => {
    const targetProblem = mappingRowProblem(row, attributes, tagsField);
    if (targetProblem) {
      badTarget.add(i);
      problems.push({ path: ['fieldMapping', String(i), 'to'], message: targetProblem });
      return;
    }
    const isLogin = row.to === LOGIN_TARGET || row.to === PASSWORD_TARGET;
    const attributeType = isLogin ? LOGIN_TARGET_TYPE : attributes[row.to].type;
    const typeProblem = mappingTypeProblem(row.type, row.to, attributeType);
    if (typeProblem)
      problems.push({ path: ['fieldMapping', String(i), 'type'], message: describeMappingTypeProblem(typeProblem) });
  });
  for (const { index, firstIndex } of duplicateTargets(rows)) {
    if (badTarget.has(index)) continue;
    problems.push({
      path: ['fieldMapping', String(index), 'to'],
      message: describeDuplicateTarget(rows[index].to, firstIndex),
    });
  }
  return problems.sort((a, b) => Number(a.path[1]) - Number(b.path[1]));
}

/** A field's path as an admin reads it: `fieldMapping[1].type`, `allowedRoles[0]`, `returnPassword.attribute`. */
export const fieldLabel = (path: readonly string[]): string =>
  path.reduce((label, part) => (/^\d+$/.test(part) ? `${label}[${part}]` : label ? `${label}.${part}` : part), '');
