#!/usr/bin/env node
/**
 * Builds the playground's admin panel (with this plugin's admin, from dist/) into playground/build, for the
 * browser tests. `npm run e2e:build`. Skips the build when the plugin's admin bundle is the one it was built with
 * (`--force` rebuilds).
 *
 * It calls Strapi's build function directly rather than `strapi build`: the CLI looks for a tsconfig.json in the
 * app folder *and its parents*, finds the repository's solution tsconfig.json and then treats the
 * plain-JS playground as TypeScript (scripts/playground.js explains).
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const appDir = path.join(root, 'playground');
const marker = path.join(appDir, 'build', 'index.html');
const pluginAdmin = path.join(root, 'dist', 'admin', 'index.mjs');

const stamp = path.join(appDir, 'build', '.customerly-admin-hash');

/** A hash of the plugin's admin bundle: the build is redone only when it changed. */
function adminHash() {
  const crypto = require('node:crypto');
  const dir = path.join(root, 'dist', 'admin');
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(dir, { recursive: true }).sort()) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) h.update(f).update(fs.readFileSync(p));
  }
  return h.digest('hex');
}

async function main() {
  if (!fs.existsSync(pluginAdmin)) {
    console.error('The plugin is not built: run `npm run build` first.');
    process.exit(1);
  }
  const hash = adminHash();
  const upToDate = fs.existsSync(marker) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash;
  if (upToDate && !process.argv.includes('--force')) {
    console.log('playground admin build is up to date (playground/build)');
    return;
  }
  process.chdir(appDir);
  process.env.NODE_ENV = 'production';
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  const strapiDir = path.dirname(require.resolve('@strapi/strapi/package.json', { paths: [root] }));
  const { build } = require(path.join(strapiDir, 'dist', 'src', 'node', 'build.js'));
  const { createLogger } = require(path.join(strapiDir, 'dist', 'src', 'cli', 'utils', 'logger.js'));
  const started = Date.now();
  console.log('building the playground admin panel (about a minute)…');
  await build({
    cwd: appDir,
    logger: createLogger({ debug: false, silent: false, timestamp: false }),
    tsconfig: undefined,
    bundler: 'vite',
    minify: true,
    sourcemap: false,
    stats: false,
    installDeps: false,
  });
  if (!fs.existsSync(marker)) {
    console.error(`the admin build did not produce ${path.relative(root, marker)}`);
    process.exit(1);
  }
  fs.writeFileSync(stamp, hash);
  console.log(`playground admin built in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
