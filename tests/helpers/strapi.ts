/**
 * Boots the real playground Strapi (with this plugin, built in dist/) on a fresh database, listening on a random
 * loopback port. One instance per test file: Strapi is a process-wide singleton (global.strapi).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Core, createStrapi as CreateStrapi } from '@strapi/strapi';
import { createTestDatabase, type TestDatabase } from './database';

const requireFromHere = createRequire(__filename);
export const PLAYGROUND_DIR = path.resolve(__dirname, '..', '..', 'playground');

/**
 * A parsed JSON answer of a route under test. Left untyped on purpose: a test reads the fields it expects and its
 * assertions are what check the shape (a missing field fails them).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: the test's asserts type-check the answer
export type AnswerJson = any;

export interface CapturedEmail {
  to?: string;
  subject?: string;
  text?: string;
  html?: string;
  [key: string]: unknown;
}

export interface StartOptions {
  /** The access key; '' means none configured. Default: a random key. */
  webhookKey?: string;
  apiUrl?: string;
  apiToken?: string;
  /** Extra plugin config (config/plugins `customerly.config`). */
  pluginConfig?: Record<string, unknown>;
  /** Strapi's log level; 'http' shows the request log. Default 'warn'. */
  logLevel?: string;
  env?: Record<string, string>;
  /** Use this database instead of a fresh one (e.g. a second Strapi process on the same database). */
  db?: TestDatabase;
  /** Leave the database in place on stop (its creator drops it). */
  keepDb?: boolean;
  /** Strapi's REST prefix (config/api `rest.prefix`, through API_REST_PREFIX). Default '/api'. */
  restPrefix?: string;
  /**
   * Runs between the register and bootstrap phases of `load()` (after every plugin's and the app's register, before
   * the middlewares are built): a test can change the config there as an app's own register could.
   */
  afterRegister?: (strapi: Core.Strapi) => void | Promise<void>;
}

export interface TestStrapi {
  strapi: Core.Strapi;
  baseUrl: string;
  webhookKey: string;
  db: TestDatabase;
  /** Messages given to the email provider. */
  emails: CapturedEmail[];
  /** Everything written to stdout/stderr while this Strapi ran (Strapi's log included). */
  output: string[];
  /** The path of the webhook route under the REST prefix this Strapi runs with (e.g. '/api/customerly/webhook'). */
  webhookPath: string;
  /**
   * POSTs to the webhook route (or to `path`, a path variant). `query` is appended as given (access_key included
   * unless `noKey`).
   */
  webhook(
    query: Record<string, string | undefined> | string,
    body?: unknown,
    init?: { headers?: Record<string, string>; raw?: boolean; noKey?: boolean; path?: string }
  ): Promise<{ status: number; json: AnswerJson; headers: Headers }>;
  stop(): Promise<void>;
}

function captureOutput(sink: string[]): () => void {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write.bind(s));
  const verbose = process.env.TEST_VERBOSE === '1';
  streams.forEach((stream, i) => {
    const write = originals[i]! as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      if (verbose || !isStrapiLogLine(chunk)) return write(chunk, ...rest);
      const cb = rest.find((r): r is () => void => typeof r === 'function');
      if (cb) cb();
      return true;
    }) as typeof stream.write;
  });
  return () => streams.forEach((stream, i) => (stream.write = originals[i]!));
}

// Strapi's log lines start with a timestamp and a level; the test runner's own output is left alone.
const isStrapiLogLine = (chunk: unknown) =>
  /^\[\d{4}-\d\d-\d\d [\d:.]+\]/.test(stripVTControlCharacters(String(chunk)));

/**
 * The environment a test Strapi runs with: no developer .env (ENV_PATH points nowhere), fresh random secrets,
 * quiet startup, the given database, then the overrides.
 */
export function testStrapiEnv(
  db: Pick<TestDatabase, 'env'>,
  overrides: Record<string, string> = {}
): Record<string, string> {
  const secret = () => randomBytes(16).toString('base64');
  return {
    ENV_PATH: path.join(PLAYGROUND_DIR, '.env.tests-never-exists'),
    STRAPI_TELEMETRY_DISABLED: 'true',
    STRAPI_STARTUP_LOG: 'false',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    APP_KEYS: [secret(), secret()].join(','),
    API_TOKEN_SALT: secret(),
    ADMIN_JWT_SECRET: secret(),
    TRANSFER_TOKEN_SALT: secret(),
    JWT_SECRET: secret(),
    ENCRYPTION_KEY: secret(),
    ...db.env,
    ...overrides,
  };
}

