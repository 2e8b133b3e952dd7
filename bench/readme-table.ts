/**
 * Rebuilds the README's benchmark table (between `<!-- bench:table:start -->` and `<!-- bench:table:end -->` in
 * "## Benchmark") from bench/results/latest-<run>.json: one row per figure, one column per run (SQLite, PostgreSQL,
 * and SQLite WAL or MariaDB when they have results). `npm run bench` runs it at the end when it writes to
 * bench/results; alone:
 *
 *   node --import tsx bench/readme-table.ts [--results <dir>] [--readme <file>]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchRun } from './options';
import { benchResultsSchema, comparisonMarkdown, RUN_ORDER, type BenchResults } from './report';

export const TABLE_START = '<!-- bench:table:start -->';
export const TABLE_END = '<!-- bench:table:end -->';
export const REGENERATE_COMMAND = 'node --import tsx bench/readme-table.ts';
export const DEFAULT_RESULTS_DIR = path.join(__dirname, 'results');
const DEFAULT_README = path.join(__dirname, '..', 'README.md');

/** The latest results of each run found in `dir` (bench/results/latest-<run>.json). */
export function readRuns(dir: string): Partial<Record<BenchRun, BenchResults>> {
  const runs: Partial<Record<BenchRun, BenchResults>> = {};
  for (const run of RUN_ORDER) {
    const file = path.join(dir, `latest-${run}.json`);
    if (!existsSync(file)) continue;
    const parsed = benchResultsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: not benchmark results (${parsed.error.message})`);
    if (parsed.data.run && parsed.data.run !== run) throw new Error(`${file}: the results of ${parsed.data.run}`);
    runs[run] = parsed.data;
  }
  return runs;
}

/** The README with its table rebuilt; throws when the markers are missing or out of order. */
export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the README has no ${TABLE_START} … ${TABLE_END} block`);
  const block = [
    TABLE_START,
    `<!-- Generated from bench/results/latest-*.json by \`${REGENERATE_COMMAND}\`: edit the code, not this table. -->`,
    '',
    table,
    '',
    '',
  ].join('\n');
  return readme.slice(0, start) + block + readme.slice(end);
}

export function regenerateReadme(resultsDir = DEFAULT_RESULTS_DIR, readmePath = DEFAULT_README): string {
  const table = comparisonMarkdown(readRuns(resultsDir));
  const before = readFileSync(readmePath, 'utf8');
  const after = withTable(before, table);
  if (after !== before) writeFileSync(readmePath, after);
  return table;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { results: { type: 'string' }, readme: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const resultsDir = values.results ? path.resolve(values.results) : DEFAULT_RESULTS_DIR;
  const readme = values.readme ? path.resolve(values.readme) : DEFAULT_README;
  console.log(regenerateReadme(resultsDir, readme));
  console.log(`\n${path.relative(process.cwd(), readme) || readme}: table rebuilt from ${resultsDir}`);
}
