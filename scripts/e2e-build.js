#!/usr/bin/env node
/**
 * Builds the playground's admin panel (with this plugin's admin, from dist/) into playground/build, for the
 * browser tests. `npm run e2e:build`. Skips the build when it is newer than the plugin's admin bundle
 * (`--force` rebuilds).
 *
 * It calls Strapi's build function directly rather than `strapi build`: the CLI looks for a tsconfig.json in the
 * app folder *and its parents*, finds the repository's own (for the tests) and then tries to compile the
 * plain-JS playground as TypeScript.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const appDir = path.join(root, 'playground');
const marker = path.join(appDir, 'build', 'index.html');
const pluginAdmin = path.join(root, 'dist', 'admin', 'index.mjs');

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const f of fs.readdirSync(dir, { recursive: true })) {
    const st = fs.statSync(path.join(dir, f));
    if (st.isFile()) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

async function main() {
  if (!fs.existsSync(pluginAdmin)) {
    console.error('The plugin is not built: run `npm run build` first.');
    process.exit(1);
  }
  const upToDate = fs.existsSync(marker) && fs.statSync(marker).mtimeMs > newestMtime(path.join(root, 'dist', 'admin'));
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
  await build({ cwd: appDir, logger: createLogger({ debug: false, silent: false, timestamp: false }), tsconfig: undefined, bundler: 'vite', minify: true, sourcemap: false, stats: false, installDeps: false });
  if (!fs.existsSync(marker)) {
    console.error(`the admin build did not produce ${path.relative(root, marker)}`);
    process.exit(1);
  }
  console.log(`playground admin built in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
