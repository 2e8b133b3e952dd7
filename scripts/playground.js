#!/usr/bin/env node
/**
 * Starts the playground Strapi app with this plugin.
 *   node scripts/playground.js develop   (what `npm run develop` runs, after building the plugin)
 * On first run it writes playground/.env from .env.example, with fresh random secrets and a webhook key.
 */
const { spawn } = require('node:child_process');
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

const command = process.argv[2] || 'develop';
const created = ensureEnv();
const env = { ...readEnv(), ...process.env };
const base = `http://${env.HOST || '127.0.0.1'}:${env.PORT || 1337}`;

console.log(`
Customerly playground${created ? ' (wrote playground/.env with fresh secrets)' : ''}
  Admin panel:  ${base}/admin   (the first visit asks you to create an admin)
  Webhook URL:  ${base}/api/customerly/webhook?action=add&access_key=<KEY>
                where <KEY> is CUSTOMERLY_WEBHOOK_KEY in playground/.env (never printed or logged).
  Try it:       curl -X POST "${base}/api/customerly/webhook?action=test&access_key=$(grep ^CUSTOMERLY_WEBHOOK_KEY= playground/.env | cut -d= -f2-)"
`);

const strapiBin = path.resolve(__dirname, '..', 'node_modules', '.bin', 'strapi');
const child = spawn(strapiBin, [command], { cwd: appDir, stdio: 'inherit', env: { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true' } });
child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
