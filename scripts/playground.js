#!/usr/bin/env node
/**
 * Runs a Strapi CLI command for the playground Strapi app with this plugin.
 *   node scripts/playground.js develop   (what `npm run develop` runs, after building the plugin)
 *   node scripts/playground.js start|build|... [options]   (any `strapi` command; playground/package.json uses it)
 * On first run it writes playground/.env from .env.example, with fresh random secrets and a webhook key (ENV_PATH,
 * which Strapi reads too, points elsewhere). Once Strapi is ready, playground/src/ready-banner.js prints where the
 * admin panel and the webhook URL are.
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
const { BANNER_SHOWN_MESSAGE } = require('../playground/src/ready-banner');

const appDir = path.resolve(__dirname, '..', 'playground');
// Relative to the app folder, as Strapi resolves it (it reads ENV_PATH from the app folder).
const envFile = path.resolve(appDir, process.env.ENV_PATH || '.env');

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
// `develop` forks a worker that runs this script again: the worker finds the file written and inherits these.
if (ensureEnv()) process.env.PLAYGROUND_ENV_CREATED = '1';
process.env.ENV_PATH = envFile;
if (['develop', 'dev', 'start'].includes(args[0])) process.env.PLAYGROUND_BANNER = '1';
if (cluster.isPrimary) {
  // The worker that printed the banner says so; the workers forked after a reload then skip it.
  cluster.on('message', (_worker, message) => {
    if (message === BANNER_SHOWN_MESSAGE) process.env.PLAYGROUND_BANNER_SHOWN = '1';
  });
}

runStrapiCli(args).catch((e) => {
  console.error(e);
  process.exit(1);
});
