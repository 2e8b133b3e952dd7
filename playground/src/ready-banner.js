/**
 * The playground's banner: where the admin panel is, where the webhook key comes from, the webhook URL and a curl
 * line to try it, and whether Customerly can reach that URL. Printed once, when Strapi is ready (after its own
 * startup message), and only when the playground was started through scripts/playground.js (which sets
 * PLAYGROUND_BANNER=1). `develop` runs Strapi in a worker process that is forked again on every reload: the first
 * worker tells the primary it printed the banner (PLAYGROUND_BANNER_SHOWN), and the next ones inherit that.
 */
const cluster = require('node:cluster');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BANNER_SHOWN_MESSAGE = 'customerly-playground:banner-shown';

/**
 * Why Customerly, calling from the internet, cannot reach a URL's host; null when the host may be public.
 * (The admin panel has the same rules, with tests: admin/src/utils/webhook-url.ts.)
 */
function unreachableReason(url) {
  let host;
  try {
    host = new URL(url).hostname
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '');
  } catch {
    return null;
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) host = mapped[1];
  if (net.isIPv4(host)) {
    const [a, b] = host.split('.').map(Number);
    if (a === 127 || a === 0) return 'this computer itself';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private network address';
    if ((a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) return 'a private network address';
    return null;
  }
  if (net.isIPv6(host)) {
    if (host === '::1' || host === '::') return 'this computer itself';
    return /^f[cd]|^fe[89ab]/.test(host) ? 'a private network address' : null;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return 'this computer itself';
  const localSuffix = ['.local', '.localdomain', '.lan', '.home.arpa', '.internal', '.intranet', '.test'];
  if (!host.includes('.') || localSuffix.some((s) => host.endsWith(s))) return 'a name only your network knows';
  return null;
}

/** A path as the developer types it from the repository root (absolute when the file is elsewhere). */
function shownPath(file) {
  const rel = path.relative(REPO_ROOT, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

function bannerText(strapi) {
  const server = String(strapi.config.get('server.absoluteUrl')).replace(/\/$/, '');
  const admin = String(strapi.config.get('admin.absoluteUrl')).replace(/\/$/, '');
  const webhook = `${server}${strapi.config.get('api.rest.prefix', '/api')}/customerly/webhook`;
  const envFile = path.resolve(process.env.ENV_PATH || path.join(REPO_ROOT, 'playground', '.env'));
  const envShown = shownPath(envFile);
  const fileText = fs.existsSync(envFile) ? fs.readFileSync(envFile, 'utf8') : '';
  const keyInFile = /^CUSTOMERLY_WEBHOOK_KEY=\S/m.test(fileText);
  const keySet = Boolean((process.env.CUSTOMERLY_WEBHOOK_KEY || '').trim());
  const pad = ' '.repeat(17);

  const lines = [
    '',
    `Customerly playground is ready${process.env.PLAYGROUND_ENV_CREATED === '1' ? ` (wrote ${envShown} with fresh secrets and a webhook key)` : ''}`,
    `  Admin panel:   ${admin}   (the first visit asks you to create an admin)`,
    `  Settings:      ${admin}/settings/customerly   (the webhook URLs, ready to copy)`,
  ];
  if (keySet) {
    const where = keyInFile ? `CUSTOMERLY_WEBHOOK_KEY in ${envShown}` : 'CUSTOMERLY_WEBHOOK_KEY, from your environment';
    lines.push(
      `  Webhook key:   ${where} (never printed). The panel shows it locked,`,
      `${pad}with no Generate key button; to generate it there instead, empty that line and restart.`,
      `  Webhook URL:   ${webhook}?action=add&access_key=<KEY>`
    );
    const key = keyInFile ? `$(grep ^CUSTOMERLY_WEBHOOK_KEY= ${envShown} | cut -d= -f2-)` : '$CUSTOMERLY_WEBHOOK_KEY';
    lines.push(`  Try it:        curl -X POST "${webhook}?action=test&access_key=${key}"`);
  } else {
    lines.push(
      '  Webhook key:   not in the environment: it is made in Settings → Customerly (Generate key).',
      `  Webhook URL:   ${webhook}?action=add&access_key=<KEY>`
    );
  }
  const reason = unreachableReason(server);
  if (reason) {
    const { host, port } = strapi.config.get('server');
    // The address the tunnel connects to: this machine, where Strapi listens.
    const target = ['0.0.0.0', '::', ''].includes(String(host ?? '')) ? '127.0.0.1' : String(host);
    const local = `${net.isIPv6(target) ? `[${target}]` : target}:${port}`;
    lines.push(
      `  Reachable?     No: Customerly calls from the internet, and ${new URL(server).hostname} is ${reason}.`,
      `${pad}Expose ${local} through a tunnel, e.g. \`cloudflared tunnel --url http://${local}\``,
      `${pad}or \`ngrok http ${local}\`; set PUBLIC_URL=https://<the tunnel's host> in ${envShown}`,
      `${pad}(Strapi's \`url\`, config/server.js) and restart: the banner and the panel then give that URL.`
    );
  }
  lines.push(
    '  Emails:        nothing is delivered; every email is printed here (to, subject, text and its links).',
    ''
  );
  return lines.join('\n');
}

/** Prints the banner once Strapi has started (after its own startup message), once per `develop` session. */
function printBannerWhenReady(strapi) {
  if (process.env.PLAYGROUND_BANNER !== '1' || process.env.PLAYGROUND_BANNER_SHOWN === '1') return;
  const print = () => {
    process.env.PLAYGROUND_BANNER_SHOWN = '1';
    process.stdout.write(`${bannerText(strapi)}\n`);
    if (cluster.isWorker && process.send) process.send(BANNER_SHOWN_MESSAGE);
  };
  if (typeof strapi.postListen === 'function') {
    // Strapi's listen() awaits postListen(), which prints its startup message: the banner comes right after.
    const postListen = strapi.postListen.bind(strapi);
    strapi.postListen = async (...args) => {
      await postListen(...args);
      print();
    };
  } else {
    strapi.server.httpServer.once('listening', () => setImmediate(print));
  }
}

module.exports = { printBannerWhenReady, bannerText, unreachableReason, BANNER_SHOWN_MESSAGE };
