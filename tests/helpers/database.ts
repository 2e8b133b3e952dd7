/**
 * A fresh database for one test process: a temp SQLite file (default), or a new database on the local
 * PostgreSQL or MariaDB server when TEST_DB=postgres|mysql. `drop()` removes it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type TestDbKind = 'sqlite' | 'postgres' | 'mysql';

export interface TestDatabase {
  kind: TestDbKind;
  /** Environment variables for the playground's config/database.js. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export function testDbKind(): TestDbKind {
  const kind = (process.env.TEST_DB ?? 'sqlite').toLowerCase();
  if (kind === 'sqlite' || kind === 'postgres' || kind === 'mysql') return kind;
  if (kind === 'mariadb') return 'mysql';
  if (kind === 'pg' || kind === 'postgresql') return 'postgres';
  throw new Error(`TEST_DB must be sqlite, postgres or mysql, not "${process.env.TEST_DB}"`);
}

export const dbServer = {
  postgres: {
    host: process.env.TEST_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.TEST_PG_PORT ?? 5432),
    user: process.env.TEST_PG_USER ?? 'postgres',
    password: process.env.TEST_PG_PASSWORD ?? '',
  },
  mysql: {
    host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.TEST_MYSQL_PORT ?? 3306),
    user: process.env.TEST_MYSQL_USER ?? 'root',
    password: process.env.TEST_MYSQL_PASSWORD ?? '',
  },
};

export async function createTestDatabase(kind: TestDbKind = testDbKind()): Promise<TestDatabase> {
  const name = `customerly_t_${process.pid}_${randomBytes(4).toString('hex')}`;

  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'customerly-test-'));
    return {
      kind,
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dir, 'data.db') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }

  if (kind === 'postgres') {
    const { Client } = await import('pg');
    const admin = async (sql: string) => {
      const client = new Client({ ...dbServer.postgres, database: 'postgres' });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE "${name}"`);
    const s = dbServer.postgres;
    return {
      kind,
      env: {
        DATABASE_CLIENT: 'postgres',
        DATABASE_HOST: s.host,
        DATABASE_PORT: String(s.port),
        DATABASE_NAME: name,
        DATABASE_USERNAME: s.user,
        DATABASE_PASSWORD: s.password,
        DATABASE_SCHEMA: 'public',
      },
      drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }

  const mysql = await import('mysql2/promise');
  const admin = async (sql: string) => {
    const conn = await mysql.createConnection({ ...dbServer.mysql });
    try {
      await conn.query(sql);
    } finally {
      await conn.end();
    }
  };
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const s = dbServer.mysql;
  return {
    kind,
    env: {
      DATABASE_CLIENT: 'mysql',
      DATABASE_HOST: s.host,
      DATABASE_PORT: String(s.port),
      DATABASE_NAME: name,
      DATABASE_USERNAME: s.user,
      DATABASE_PASSWORD: s.password,
    },
    drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``),
  };
}
