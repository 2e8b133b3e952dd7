import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import type { AnswerJson, StartOptions } from './strapi';
import type { TestDatabase } from './database';

export interface StrapiProcess {
  child: ChildProcess;
  baseUrl: string;
  /** What the process wrote (Strapi's log lines included). */
  output: string[];
  /** SIGTERM and wait: Strapi's own shutdown. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies on the spot, mid-delivery. */
  kill9(): Promise<void>;
}

const CHILD = path.join(__dirname, 'strapi-child.ts');

const SECRET_NAMES = [
  'APP_KEYS',
  'API_TOKEN_SALT',
  'ADMIN_JWT_SECRET',
  'TRANSFER_TOKEN_SALT',
  'JWT_SECRET',
  'ENCRYPTION_KEY',
] as const;
let appSecrets: Record<string, string> | undefined;

/**
 * The secrets of the one app that the Strapi processes of this test share, as the nodes of a real deployment do:
 * those of the Strapi this test process started (in process.env), else one random set. Without them a delivery signed
 * by one process (its MAC is keyed by ENCRYPTION_KEY) would be refused by another.
 */
export function sharedAppSecrets(): Record<string, string> {
  if (appSecrets) return appSecrets;
  const secret = () => randomBytes(16).toString('base64');
  const fromParent = SECRET_NAMES.every((n) => process.env[n]);
  appSecrets = Object.fromEntries(
    SECRET_NAMES.map((n) => [n, fromParent ? process.env[n]! : n === 'APP_KEYS' ? `${secret()},${secret()}` : secret()])
  );
  return appSecrets;
}

/** Starts the playground Strapi in its own process, on the given (shared) database, with the app's shared secrets. */
export function spawnStrapi(db: TestDatabase, opts: Omit<StartOptions, 'db'> = {}): Promise<StrapiProcess> {
  const { drop: _drop, ...dbData } = db;
  const childOpts = { ...opts, env: { ...sharedAppSecrets(), ...opts.env }, db: dbData };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, STRAPI_CHILD_OPTIONS: JSON.stringify(childOpts) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Strapi child did not start: ${output.join('')}`)), 120_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.push(text);
      const ready = /READY (http:\/\/\S+)/.exec(text);
      if (ready) {
        clearTimeout(timer);
        resolve({
          child,
          baseUrl: ready[1]!,
          output,
          async stop() {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
          async kill9() {
            if (child.exitCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Strapi child exited (${code}) before it was ready: ${output.join('').slice(-2000)}`));
    });
  });
}

/** POSTs a webhook to a base URL; resolves with status and JSON. */
export async function postWebhook(
  baseUrl: string,
  query: Record<string, string>,
  body: unknown
): Promise<{ status: number; json: AnswerJson }> {
  const res = await fetch(`${baseUrl}/api/customerly/webhook?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) };
  } catch {
    return { status: res.status, json: { notJson: text } };
  }
}

/** Runs async tasks with at most `limit` in flight; results in task order. */
export async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    })
  );
  return results;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what = 'a condition'
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A TCP port free on 127.0.0.1 right now (for a server started next). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
