/**
 * The command line of `npm run bench` (npm passes what follows `--`): which database the playground runs on and, for
 * SQLite, which journal. Each combination is a "run" with its own results file, bench/results/latest-<run>.json.
 *
 *   --db sqlite|postgres|mysql   sqlite by default; postgres and mysql (MariaDB too) get a fresh database on the local
 *                                server, as the tests do with TEST_DB (tests/helpers/database.ts)
 *   --sqlite-journal default|wal wal: PRAGMA journal_mode=WAL and synchronous=NORMAL on the bench's own database
 *                                (the playground's config/database.js, PLAYGROUND_SQLITE_WAL=true); SQLite only
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

const dbKind = z.preprocess(
  (v) => (typeof v === 'string' ? ({ pg: 'postgres', postgresql: 'postgres', mariadb: 'mysql' }[v] ?? v) : v),
  z.enum(['sqlite', 'postgres', 'mysql'])
);

const optionsSchema = z
  .object({
    db: dbKind.default('sqlite'),
    sqliteJournal: z.enum(['default', 'wal']).default('default'),
  })
  .refine((o) => o.db === 'sqlite' || o.sqliteJournal === 'default', {
    message: '--sqlite-journal applies to --db sqlite only',
    path: ['sqliteJournal'],
  });

export type BenchOptions = z.infer<typeof optionsSchema> & {
  /** The results' name: sqlite, sqlite-wal, postgres or mysql (bench/results/latest-<run>.json). */
  run: BenchRun;
};
export type BenchRun = 'sqlite' | 'sqlite-wal' | 'postgres' | 'mysql';

export function benchOptions(argv: string[] = process.argv.slice(2)): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string' }, 'sqlite-journal': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const parsed = optionsSchema.safeParse({ db: values.db, sqliteJournal: values['sqlite-journal'] });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new Error(`npm run bench -- [--db sqlite|postgres|mysql] [--sqlite-journal default|wal]: ${problems}`);
  }
  const o = parsed.data;
  const run: BenchRun = o.db === 'sqlite' ? (o.sqliteJournal === 'wal' ? 'sqlite-wal' : 'sqlite') : o.db;
  return { ...o, run };
}
