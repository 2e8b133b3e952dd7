#!/usr/bin/env node
/**
 * Compatibility check (`node scripts/compat-check.js`, a step of .ci/run): installs the packed plugin into a fresh
 * Strapi app of the OLDEST Strapi 5 version the plugin supports, boots it and calls the webhook's `test` action.
 *
 * 1. `npm pack` the plugin (dist/ must be built) into a temporary folder.
 * 2. Write a minimal JavaScript Strapi app there (package.json and config/ by hand, on PostgreSQL; exact `@strapi/*`
 *    versions) and `npm install` it, then `npm install <tarball>` into it, as a user adds the plugin to an app. Both
 *    WITHOUT --legacy-peer-deps or --force: a peer range the app does not satisfy fails the check with ERESOLVE.
 * 3. Check that the plugin loads Strapi's own copy of what Strapi provides (`@strapi/utils`, the design system, icons,
 *    react-intl, react-query): a second copy would break the admin's React contexts and the server's error classes.
 *    The same for an app that lists the plugin from the start (its tree resolved with --package-lock-only).
 * 4. Create a new PostgreSQL database, boot the app with `strapi start` (server only, no admin build), with the access
 *    key in CUSTOMERLY_WEBHOOK_KEY.
 * 5. POST /api/customerly/webhook?action=test with the key must answer 200 {"ok":true}; with a wrong key, 401.
 * 6. Stop Strapi, drop the database, delete the folder (`--keep` keeps the folder and prints where it is).
 *
 * The version is the lower bound of the `@strapi/strapi` peer range in package.json (`^5.30.0` → 5.30.0);
 * COMPAT_STRAPI_VERSION=5.x.y checks another one. PostgreSQL: COMPAT_PG_HOST/PORT/USER/PASSWORD (default
 * 127.0.0.1:5432, user postgres, no password). npm's cache is used (--prefer-offline).
 */
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const keep = process.argv.includes('--keep');
const started = Date.now();

/** Undoes what the run has set up so far; main() sets it. */
let interrupted = async () => {};

const log = (msg) => console.log(`[compat ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

function fail(msg) {
  const err = new Error(msg);
  err.compat = true;
  throw err;
}

/** The lowest version a `^x.y.z` / `>=x.y.z` peer range accepts. */
function oldestSupported() {
  if (process.env.COMPAT_STRAPI_VERSION) return process.env.COMPAT_STRAPI_VERSION;
  const range = pkg.peerDependencies['@strapi/strapi'];
  const m = /^(?:\^|>=\s*)(\d+\.\d+\.\d+)$/.exec(range);
  if (!m) fail(`cannot read the oldest Strapi version from the @strapi/strapi peer range "${range}"`);
  return m[1];
}

/** Runs a command to the end; its output is printed only when it fails (or with COMPAT_VERBOSE=1). */
function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: process.env, maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || process.env.COMPAT_VERBOSE) process.stdout.write(out);
  if (r.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal}) in ${cwd}`);
  return r.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const pgOptions = {
  host: process.env.COMPAT_PG_HOST || '127.0.0.1',
  port: Number(process.env.COMPAT_PG_PORT || 5432),
  user: process.env.COMPAT_PG_USER || 'postgres',
  password: process.env.COMPAT_PG_PASSWORD || '',
};

