/**
 * The benchmark's results as files and tables: the shape of bench/results/latest-<run>.json (checked when read back),
 * the table of one run (latest-<run>.md) and the table that puts the runs side by side (the README's, through
 * bench/readme-table.ts).
 */
import { z } from 'zod';
import type { BenchRun } from './options';

/** A figure's numbers, as bench/run.ts stores them; the tables read the fields they show. */
const figure = z.record(z.string(), z.unknown());

export const benchResultsSchema = z.object({
  date: z.string(),
  node: z.string(),
  database: z.enum(['sqlite', 'postgres', 'mysql']),
  scale: z.number(),
  only: z.array(z.string()).optional(),
  /** Absent from results written before `--db` existed: the file name says it then. */
  run: z.enum(['sqlite', 'sqlite-wal', 'postgres', 'mysql']).optional(),
  databaseVersion: z.string().optional(),
  /** SQLite only, read from the connection: absent from results written before `--sqlite-journal` existed. */
  sqliteJournal: z.object({ journalMode: z.string(), synchronous: z.string() }).optional(),
  import: figure.optional(),
  outbound: figure.optional(),
  updateTags: figure.optional(),
  tagRules: figure.optional(),
  hasTagsPolicy: figure.optional(),
  add: figure.optional(),
  apiCallsPerDelivery: figure.optional(),
  burst: figure.optional(),
});
export type BenchResults = z.infer<typeof benchResultsSchema>;

export const RUN_TITLES: Record<BenchRun, string> = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  'sqlite-wal': 'SQLite WAL',
  mysql: 'MariaDB / MySQL',
};
const DATABASE_TITLES: Record<BenchResults['database'], string> = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  mysql: 'MariaDB / MySQL',
};
/** The README's columns, in this order; SQLite and PostgreSQL always, the others when they have results. */
export const RUN_ORDER: BenchRun[] = ['sqlite', 'postgres', 'sqlite-wal', 'mysql'];
export const ALWAYS_SHOWN: BenchRun[] = ['sqlite', 'postgres'];

export const journalText = (j: BenchResults['sqliteJournal']) =>
  j ? `journal_mode=${j.journalMode}, synchronous=${j.synchronous}` : 'journal not recorded';

/** The database a run used, in words: its version when recorded, and SQLite's journal. */
export function databaseText(r: BenchResults): string {
  const name = r.databaseVersion ?? `${DATABASE_TITLES[r.database]} (version not recorded)`;
  return r.database === 'sqlite' ? `${name}, ${journalText(r.sqliteJournal)}` : name;
}

export function runText(r: BenchResults): string {
  return `${r.date.slice(0, 10)}, scale ${r.scale}${r.only ? `, only ${r.only.join(', ')}` : ''}, Node ${r.node}`;
}

/** The used heap a figure left alive after a full collection (memory-watch.ts), when recorded. */
function retained(f: Record<string, unknown>): string {
  return typeof f.heapRetainedMB === 'number' ? ` (heap kept after a full GC: ${f.heapRetainedMB} MB)` : '';
}

/** The burst's answer latency; with two runs (bench/burst-figure.ts), the better one's and each run's p99. */
function burstAnswers(b: Record<string, unknown>): string {
  const byRun = Array.isArray(b.answerP99msByRun) ? `; p99 of each run: ${b.answerP99msByRun.join(', ')} ms` : '';
  return `${b.answerP50ms} / ${b.answerP99ms} ms (${b.senders} senders${byRun})`;
}

/** One row of a table: a figure of a run, or nothing when the run did not measure it. */
interface Row {
  figure: string;
  target: string;
  /** The measured value and the same run's baseline (latest-<run>.md). */
  detail(r: BenchResults): { measured: string; baseline: string; value: string } | undefined;
  /** One cell of the side-by-side table: the ratio or value first, then what it was computed from. */
  cell(r: BenchResults): string | undefined;
}

