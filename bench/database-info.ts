/**
 * What the bench's database really ran with, read from Strapi's own connection (not from the flags that asked for
 * it): the server or library version and, on SQLite, the journal mode and the synchronous level.
 */
import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import type { TestDbKind } from '../tests/helpers/database';

export interface DatabaseInfo {
  kind: TestDbKind;
  version: string;
  /** SQLite only: PRAGMA journal_mode and PRAGMA synchronous on the connection Strapi uses. */
  sqlite?: { journalMode: string; synchronous: string };
}

interface Raw {
  raw(sql: string): Promise<unknown>;
}

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
const rows = z.array(z.record(z.string(), z.unknown()));

/** The first column of the first row of a raw query, whatever shape the driver answers in. */
async function scalar(db: Raw, kind: TestDbKind, sql: string): Promise<unknown> {
  const answer = await db.raw(sql);
  // better-sqlite3: the rows; pg: a result with .rows; mysql2: [rows, fields].
  const list =
    kind === 'sqlite'
      ? rows.parse(answer)
      : kind === 'postgres'
        ? z.object({ rows }).parse(answer).rows
        : rows.parse(z.array(z.unknown()).parse(answer)[0]);
  const first = list[0];
  if (!first) throw new Error(`${sql}: no row`);
  return Object.values(first)[0];
}

export async function databaseInfo(strapi: Core.Strapi, kind: TestDbKind): Promise<DatabaseInfo> {
  const db = strapi.db.connection as unknown as Raw;
  if (kind === 'sqlite') {
    const version = String(await scalar(db, kind, 'select sqlite_version()'));
    const journalMode = String(await scalar(db, kind, 'pragma journal_mode'));
    const level = Number(await scalar(db, kind, 'pragma synchronous'));
    return {
      kind,
      version: `SQLite ${version}`,
      sqlite: { journalMode, synchronous: SYNCHRONOUS[level] ?? String(level) },
    };
  }
  const version = String(await scalar(db, kind, 'select version()'));
  if (kind === 'postgres') return { kind, version: version.split(' ').slice(0, 2).join(' ') };
  return { kind, version: version.includes('MariaDB') ? `MariaDB ${version.split('-')[0]}` : `MySQL ${version}` };
}
