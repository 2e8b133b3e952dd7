import type { Knex, QueryBuilder } from './columns';

/**
 * Where the plugin's plain statements on its own tables run: the app's knex, one of its transactions, or a
 * connection transaction (below). Each is called the same way: `db(table)` starts a statement; `db.raw` builds an
 * expression to put in one (not to run on its own).
 */
export interface Db {
  (table: string): QueryBuilder;
  raw: Knex['raw'];
}

/** knex's client, as far as a connection transaction uses it. */
interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
  query(connection: unknown, sql: string): Promise<unknown>;
}

/**
 * Runs `work` in a transaction on one connection of the pool, with plain BEGIN, COMMIT and ROLLBACK: for the queue's
 * short transactions (a claim; an outcome recorded with its contact's release), run once or twice per delivery.
 *
 * Why not knex's own `transaction()`: knex builds a whole knex instance for each transaction (a callable with every
 * query method defined on it, a client copy and its event listeners). A burst's drain opened two per delivery, and
 * that garbage grew the process by well over 100 MB on SQLite before the collector caught up (`npm run bench`,
 * figure 3). Here a statement is bound to the connection (`builder.connection(...)`), and nothing else is built.
 *
 * `work` runs every statement with the `db` it is given, and nothing else: Strapi's query engine (strapi.db.query)
 * does not see this transaction. Any error rolls the transaction back and is thrown again.
 */
export async function connectionTransaction<T>(knex: Knex, work: (db: Db) => Promise<T>): Promise<T> {
  const client = knex.client as PoolClient;
  const connection = await client.acquireConnection();
  const db: Db = Object.assign((table: string) => knex(table).connection(connection), {
    raw: knex.raw.bind(knex) as Knex['raw'],
  });
  try {
    await client.query(connection, 'BEGIN;');
    const result = await work(db);
    await client.query(connection, 'COMMIT;');
    return result;
  } catch (e) {
    // Never give the connection back inside a transaction (a COMMIT refused by a busy SQLite leaves it open). The
    // error that matters is the first: a failed ROLLBACK (none open, or the connection lost) is not reported over it.
    await client.query(connection, 'ROLLBACK;').catch(() => undefined);
    throw e;
  } finally {
    await client.releaseConnection(connection);
  }
}