const ROWS: Row[] = [
  {
    figure: 'update_tags on existing users',
    target: '≥ 0.7',
    detail: ({ updateTags: u }) =>
      u && {
        measured: `${u.webhookPerSecond}/s`,
        baseline: `bare route ${u.baselinePerSecond}/s`,
        value: `${u.ratio}`,
      },
    cell: ({ updateTags: u }) => u && `${u.ratio} (${u.webhookPerSecond}/s vs ${u.baselinePerSecond}/s)`,
  },
  {
    figure: 'update_tags, against the bare route that also stores the delivery and its outcome',
    target: '(for the analysis)',
    detail: ({ updateTags: u }) =>
      u && {
        measured: `${u.webhookPerSecond}/s`,
        baseline: `${u.baselineWithDeliveryRecordPerSecond}/s`,
        value: `${u.ratioToRecordedBaseline}`,
      },
    cell: ({ updateTags: u }) =>
      u && `${u.ratioToRecordedBaseline} (${u.webhookPerSecond}/s vs ${u.baselineWithDeliveryRecordPerSecond}/s)`,
  },
  {
    figure: 'add of new users, against the users-permissions add loop',
    target: '≥ 0.9',
    detail: ({ add: a }) =>
      a && {
        measured: `${a.webhookPerSecond}/s`,
        baseline: `users-permissions add loop ${a.baselinePerSecond}/s`,
        value: `${a.ratio}`,
      },
    cell: ({ add: a }) => a && `${a.ratio} (${a.webhookPerSecond}/s vs ${a.baselinePerSecond}/s)`,
  },
  {
    figure: 'queued burst: answer p50 / p99',
    target: 'p99 < 50 ms',
    detail: ({ burst: b }) => b && { measured: burstAnswers(b), baseline: '', value: '' },
    cell: ({ burst: b }) => b && burstAnswers(b),
  },
  {
    figure: 'queued burst: drain',
    target: '',
    detail: ({ burst: b }) =>
      b && { measured: `${b.drainSeconds} s (${b.drainPerSecond}/s) for ${b.deliveries}`, baseline: '', value: '' },
    cell: ({ burst: b }) => b && `${b.drainSeconds} s (${b.drainPerSecond}/s) for ${b.deliveries}`,
  },
  {
    figure: 'queued burst: lost / doubled / not in last state',
    target: '0 / 0 / 0',
    detail: ({ burst: b }) =>
      b && { measured: `${b.lost} / ${b.doubled} / ${b.usersNotInLastState}`, baseline: '', value: '' },
    cell: ({ burst: b }) => b && `${b.lost} / ${b.doubled} / ${b.usersNotInLastState}`,
  },
  {
    figure: 'queued burst: peak RSS growth',
    target: '< 100 MB',
    detail: ({ burst: b }) => b && { measured: `${b.rssGrowthMB} MB${retained(b)}`, baseline: '', value: '' },
    cell: ({ burst: b }) => b && `${b.rssGrowthMB} MB${retained(b)}`,
  },
  {
    figure: 'API calls per delivery (full payload / no tags)',
    target: '0 / ≤ 1',
    detail: ({ apiCallsPerDelivery: c }) =>
      c && { measured: `${c.payloadWithTagsAndAttributes} / ${c.payloadWithoutTags}`, baseline: '', value: '' },
    cell: ({ apiCallsPerDelivery: c }) => c && `${c.payloadWithTagsAndAttributes} / ${c.payloadWithoutTags}`,
  },
  {
    figure: 'update_tags with tag rules, against none',
    target: '≥ 0.95',
    detail: ({ tagRules: r }) =>
      r && {
        measured: `${r.withRulesPerSecond}/s (${r.rules} rules)`,
        baseline: `no rules ${r.withoutRulesPerSecond}/s`,
        value: `${r.ratio}`,
      },
    cell: ({ tagRules: r }) =>
      r && `${r.ratio} (${r.rules} rules: ${r.withRulesPerSecond}/s vs ${r.withoutRulesPerSecond}/s)`,
  },
  {
    figure: 'a route behind the has-tags policy, against the same route without it',
    target: '≥ 0.9',
    detail: ({ hasTagsPolicy: p }) =>
      p && {
        measured: `${p.withPolicyPerSecond}/s`,
        baseline: `the same route without it ${p.withoutPolicyPerSecond}/s`,
        value: `${p.ratio}`,
      },
    cell: ({ hasTagsPolicy: p }) => p && `${p.ratio} (${p.withPolicyPerSecond}/s vs ${p.withoutPolicyPerSecond}/s)`,
  },
  {
    figure: 'import job, mode create, into an empty users table, against the add loop',
    target: '≥ 0.9',
    detail: ({ import: im }) =>
      im && {
        measured: `${im.contactsPerSecond}/s for ${im.contacts} contacts`,
        baseline: `users-permissions add loop ${im.baselinePerSecond}/s`,
        value: `${im.ratio}`,
      },
    cell: ({ import: im }) =>
      im && `${im.ratio} (${im.contacts} contacts: ${im.contactsPerSecond}/s vs ${im.baselinePerSecond}/s)`,
  },
  {
    figure: 'import job: peak RSS growth',
    target: '< 100 MB',
    detail: ({ import: im }) => im && { measured: `${im.rssGrowthMB} MB${retained(im)}`, baseline: '', value: '' },
    cell: ({ import: im }) => im && `${im.rssGrowthMB} MB${retained(im)}`,
  },
  {
    figure: 'import job: users after / contacts',
    target: 'equal, each once',
    detail: ({ import: im }) => im && { measured: importCount(im), baseline: '', value: '' },
    cell: ({ import: im }) => im && importCount(im),
  },
  {
    figure: 'registrations with outbound on, against off',
    target: '≥ 0.9',
    detail: ({ outbound: o }) =>
      o && {
        measured: `${o.onPerSecond}/s (${o.concurrency} senders)`,
        baseline: `outbound off ${o.offPerSecond}/s`,
        value: `${o.ratio}`,
      },
    cell: ({ outbound: o }) => o && `${o.ratio} (${o.onPerSecond}/s vs ${o.offPerSecond}/s)`,
  },
  {
    figure: 'outbound: users registered with it on, in Customerly',
    target: 'all, each once',
    detail: ({ outbound: o }) => o && { measured: outboundCount(o), baseline: '', value: '' },
    cell: ({ outbound: o }) => o && outboundCount(o),
  },
];

