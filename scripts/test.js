#!/usr/bin/env node
/**
 * The test command (`npm test`): builds the plugin, then runs every test file in its own process with node's
 * test runner. TEST_DB=sqlite (default) | postgres | mysql picks the database of the integration tests.
 *
 * A database or browser that is not there: the suites that need it are skipped with the reason, unless CI=true,
 * where that fails the run.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const ci = process.env.CI === 'true' || process.env.CI === '1';
const kind = (process.env.TEST_DB || 'sqlite').toLowerCase();

function findTests(dir) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true })
    .filter((f) => /\.test\.ts$/.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

async function canReachDatabase() {
  if (kind === 'sqlite') return null;
  try {
    if (kind === 'postgres') {
      const { Client } = require('pg');
      const c = new Client({
        host: process.env.TEST_PG_HOST || '127.0.0.1',
        port: Number(process.env.TEST_PG_PORT || 5432),
        user: process.env.TEST_PG_USER || 'postgres',
        password: process.env.TEST_PG_PASSWORD || '',
        database: 'postgres',
        connectionTimeoutMillis: 5000,
      });
      await c.connect();
      await c.end();
    } else if (kind === 'mysql' || kind === 'mariadb') {
      const mysql = require('mysql2/promise');
      const c = await mysql.createConnection({
        host: process.env.TEST_MYSQL_HOST || '127.0.0.1',
        port: Number(process.env.TEST_MYSQL_PORT || 3306),
        user: process.env.TEST_MYSQL_USER || 'root',
        password: process.env.TEST_MYSQL_PASSWORD || '',
        connectTimeout: 5000,
      });
      await c.end();
    } else {
      return `TEST_DB must be sqlite, postgres or mysql, not "${kind}"`;
    }
    return null;
  } catch (e) {
    return `cannot connect to ${kind}: ${e.message}`;
  }
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

(async () => {
  if (!process.argv.includes('--no-build')) {
    if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
  }

  const dbProblem = await canReachDatabase();
  if (dbProblem) {
    if (ci) {
      console.error(`FAIL: ${dbProblem} (CI=true, so a missing database fails the run)`);
      process.exit(1);
    }
    console.warn(`SKIPPED the ${kind} run: ${dbProblem}`);
    process.exit(0);
  }

  const files = [...findTests('tests/unit'), ...findTests('tests/integration')];
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

  // Browser tests (tests/e2e): Debian's Chromium driven by playwright-core, against the playground's built admin.
  // They run once, on the SQLite run (TEST_E2E=1 runs them on the other databases too; --no-e2e skips them).
  const e2eFiles = findTests('tests/e2e');
  const wantE2e = !process.argv.includes('--no-e2e') && (kind === 'sqlite' || process.env.TEST_E2E === '1');
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (wantE2e && e2eFiles.length && (!only.length || e2eFiles.some((f) => only.some((o) => f.includes(o))))) {
    if (!fs.existsSync(chromiumPath)) {
      const why = `no Chromium at ${chromiumPath}; install it with \`apt-get install -y chromium\` (never \`playwright install\`)`;
      if (ci) {
        console.error(`FAIL: the browser tests cannot run: ${why} (CI=true, so a missing browser fails the run)`);
        process.exit(1);
      }
      console.warn(`SKIPPED the browser tests (tests/e2e): ${why}.`);
    } else {
      if (run(process.execPath, [path.join(root, 'scripts', 'e2e-build.js')]) !== 0) process.exit(1);
      files.push(...e2eFiles);
    }
  }
  const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;

  console.log(`Running ${selected.length} test files on ${kind}${ci ? ' (CI)' : ''}`);
  const status = run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${process.env.TEST_CONCURRENCY || 2}`,
      '--test-reporter=spec',
      ...selected,
    ],
    { TEST_DB: kind }
  );
  process.exit(status);
})();
