/**
 * Cron expressions as every Strapi 5 release runs them (node-schedule before 5.4x, croner after): five fields
 * (minute hour day-of-month month day-of-week) or six with seconds first. Each field is `*`, a number, a range
 * `a-b`, any of these with a step `/n`, or a comma list of them; months and week days may be named (JAN, MON).
 * Anything else is refused with a sentence, so a typo is caught at save (or at startup) and not at 3 a.m.
 */

type FieldSpec = { name: string; min: number; max: number; names?: readonly string[] };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const FIVE_FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, in both libraries.
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

function valueOf(text: string, spec: FieldSpec): number | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= spec.min && n <= spec.max ? n : null;
  }
  const index = spec.names?.indexOf(text.toUpperCase() as never) ?? -1;
  if (index < 0) return null;
  return spec.names === MONTHS ? index + 1 : index;
}

function fieldProblem(field: string, spec: FieldSpec): string | null {
  const bad = `the ${spec.name} field "${field}" is not valid (${spec.min}-${spec.max}, *, a-b, */n or a list)`;
  for (const item of field.split(',')) {
    const [range, step, ...rest] = item.split('/');
    if (rest.length || range === undefined || range === '') return bad;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return bad;
    if (range === '*') continue;
    const [from, to, ...more] = range.split('-');
    if (more.length || from === undefined) return bad;
    const a = valueOf(from, spec);
    if (a === null) return bad;
    if (to !== undefined) {
      const b = valueOf(to, spec);
      if (b === null || b < a) return bad;
    }
  }
  return null;
}

/** Why a cron expression cannot run, in one sentence; null when it is valid. */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6)
    return `a cron expression has 5 fields (minute hour day month weekday), e.g. "0 3 * * *"; "${expression}" has ${fields.length}`;
  const specs = fields.length === 6 ? [SECOND, ...FIVE_FIELDS] : FIVE_FIELDS;
  for (let i = 0; i < fields.length; i++) {
    const problem = fieldProblem(fields[i]!, specs[i]!);
    if (problem) return problem;
  }
  return null;
}