/** How many of the users registered with outbound on reached Customerly, in how many requests. */
function outboundCount(o: Record<string, unknown>): string {
  const problems = [
    o.missing ? `${o.missing} missing` : '',
    o.sentMoreThanOnce ? `${o.sentMoreThanOnce} more than once` : '',
    o.sentWhileOff ? `${o.sentWhileOff} registered with it off sent` : '',
  ].filter(Boolean);
  return `${o.delivered} / ${o.registeredWithOutboundOn} in ${o.postUsersRequests} POST /users (${problems.length ? problems.join(', ') : 'each once'})`;
}

function importCount(im: Record<string, unknown>): string {
  const each = im.exactlyOnce ? 'each once' : `${im.missing} missing, ${im.unexpected} unexpected`;
  return `${im.usersAfter} / ${im.contacts} (${each})`;
}

/** latest-<run>.md: one run, each figure with its baseline of the same run. */
export function runMarkdown(r: BenchResults): string {
  const rows = ROWS.flatMap((row) => {
    const d = row.detail(r);
    return d ? [`| ${row.figure} | ${d.measured} | ${d.baseline} | ${d.value} | ${row.target} |`] : [];
  });
  return [
    `Benchmark of ${r.date} (${databaseText(r)}; ${runText(r)})`,
    '',
    '| figure | measured | baseline (same run) | ratio or value | target |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/**
 * The runs side by side: one row per figure, one column per run (its ratio or value, then what it was computed
 * from), and the target; the first rows say when, at which scale and on which database each run was made.
 */
export function comparisonMarkdown(runs: Partial<Record<BenchRun, BenchResults>>): string {
  const columns = RUN_ORDER.filter((run) => runs[run] || ALWAYS_SHOWN.includes(run));
  const notRun = (run: BenchRun) =>
    `not run yet (\`npm run bench -- --db ${run === 'sqlite-wal' ? 'sqlite --sqlite-journal wal' : run}\`)`;
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const perRun = (f: (r: BenchResults) => string) => columns.map((run) => (runs[run] ? f(runs[run]) : ''));
  const rows = ROWS.filter((row) => columns.some((run) => runs[run] && row.cell(runs[run]) !== undefined));
  return [
    line(['figure', ...columns.map((run) => RUN_TITLES[run]), 'target']),
    line(['---', ...columns.map(() => '---'), '---']),
    line(['run', ...columns.map((run) => (runs[run] ? runText(runs[run]) : notRun(run))), '']),
    line(['database', ...perRun(databaseText), '']),
    ...rows.map((row) => line([row.figure, ...perRun((r) => row.cell(r) ?? '(not in this run)'), row.target])),
  ].join('\n');
}
