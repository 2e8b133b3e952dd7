#!/usr/bin/env node
/**
 * Runs the playground Strapi with its built admin panel (playground/build), as `strapi start` would, for the
 * browser tests. The environment (database, secrets, PORT) comes from the caller. Prints "READY <url>" once it
 * listens; stops cleanly on SIGTERM/SIGINT.
 */
const path = require('node:path');

const appDir = path.resolve(__dirname, '..', 'playground');
process.chdir(appDir);

/**
 * With E2E_EMAILS_FILE set, every message given to the email provider is also appended to that file as one JSON line
 * (to, subject, text, html), so a browser test can check what was sent.
 */
function captureEmails(strapi, file) {
  const provider = file && strapi.plugin('email') && strapi.plugin('email').provider;
  if (!provider || typeof provider.send !== 'function') return;
  const fs = require('node:fs');
  const send = provider.send.bind(provider);
  provider.send = async (message) => {
    const { to, subject, text, html } = message || {};
    fs.appendFileSync(file, `${JSON.stringify({ to, subject, text, html })}\n`);
    return send(message);
  };
}

(async () => {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = createStrapi({ appDir, distDir: appDir, autoReload: false, serveAdminPanel: true });
  await strapi.load();
  captureEmails(strapi, process.env.E2E_EMAILS_FILE);
  await new Promise((resolve) => strapi.server.listen(Number(process.env.PORT), '127.0.0.1', resolve));
  const { port } = strapi.server.httpServer.address();
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await strapi.destroy().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
