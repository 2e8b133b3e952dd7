/**
 * The playground's first run, as `npm run develop` starts it (here `node scripts/playground.js start`, which is the
 * same script without the admin build): it writes its .env, prints the banner once Strapi is ready, and its terminal
 * shows warnings at the default log level on a 24-hour clock and every email it would send.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { startFakeCustomerly, userWebhook, type FakeCustomerly } from '../fake-customerly';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { freePort, waitFor } from '../helpers/processes';

const ROOT = path.resolve(__dirname, '..', '..');
const RESET_PAGE = 'https://app.example.com/reset-password';
const hasCurl = spawnSync('curl', ['--version']).status === 0;

/**
 * A fixed UTC offset that puts the local hour at 15 now, so that a 12-hour clock (03) and a 24-hour one (15) differ
 * whenever the test runs. Etc/GMT-N is UTC+N (the sign is inverted in these names).
 */
function afternoonZone(): { tz: string; offset: number } {
  let offset = 15 - new Date().getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return { tz: offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`, offset };
}

describe('the playground on its first run', { timeout: 240_000 }, () => {
  let dir: string;
  let db: TestDatabase;
  let fake: FakeCustomerly;
  let child: ChildProcess;
  let exited: Promise<void>;
  let baseUrl: string;
  let key: string;
  let zone: { tz: string; offset: number };
  const output: string[] = [];
  const text = () => stripVTControlCharacters(output.join(''));

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'customerly-first-run-'));
    db = await createTestDatabase();
    fake = await startFakeCustomerly();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    zone = afternoonZone();
    // The developer's shell: none of the variables a test or CI might have set, so the app's own defaults apply
    // (LOG_LEVEL unset: the default level).
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !/^(LOG_LEVEL|NODE_ENV|PUBLIC_URL|HOST|PORT|DATABASE_|CUSTOMERLY_|PLAYGROUND_)/.test(k)) {
        env[k] = v;
      }
    }
    child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'playground.js'), 'start'], {
      cwd: ROOT,
      env: {
        ...env,
        ...db.env,
        ENV_PATH: path.join(dir, '.env'),
        PORT: String(port),
        TZ: zone.tz,
        CUSTOMERLY_API_URL: fake.url,
        CUSTOMERLY_API_TOKEN: fake.token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stdout!.on('data', (c: Buffer) => output.push(c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString('utf8')));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the playground exited (${child.exitCode}):\n${text()}`);
        return text().includes('Customerly playground is ready');
      },
      180_000,
      'the playground banner'
    );
    key = /^CUSTOMERLY_WEBHOOK_KEY=(\S+)$/m.exec(readFileSync(path.join(dir, '.env'), 'utf8'))?.[1] ?? '';
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await fake?.close();
    await db?.drop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes its .env with a webhook key, and the banner comes once, after Strapi is ready, without the key', () => {
    assert.match(key, /^[A-Za-z0-9_-]{43}$/, 'the first run wrote a random webhook key');
    const out = text();
    const started = out.indexOf('Strapi started successfully');
    const banner = out.indexOf('Customerly playground is ready');
    assert.ok(started > 0, 'Strapi said it started');
    assert.ok(banner > started, 'the banner comes after Strapi is ready');
    assert.equal(out.split('Customerly playground is ready').length, 2, 'the banner is printed once');
    assert.match(out, /wrote .*\.env with fresh secrets and a webhook key/);
    const port = new URL(baseUrl).port;
    assert.match(
      out,
      new RegExp(`Webhook URL: +http://localhost:${port}/api/customerly/webhook\\?action=add&access_key=<KEY>`)
    );
    assert.match(out, /The panel shows it locked/);
    // localhost: the banner says Customerly cannot reach it, and how to give a public URL.
    assert.match(out, /Reachable\? +No: Customerly calls from the internet, and localhost is this computer itself/);
    assert.match(out, /PUBLIC_URL=https:\/\/<the tunnel's host>/);
    assert.ok(!out.includes(key), 'the key is never printed');
  });

  it('the curl line of the banner works as printed, from the repository root', { skip: !hasCurl && 'no curl' }, () => {
    const line = /Try it: +(curl .*)$/m.exec(text())?.[1];
    assert.ok(line, 'the banner has a curl line');
    const r = spawnSync('sh', ['-c', `${line} --silent --show-error`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { ok: true }, 'the test action answered');
  });

  it('prints a warning at the default log level, on a 24-hour clock', async () => {
    // The contact's payload has no tags: the plugin asks Customerly, which fails once (a retry, with a warning).
    await fake.addUser({ email: 'warned@example.com', tags: ['vip'] });
    fake.fault({ kind: 'status', status: 503, times: 1, path: '/users', method: 'GET' });
    const res = await fetch(`${baseUrl}/api/customerly/webhook?action=add&access_key=${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(userWebhook({ email: 'warned@example.com' })),
    });
    assert.equal(res.status, 200, await res.text());
    const line = await waitFor(
      async () =>
        text()
          .split('\n')
          .find((l) => /\bwarn: \[customerly\] API call failed/.test(l)),
      30_000,
      'the retry warning'
    );
    const m = /^\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})\] warn: /.exec(line);
    assert.ok(m, `a timestamped warning line: ${line}`);
    const hour = Number(m[4]);
    const expected = (new Date().getUTCHours() + zone.offset + 24) % 24;
    assert.ok(
      hour === expected || hour === (expected + 23) % 24,
      `the hour is ${hour}, on a 24-hour clock it is ${expected} (${zone.tz})`
    );
    assert.ok(hour >= 13, 'an afternoon hour, which a 12-hour clock would print as 01–12');
    // The request log (level http, the default threshold) is printed too, without the key.
    assert.match(text(), /http: POST \/api\/customerly\/webhook\?action=add&access_key=(\[redacted\]|%5Bredacted%5D) /);
    assert.ok(!text().includes(key), 'the key is never printed');
  });

  it('prints each email it would send, with the set-password link of the welcome email', async () => {
    // The welcome email needs users-permissions' reset-password page: set it as an admin would.
    const reg = await fetch(`${baseUrl}/admin/register-admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstname: 'Ada', lastname: 'L', email: 'ada@example.com', password: 'Aa1!first-run' }),
    });
    const regText = await reg.text();
    assert.equal(reg.status, 200, regText);
    const token = (JSON.parse(regText) as { data: { token: string } }).data.token;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const current = (await (await fetch(`${baseUrl}/users-permissions/advanced`, { headers: auth })).json()) as {
      settings: Record<string, unknown>;
    };
    const put = await fetch(`${baseUrl}/users-permissions/advanced`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ ...current.settings, email_reset_password: RESET_PAGE }),
    });
    assert.equal(put.status, 200, await put.text());

    const res = await fetch(`${baseUrl}/api/customerly/webhook?action=add&send_notification=true&access_key=${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(userWebhook({ email: 'welcome@example.com', tags: ['trial'] })),
    });
    const answer = (await res.json()) as { welcomeEmail?: string };
    assert.equal(res.status, 200, JSON.stringify(answer));
    assert.equal(answer.welcomeEmail, 'sent', JSON.stringify(answer));

    const printed = await waitFor(
      async () => {
        const out = text();
        const at = out.indexOf('Email captured by the playground (not delivered):');
        return at >= 0 && /code=[0-9a-f]{128}/.test(out.slice(at)) ? out.slice(at) : undefined;
      },
      30_000,
      'the printed email'
    );
    assert.match(printed, /^\s+To: +welcome@example\.com$/m);
    assert.match(printed, /^\s+Subject: +\S/m);
    assert.match(
      printed,
      new RegExp(`${RESET_PAGE.replace(/[.]/g, '\\.')}\\?code=[0-9a-f]{128}`),
      'the link to follow'
    );
    assert.ok(!/password\s*[:=]\s*\S/i.test(printed), 'no password in the printed email');
  });
});
