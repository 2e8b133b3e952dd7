import type { Core } from '@strapi/strapi';
import { USER_UID } from '../../content-types';
import { describeError } from '../../utils/describe-error';
import { hasLowerIndexes, isSqlite, tableColumns } from '../delivery/columns';

/**
 * The indexes behind the plugin's case-blind user lookups (users.ts). Every delivery looks its user up by email
 * ignoring case (`LOWER(email) = LOWER(?)`), and a new user's username too; users-permissions indexes neither column,
 * so each lookup read the whole users table: about 5 ms at 10,000 users on PostgreSQL, 30 ms at 100,000. (The lookup
 * by Customerly contact id has the unique index Strapi makes for that attribute.)
 *
 * Indexes on LOWER(column), which is what those lookups compare: PostgreSQL and SQLite have them. MySQL and MariaDB
 * get none (MariaDB has no index on an expression); the lookups read the table there as before.
 */
export const USER_INDEXES = [
  { name: 'customerly_up_users_email_lower', attribute: 'email' },
  { name: 'customerly_up_users_username_lower', attribute: 'username' },
] as const;

/** The PostgreSQL schema Strapi's connection names (`connection.schema`), if any; SQLite has none. */
const schemaOf = (strapi: Core.Strapi): string | undefined => strapi.db.getSchemaName() || undefined;

/** Whether an index of that name exists (PostgreSQL: in the users table's schema). */
async function indexExists(strapi: Core.Strapi, name: string): Promise<boolean> {
  const knex = strapi.db.connection;
  if (isSqlite(strapi)) {
    const rows = (await knex.raw("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [name])) as unknown[];
    return rows.length > 0;
  }
  const { rows } = (await knex.raw(
    'SELECT 1 FROM pg_indexes WHERE schemaname = COALESCE(?, current_schema()) AND indexname = ?',
    [schemaOf(strapi) ?? null, name]
  )) as { rows: unknown[] };
  return rows.length > 0;
}

/**
 * Creates at startup, on PostgreSQL and SQLite, the indexes of USER_INDEXES the users table lacks (an index that
 * exists is left as it is). Strapi's schema sync leaves indexes it did not create alone. A database user not allowed
 * to create an index gets one warning line, and the lookups read the whole table as before.
 */
export async function ensureUserIndexes(strapi: Core.Strapi): Promise<string[]> {
  const created: string[] = [];
  if (!hasLowerIndexes(strapi)) return created;
  const columns = tableColumns(strapi, USER_UID, ['email', 'username'] as const);
  const schema = schemaOf(strapi);
  const table = schema ? `${schema}.${columns.table}` : columns.table;
  for (const index of USER_INDEXES) {
    const column = columns[index.attribute];
    try {
      if (await indexExists(strapi, index.name)) continue;
      await strapi.db.connection.raw('CREATE INDEX ?? ON ?? (LOWER(??))', [index.name, table, column]);
      created.push(index.name);
    } catch (e) {
      // Another process starting at the same time made it first.
      if (await indexExists(strapi, index.name).catch(() => false)) continue;
      strapi.log.warn(
        `[customerly] could not create the index ${index.name} on ${columns.table} (${describeError(e)}): user lookups read the whole table`
      );
    }
  }
  if (created.length)
    strapi.log.info(`[customerly] created the index(es) ${created.join(', ')} for user lookups on ${columns.table}`);
  return created;
}
