/**
 * The browser tests' harness: the playground Strapi with its built admin panel in a child process (so it can be
 * restarted on the same database), and Debian's Chromium driven by playwright-core. `browserSuite` and
 * `startAdminSession` are what a browser test file starts from: a fresh server, its first admin, and a logged-in tab.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { freePort } from '../helpers/processes';
import { testStrapiEnv } from '../helpers/strapi';
import { login as apiLogin, strongPassword, type AdminSession } from './admin-api';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, '.test-artifacts', 'screenshots');
/** The README's screenshots, rewritten by the shots marked `docs` when E2E_DOCS_SCREENSHOTS=1. */
export const DOCS_SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser tests cannot run here, or null when they can. */
export function browserProblem(): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  return null;
}

/** Builds the playground admin panel when it is missing or older than the plugin's admin bundle. */
export function ensureAdminBuild(): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'e2e-build.js')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the playground admin build failed');
}

export interface E2EServer {
  baseUrl: string;
  db: TestDatabase;
  output: string[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the playground with its admin panel on a fresh database; `restart()` keeps the database. */
export async function startServer(env: Record<string, string>): Promise<E2EServer> {
  const db = await createTestDatabase();
  const port = await freePort();
  const fullEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...testStrapiEnv(db, {
      NODE_ENV: 'production',
      PORT: String(port),
      CUSTOMERLY_WEBHOOK_KEY: '',
      CUSTOMERLY_API_TOKEN: '',
      PLAYGROUND_CUSTOMERLY_CONFIG: '{}',
      ...env,
    }),
  };
  const output: string[] = [];
  let child: ChildProcess | null = null;

  const boot = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'e2e-serve.js')], {
        env: fullEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const timer = setTimeout(() => reject(new Error(`Strapi did not start in 90 s:\n${output.join('')}`)), 90_000);
      const onData = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        output.push(text);
        if (process.env.TEST_VERBOSE === '1') process.stderr.write(text);
        if (text.includes('READY ')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Strapi exited (${code}) before it was ready:\n${output.join('')}`));
      });
    });

  const halt = async () => {
    const c = child as ChildProcess | null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => c.kill('SIGKILL'), 15_000);
      c.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      c.kill('SIGTERM');
    });
  };

  await boot();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    output,
    async restart() {
      await halt();
      await boot();
    },
    async stop() {
      try {
        await halt();
      } finally {
        await db.drop().catch(() => undefined);
      }
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}

/**
 * The skip reason of a browser suite (no Chromium here), or false when it can run. With CI=true a missing Chromium
 * throws instead: CI must not pass without the browser tests.
 */
export function browserSkip(): string | false {
  const problem = browserProblem();
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (problem && ci) throw new Error(`browser tests cannot run: ${problem} (CI=true)`);
  return problem ?? false;
}

/** A browser test suite: skipped with the reason where Chromium is missing (failed with CI=true), 10 minutes at most. */
export function browserSuite(name: string, fn: () => void): void {
  describe(name, { skip: browserSkip(), timeout: 600_000 }, fn);
}

/** Debian's Chromium, headless; `args` are added to the usual ones. */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...args] });
}

/** A tab in a new browser context (its own cookies and storage), English, 1400×1000; the clipboard granted at `origin`. */
export async function openPage(browser: Browser, opts: { clipboardOrigin?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' });
  if (opts.clipboardOrigin)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: opts.clipboardOrigin });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

export interface AdminCredentials {
  email: string;
  password: string;
  firstname: string;
  lastname: string;
}

/** Signs in through the admin's login form at `origin` and waits to leave the auth pages. */
export async function signIn(page: Page, origin: string, admin: Pick<AdminCredentials, 'email' | 'password'>) {
  await page.goto(`${origin}/admin/auth/login`);
  await page.locator('input[name=email]').fill(admin.email);
  await page.locator('input[name=password]').fill(admin.password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => !u.pathname.includes('/auth/'), { timeout: 30_000 });
}

/** Creates the first (super) admin of a fresh server over Strapi's register-admin route. */
export async function registerFirstAdmin(baseUrl: string, admin: AdminCredentials): Promise<void> {
  const res = await fetch(`${baseUrl}/admin/register-admin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  assert.equal(res.status, 200, await res.text());
}

export interface ShotOptions {
  /** All of the page: the viewport grows to the height of Strapi's scrolling content for the shot. */
  fullPage?: boolean;
  /** Only this element (e.g. `main`, without the menus, or a dialog). */
  element?: Locator;
  /** The viewport's width for the shot (restored after). */
  width?: number;
  /** Another tab than the session's. */
  page?: Page;
  /** One of the README's screenshots: also written to docs/screenshots when E2E_DOCS_SCREENSHOTS=1. */
  docs?: boolean;
}

/**
 * A screenshot of `page` (see ShotOptions) into .test-artifacts/screenshots/`name`. Strapi's admin scrolls inside its
 * layout, not the document, so a full page is taken with a viewport as tall as that content.
 */
export async function screenshot(page: Page, name: string, opts: Omit<ShotOptions, 'page'> = {}): Promise<void> {
  const file = screenshotPath(name);
  const size = page.viewportSize() ?? { width: 1400, height: 1000 };
  const width = opts.width ?? size.width;
  try {
    if (width !== size.width) await page.setViewportSize({ width, height: size.height });
    if (opts.fullPage) {
      const hidden = await page.evaluate(() =>
        Math.max(
          0,
          ...Array.from(document.querySelectorAll<HTMLElement>('*'))
            .filter((e) => /auto|scroll/.test(getComputedStyle(e).overflowY) && e.clientHeight > 200)
            .map((e) => e.scrollHeight - e.clientHeight)
        )
      );
      await page.setViewportSize({ width, height: size.height + hidden });
    }
    if (width !== size.width || opts.fullPage) await page.waitForTimeout(300); // the layout settles
    await (opts.element ?? page).screenshot({ path: file, animations: 'disabled' });
  } finally {
    if (width !== size.width || opts.fullPage) await page.setViewportSize(size);
  }
  if (opts.docs && process.env.E2E_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    copyFileSync(file, path.join(DOCS_SCREENSHOTS, name));
  }
}

export interface AdminBrowserSession {
  server: E2EServer;
  browser: Browser;
  context: BrowserContext;
  /** The session's tab: logged in as `admin` unless the session was started with `register: 'none'`. */
  page: Page;
  admin: AdminCredentials;
  /** Signs `page` (default: the session's tab) in through the login form, at `origin` (default: the server). */
  login(page?: Page, origin?: string): Promise<void>;
  /** The admin API as `admin` (a JWT from POST /admin/login). */
  api(): Promise<AdminSession>;
  /** A new tab in the session's context (the admin's session is per tab: log it in). */
  newPage(): Promise<Page>;
  /** A screenshot into .test-artifacts/screenshots (see ShotOptions). */
  shot(name: string, opts?: ShotOptions): Promise<void>;
  /** Closes the browser and stops the server (its database dropped). */
  close(): Promise<void>;
}

export interface AdminSessionOptions {
  /** The server's environment (see startServer: no access key or API token unless given here). */
  env?: Record<string, string>;
  admin: { email: string; firstname?: string; lastname?: string };
  /**
   * 'api' (default): the first admin is registered over the API and the tab logged in through the login form;
   * 'none': nobody is registered and the tab is blank (the test registers the first admin in the page).
   */
  register?: 'api' | 'none';
  /** Grant the clipboard to the server's origin (for the copy buttons). */
  clipboard?: boolean;
}

/** A fresh server (the playground with its admin build), Chromium, and a tab signed in as the first admin. */
export async function startAdminSession(opts: AdminSessionOptions): Promise<AdminBrowserSession> {
  ensureAdminBuild();
  const admin: AdminCredentials = {
    firstname: 'Ada',
    lastname: 'Lovelace',
    ...opts.admin,
    password: strongPassword(),
  };
  const server = await startServer(opts.env ?? {});
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await openPage(browser, { clipboardOrigin: opts.clipboard ? server.baseUrl : undefined });
    const context = page.context();
    const login = (p: Page = page, origin = server.baseUrl) => signIn(p, origin, admin);
    if ((opts.register ?? 'api') === 'api') {
      await registerFirstAdmin(server.baseUrl, admin);
      await login();
    }
    const b = browser;
    return {
      server,
      browser: b,
      context,
      page,
      admin,
      login,
      api: () => apiLogin(server.baseUrl, admin.email, admin.password),
      async newPage() {
        const p = await context.newPage();
        p.setDefaultTimeout(20_000);
        return p;
      },
      shot: (name, { page: other, ...shotOpts } = {}) => screenshot(other ?? page, name, shotOpts),
      async close() {
        try {
          await b.close().catch(() => undefined);
        } finally {
          await server.stop();
        }
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw e;
  }
}