async function pgAdmin(sql) {
  const { Client } = require('pg');
  const c = new Client({ ...pgOptions, database: 'postgres', connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The files of a minimal JavaScript Strapi app (what `create-strapi-app` would write, trimmed to the server). */
function appFiles(version) {
  const files = {
    'package.json': JSON.stringify(
      {
        name: 'customerly-compat-app',
        private: true,
        version: '0.0.0',
        dependencies: {
          '@strapi/plugin-users-permissions': version,
          '@strapi/strapi': version,
          pg: pkg.devDependencies.pg,
          react: '^18.0.0',
          'react-dom': '^18.0.0',
          'react-router-dom': '^6.0.0',
          'styled-components': '^6.0.0',
        },
        strapi: { uuid: false, telemetryDisabled: true },
      },
      null,
      2
    ),
    'config/server.js': `module.exports = ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  app: { keys: env.array('APP_KEYS') },
});
`,
    // No admin build: the check is about installing and the server side.
    'config/admin.js': `module.exports = ({ env }) => ({
  serveAdminPanel: false,
  auth: { secret: env('ADMIN_JWT_SECRET') },
  apiToken: { salt: env('API_TOKEN_SALT') },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT') } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY') },
});
`,
    'config/database.js': `module.exports = ({ env }) => ({
  connection: {
    client: 'postgres',
    connection: {
      host: env('DATABASE_HOST'),
      port: env.int('DATABASE_PORT'),
      database: env('DATABASE_NAME'),
      user: env('DATABASE_USERNAME'),
      password: env('DATABASE_PASSWORD', ''),
    },
    pool: { min: 0, max: 5 },
  },
});
`,
    'config/plugins.js': `module.exports = ({ env }) => ({
  'users-permissions': { config: { jwtSecret: env('JWT_SECRET') } },
});
`,
    'config/middlewares.js': `module.exports = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
`,
    'src/index.js': 'module.exports = { register() {}, bootstrap() {} };\n',
    'public/uploads/.gitkeep': '',
  };
  return files;
}

/** `strapi start` in its own process group, so stop() ends Strapi and anything it started. */
function spawnStrapi(appDir, env) {
  const bin = path.join(appDir, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js');
  const child = spawn(process.execPath, [bin, 'start'], {
    cwd: appDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keepOutput = (d) => {
    output = (output + d.toString()).slice(-20000);
    if (process.env.COMPAT_VERBOSE) process.stdout.write(d);
  };
  child.stdout.on('data', keepOutput);
  child.stderr.on('data', keepOutput);
  let exited = null;
  const exitPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve((exited = code ?? signal)))
  );

  const stop = async () => {
    if (exited !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 10000);
    await exitPromise;
    clearTimeout(timer);
  };
  return { stop, output: () => output, exited: () => exited };
}

/** Resolves once /_health answers; fails (with Strapi's output) if Strapi exits or takes over 180 s. */
async function waitUntilUp(strapi, port) {
  const deadline = Date.now() + 180000;
  while (Date.now() < deadline) {
    if (strapi.exited() !== null) {
      process.stdout.write(strapi.output());
      fail(`Strapi exited (${strapi.exited()}) before it answered on /_health`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/_health`);
      if (res.status < 500) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  process.stdout.write(strapi.output());
  fail('Strapi did not answer on /_health within 180 s');
}

async function webhook(port, action, key) {
  const url = `http://127.0.0.1:${port}/api/customerly/webhook?action=${action}&access_key=${encodeURIComponent(key)}`;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

async function main() {
  const version = oldestSupported();
  const serverBundle = path.join(root, 'dist', 'server', 'index.js');
  if (!fs.existsSync(serverBundle)) fail('the plugin is not built: run `npm run build` first');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'customerly-compat-'));
  const appDir = path.join(tmp, 'app');
  const database = `customerly_compat_${crypto.randomBytes(4).toString('hex')}`;
  let strapi = null;
  let dbCreated = false;
  interrupted = async () => {
    if (strapi) await strapi.stop();
    if (dbCreated) await pgAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    log(`Strapi ${version}, in ${tmp}`);

    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], root));
    const tarball = path.join(tmp, packed[0].filename);
    log(`packed ${packed[0].filename} (${packed[0].entryCount} files)`);

    for (const [file, text] of Object.entries(appFiles(version))) {
      fs.mkdirSync(path.dirname(path.join(appDir, file)), { recursive: true });
      fs.writeFileSync(path.join(appDir, file), text);
    }
    fs.copyFileSync(path.join(root, 'playground', 'favicon.png'), path.join(appDir, 'favicon.png'));

    // --legacy-peer-deps=false and --strict-peer-deps=false are npm's defaults, spelled out so an .npmrc or an
    // npm_config_* variable cannot hide a peer conflict.
    const npmInstall = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--legacy-peer-deps=false'];
    npmInstall.push('--strict-peer-deps=false', '--force=false');
    run('npm', npmInstall, appDir);
    log(`the app is installed (npm ${run('npm', ['--version'], appDir).trim()})`);
    run('npm', [...npmInstall, tarball], appDir);
    const installed = (name) => require(path.join(appDir, 'node_modules', name, 'package.json')).version;
    log(
      `installed without peer conflicts: @strapi/strapi ${installed('@strapi/strapi')}, ` +
        `@strapi/design-system ${installed('@strapi/design-system')}, ${pkg.name} ${installed(pkg.name)}`
    );
    if (installed('@strapi/strapi') !== version) fail(`expected @strapi/strapi ${version}`);

    // What Strapi provides, the plugin must load from Strapi's own copy: one React context for react-intl and the
    // design system in the admin, and the plugin's errors are Strapi's error classes.
    const pluginDir = path.join(appDir, 'node_modules', pkg.name);
    const shared = {
      '@strapi/utils': '@strapi/core',
      '@strapi/design-system': '@strapi/admin',
      '@strapi/icons': '@strapi/admin',
      'react-intl': '@strapi/admin',
      'react-query': '@strapi/admin',
    };
    for (const [name, host] of Object.entries(shared)) {
      const hostDir = path.dirname(require.resolve(`${host}/package.json`, { paths: [appDir] }));
      const fromPlugin = require.resolve(`${name}/package.json`, { paths: [pluginDir] });
      const fromHost = require.resolve(`${name}/package.json`, { paths: [hostDir] });
      if (fromPlugin !== fromHost) {
        const [a, b] = [fromPlugin, fromHost].map((f) => path.relative(appDir, f));
        fail(`two copies of ${name}: the plugin loads ${a}, ${host} loads ${b}`);
      }
    }

    // A project that lists the plugin from the start (`npm install` of a clone without a lockfile) resolves its tree
    // in one go, where npm would install a required peer at its newest version next to Strapi's pinned one. Resolve
    // such a tree too (lockfile only) and count the copies.
    const freshDir = path.join(tmp, 'fresh');
    const freshPkg = JSON.parse(appFiles(version)['package.json']);
    freshPkg.dependencies[pkg.name] = `file:${tarball}`;
    fs.mkdirSync(freshDir);
    fs.writeFileSync(path.join(freshDir, 'package.json'), JSON.stringify(freshPkg, null, 2));
    run('npm', [...npmInstall, '--package-lock-only'], freshDir);
    const lock = JSON.parse(fs.readFileSync(path.join(freshDir, 'package-lock.json'), 'utf8')).packages;
    for (const name of Object.keys(shared)) {
      const copies = Object.keys(lock).filter(
        (k) => k === `node_modules/${name}` || k.endsWith(`/node_modules/${name}`)
      );
      if (copies.length !== 1) fail(`installed in one go, the app would get ${copies.length} copies of ${name}`);
    }
    log(`one copy each of ${Object.keys(shared).join(', ')}, also when the app lists the plugin from the start`);

    await pgAdmin(`CREATE DATABASE "${database}"`);
    dbCreated = true;

    const port = await freePort();
    const key = crypto.randomBytes(24).toString('base64url');
    const secret = () => crypto.randomBytes(16).toString('base64');
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_KEYS: [secret(), secret()].join(','),
      ADMIN_JWT_SECRET: secret(),
      API_TOKEN_SALT: secret(),
      TRANSFER_TOKEN_SALT: secret(),
      JWT_SECRET: secret(),
      ENCRYPTION_KEY: secret(),
      DATABASE_HOST: pgOptions.host,
      DATABASE_PORT: String(pgOptions.port),
      DATABASE_NAME: database,
      DATABASE_USERNAME: pgOptions.user,
      DATABASE_PASSWORD: pgOptions.password,
      CUSTOMERLY_WEBHOOK_KEY: key,
      STRAPI_TELEMETRY_DISABLED: 'true',
    };
    strapi = spawnStrapi(appDir, env);
    await waitUntilUp(strapi, port);
    log(`Strapi ${version} is up on port ${port} with the plugin`);

    const ok = await webhook(port, 'test', key);
    if (ok.status !== 200 || JSON.stringify(ok.body) !== '{"ok":true}') {
      process.stdout.write(strapi.output());
      fail(`the test action answered ${ok.status} ${JSON.stringify(ok.body)}, expected 200 {"ok":true}`);
    }
    const wrong = await webhook(port, 'test', `${key}x`);
    if (wrong.status !== 401 || wrong.body?.error?.code !== 'invalid_access_key') {
      process.stdout.write(strapi.output());
      fail(`with a wrong key the test action answered ${wrong.status} ${JSON.stringify(wrong.body)}, expected 401`);
    }
    log('POST /api/customerly/webhook?action=test: 200 {"ok":true}; with a wrong key: 401');
  } finally {
    if (strapi) await strapi.stop();
    if (dbCreated) await pgAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((e) => log(e.message));
    if (keep) log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`OK: ${pkg.name} installs into and runs on Strapi ${version}`);
}

// Ctrl-C or a CI timeout: the `finally` above would not run, so stop Strapi, drop the database, delete the folder.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    interrupted()
      .catch((e) => log(e.message))
      .finally(() => process.exit(130));
  });
}

main().catch((e) => {
  console.error(`[compat] FAIL: ${e.compat ? e.message : e.stack}`);
  process.exit(1);
});
