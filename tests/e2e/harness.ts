/**
 * The browser tests' harness: the playground Strapi with its built admin panel in a child process (so it can be
 * restarted on the same database), and Debian's Chromium driven by playwright-core.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testStrapiEnv } from '../helpers/strapi';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, '.test-artifacts', 'screenshots');
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
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
