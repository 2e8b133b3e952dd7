import type { Core } from '@strapi/strapi';
import { isSqlite } from './columns';

/** What the startup line says, once, on SQLite with its default rollback journal. */
export const SQLITE_JOURNAL_HINT =
  '[customerly] SQLite runs with its default rollback journal: each webhook waits for the disk at every commit. WAL mode is faster; the plugin leaves this setting to the app (README, "SQLite\'s journal")';

/**
 * On SQLite in its default journal mode, one line at startup says where the time of a delivery goes and where the
 * README tells how to change it. The plugin never changes the app's database settings itself.
 */
export async function hintSqliteJournal(strapi: Core.Strapi): Promise<void> {
  if (!isSqlite(strapi)) return;
  try {
    const answer = (await strapi.db.connection.raw('pragma journal_mode')) as Array<Record<string, unknown>>;
    const mode = String(Object.values(answer?.[0] ?? {})[0] ?? '').toLowerCase();
    if (mode && mode !== 'wal' && mode !== 'memory') strapi.log.info(SQLITE_JOURNAL_HINT);
  } catch {
    // Only a hint: a driver that answers otherwise gets none.
  }
}
