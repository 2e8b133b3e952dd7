/**
 * Times every statement better-sqlite3 runs (run, get, all) on the app's SQLite connection, for the hand-run
 * profilers (bench/profile-*.ts). better-sqlite3 is synchronous, so the time is SQLite's and the disk's (a COMMIT's
 * fsyncs included), and it holds the event loop meanwhile.
 */
import { performance } from 'node:perf_hooks';
import type { Core } from '@strapi/strapi';

interface SqliteConnection {
  prepare(sql: string): object;
  pragma(p: string, o?: { simple: boolean }): unknown;
}

/**
 * Calls `onStatement(sql, ms)` after each statement; runs `pragmas` (';'-separated) on the connection first. Returns
 * the connection's journal_mode and synchronous.
 */
export async function timeSqliteStatements(
  strapi: Core.Strapi,
  onStatement: (sql: string, ms: number) => void,
  pragmas = ''
): Promise<{ journalMode: unknown; synchronous: unknown }> {
  const client = (
    strapi.db.connection as unknown as {
      client: { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
    }
  ).client;
  const conn = (await client.acquireConnection()) as SqliteConnection;
  try {
    for (const p of pragmas.split(';').filter(Boolean)) conn.pragma(p);
    const proto = Object.getPrototypeOf(conn.prepare('select 1')) as Record<string, unknown>;
    for (const m of ['run', 'get', 'all']) {
      const orig = proto[m] as (...a: unknown[]) => unknown;
      proto[m] = function (this: { source: string }, ...args: unknown[]) {
        const t = performance.now();
        try {
          return orig.apply(this, args);
        } finally {
          onStatement(this.source, performance.now() - t);
        }
      };
    }
    return {
      journalMode: conn.pragma('journal_mode', { simple: true }),
      synchronous: conn.pragma('synchronous', { simple: true }),
    };
  } finally {
    await client.releaseConnection(conn);
  }
}
