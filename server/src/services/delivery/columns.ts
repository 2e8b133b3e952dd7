import { randomBytes } from 'node:crypto';
import { DELIVERY_UID } from '../../content-types';
import type { Core, UID } from '@strapi/strapi';
import type { Db } from './connection-transaction';

/** The app's knex instance, and one of its query builders: the plugin's plain statements on its own tables. */
export type Knex = Core.Strapi['db']['connection'];
export type QueryBuilder = ReturnType<Knex>;

/**
 * The table and column names of a content type, from Strapi's metadata, for the few hot-path statements the
 * plugin writes directly. Looked up once per content type.
 */
export function tableColumns<A extends string>(strapi: Core.Strapi, uid: UID.ContentType, attributes: readonly A[]) {
  const meta = strapi.db.metadata.get(uid);
  const out = { table: meta.tableName } as { table: string } & Record<A, string>;
  for (const a of attributes) {
    const attribute = meta.attributes[a];
    (out as Record<string, string>)[a] =
      attribute && 'columnName' in attribute && attribute.columnName ? attribute.columnName : a;
  }
  return out;
}

/** Memoises `make` on first use (metadata is only complete after Strapi has loaded). */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** A documentId in Strapi's format (24 lower-case letters and digits, starting with a letter). */
export function newDocumentId(): string {
  const bytes = randomBytes(24);
  let id = String.fromCharCode(97 + (bytes[0]! % 26));
  for (let i = 1; i < 24; i++) id += '0123456789abcdefghijklmnopqrstuvwxyz'[bytes[i]! % 36];
  return id;
}

/** MySQL or MariaDB (Strapi's `mysql` client, whichever driver). */
const isMysqlFamily = (strapi: Core.Strapi): boolean => /mysql/.test(String(strapi.db.dialect.client));

/** SQLite (Strapi's `sqlite` client, better-sqlite3). */
export const isSqlite = (strapi: Core.Strapi): boolean => /sqlite/.test(String(strapi.db.dialect.client));

/** Whether the database answers INSERT ... RETURNING (PostgreSQL, SQLite; not MySQL nor MariaDB). */
export const hasReturning = (strapi: Core.Strapi): boolean => !isMysqlFamily(strapi);

/**
 * Whether an UPDATE may read the table it updates in a subquery of its WHERE (PostgreSQL, SQLite). MySQL and MariaDB
 * refuse it (error 1093, "You can't specify target table ... for update in FROM clause").
 */
export const canReadUpdatedTable = (strapi: Core.Strapi): boolean => !isMysqlFamily(strapi);

/** Whether the database has indexes on an expression such as LOWER(email) (PostgreSQL, SQLite; not MariaDB). */
export const hasLowerIndexes = (strapi: Core.Strapi): boolean => !isMysqlFamily(strapi);

/**
 * One INSERT, in `db` (a transaction, or the app's connection by default); the new row's id. MySQL answers the new
 * id without RETURNING (and warns when asked for it).
 */
export async function insertReturningId(
  strapi: Core.Strapi,
  table: string,
  values: Record<string, unknown>,
  db: Db = strapi.db.connection
): Promise<number> {
  const insert = db(table).insert(values);
  const inserted = await (hasReturning(strapi) ? insert.returning('id') : insert);
  const first = (inserted as Array<number | { id: number }>)[0];
  return Number(typeof first === 'object' ? first.id : first);
}

/** The delivery columns the queue's claims read and write (the queue, and the outbound sender's batch claims). */
export function queueColumns(strapi: Core.Strapi) {
  return {
    id: 'id',
    ...tableColumns(strapi, DELIVERY_UID, [
      'status',
      'contactKey',
      'action',
      'direction',
      'attempts',
      'nextAttemptAt',
      'lockedBy',
      'lockedUntil',
    ] as const),
  };
}