export async function startStrapi(opts: StartOptions = {}): Promise<TestStrapi> {
  const db = opts.db ?? (await createTestDatabase());
  const dropDb = () => (opts.keepDb || opts.db ? Promise.resolve() : db.drop());
  const webhookKey = opts.webhookKey ?? randomBytes(32).toString('base64url');
  Object.assign(
    process.env,
    testStrapiEnv(db, {
      NODE_ENV: 'test',
      LOG_LEVEL: opts.logLevel ?? 'warn',
      CUSTOMERLY_WEBHOOK_KEY: webhookKey,
      CUSTOMERLY_API_URL: opts.apiUrl ?? 'http://127.0.0.1:9/v1',
      CUSTOMERLY_API_TOKEN: opts.apiToken ?? '',
      PLAYGROUND_CUSTOMERLY_CONFIG: JSON.stringify(opts.pluginConfig ?? {}),
      API_REST_PREFIX: opts.restPrefix ?? '/api',
      ...opts.env,
    })
  );

  const output: string[] = [];
  const restoreOutput = captureOutput(output);
  let created: Core.Strapi | undefined;
  let strapi: Core.Strapi;
  try {
    const { createStrapi } = requireFromHere('@strapi/strapi') as { createStrapi: typeof CreateStrapi };
    strapi = created = createStrapi({
      appDir: PLAYGROUND_DIR,
      distDir: PLAYGROUND_DIR,
      autoReload: false,
      serveAdminPanel: false,
    });
    if (opts.afterRegister) {
      // What strapi.load() does, with the hook in between.
      await strapi.register();
      await opts.afterRegister(strapi);
      await strapi.bootstrap();
      strapi.isLoaded = true;
    } else {
      await strapi.load();
    }
    await new Promise<void>((resolve) => strapi.server.listen(0, '127.0.0.1', resolve));
  } catch (e) {
    restoreOutput();
    await created?.destroy().catch(() => undefined);
    await dropDb().catch(() => undefined);
    throw e;
  }
  const { port } = strapi.server.httpServer.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const emails: CapturedEmail[] = [];
  const emailPlugin = strapi.plugin('email');
  if (emailPlugin?.provider?.send) {
    const send = emailPlugin.provider.send.bind(emailPlugin.provider);
    emailPlugin.provider.send = async (message: CapturedEmail) => {
      emails.push(message);
      return send(message);
    };
  }

  return {
    strapi,
    baseUrl,
    webhookKey,
    db,
    emails,
    output,
    webhookPath: `${opts.restPrefix ?? '/api'}/customerly/webhook`,
    async webhook(query, body, init = {}) {
      let qs: string;
      if (typeof query === 'string') qs = query;
      else {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, v);
        if (!init.noKey && !('access_key' in query)) params.append('access_key', webhookKey);
        qs = params.toString();
      }
      const res = await fetch(`${baseUrl}${init.path ?? `${opts.restPrefix ?? '/api'}/customerly/webhook`}?${qs}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...init.headers },
        body: body === undefined ? undefined : init.raw ? String(body) : JSON.stringify(body),
      });
      const text = await res.text();
      let json: AnswerJson;
      try {
        json = JSON.parse(text);
      } catch {
        json = { notJson: text };
      }
      return { status: res.status, json, headers: res.headers };
    },
    async stop() {
      try {
        await strapi.destroy();
      } finally {
        restoreOutput();
        await dropDb();
      }
    },
  };
}

/** The message Strapi stops with at startup given this plugin config; fails the test when Strapi starts. */
export async function startupError(pluginConfig: Record<string, unknown>): Promise<string> {
  try {
    const app = await startStrapi({ pluginConfig });
    await app.stop();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`Strapi started with a plugin config it should refuse: ${JSON.stringify(pluginConfig)}`);
}
