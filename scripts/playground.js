#!/usr/bin/env node
/**
 * Runs a Strapi CLI command for the playground Strapi app with this plugin.
 *   node scripts/playground.js develop   (what `npm run develop` runs, after building the plugin)
 *   node scripts/playground.js start|build|... [options]   (any `strapi` command; playground/package.json uses it)
 * On first run it writes playground/.env from .env.example, with fresh random secrets and a webhook key.
 *
 * Always go through this script rather than `strapi` inside playground/: Strapi's CLI looks for a tsconfig.json in
 * the app folder *and its parents*, finds the repository's solution tsconfig.json, and then treats this plain-JS app
 * as a TypeScript one (`develop` and `build` fail). Here the CLI only looks in the app folder, as `strapi start`
 * itself does.
 */
const cluster = require('node:cluster');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const appDir = path.resolve(__dirname, '..', 'playground');
const envFile = path.join(appDir, '.env');

function secret() {
  return crypto.randomBytes(24).toString('base64url');
}

function ensureEnv() {
  if (fs.existsSync(envFile)) return false;
  const lines = fs.readFileSync(path.join(appDir, '.env.example'), 'utf8').split('\n');
  const filled = lines.map((line) => {
    const [key] = line.split('=');
    if (line.startsWith('#') || !line.includes('=')) return line;
    if (key === 'APP_KEYS') return `APP_KEYS=${[secret(), secret(), secret(), secret()].join(',')}`;
    if (/SECRET|SALT|ENCRYPTION_KEY/.test(key)) return `${key}=${secret()}`;
    if (key === 'CUSTOMERLY_WEBHOOK_KEY') return `${key}=${crypto.randomBytes(32).toString('base64url')}`;
    return line;
  });
  fs.writeFileSync(envFile, filled.join('\n'), { mode: 0o600 });
  return true;
}

function readEnv() {
  const out = {};
  for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** Strapi's own CLI (all its commands and options), with the tsconfig lookup limited to the app folder. */
function runStrapiCli(args) {
  // First: Strapi reads playground/.env from the working directory as soon as its CLI module loads.
  process.chdir(appDir);
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const strapiDir = path.dirname(require.resolve('@strapi/strapi/package.json', { paths: [path.dirname(appDir)] }));
  const tsconfigUtils = require(path.join(strapiDir, 'dist', 'src', 'cli', 'utils', 'tsconfig.js'));
  const loadTsConfig = tsconfigUtils.loadTsConfig;
  tsconfigUtils.loadTsConfig = (opts) =>
    fs.existsSync(path.join(opts.cwd, 'tsconfig.json')) ? loadTsConfig(opts) : undefined;
  const { runCLI } = require(path.join(strapiDir, 'dist', 'cli.js'));
  return runCLI([process.argv[0], path.join(strapiDir, 'bin', 'strapi.js'), ...args]);
}

const args = process.argv.length > 2 ? process.argv.slice(2) : ['develop'];
const created = ensureEnv();
const env = { ...readEnv(), ...process.env };
const base = `http://${env.HOST || '127.0.0.1'}:${env.PORT || 1337}`;

// `develop` forks a worker that runs this script again: the banner is printed once, by the primary.
if (cluster.isPrimary && ['develop', 'dev', 'start'].includes(args[0])) {
  console.log(`
Customerly playground${created ? ' (wrote playground/.env with fresh secrets)' : ''}
  Admin panel:  ${base}/admin   (the first visit asks you to create an admin)
  Webhook URL:  ${base}/api/customerly/webhook?action=add&access_key=<KEY>
                where <KEY> is CUSTOMERLY_WEBHOOK_KEY in playground/.env (never printed or logged).
  Try it:       curl -X POST "${base}/api/customerly/webhook?action=test&access_key=$(grep ^CUSTOMERLY_WEBHOOK_KEY= playground/.env | cut -d= -f2-)"
`);
}

runStrapiCli(args).catch((e) => {
  console.error(e);
  process.exit(1);
});
