import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { insertReturningId, newDocumentId } from './columns';
import type { StoredDelivery } from './types';

/**
 * How many `test` deliveries are kept: the newest ones. A test changes nothing, so older ones say nothing more, and a
 * caller with the key cannot grow the table with tests beyond this (it could with any other action, which the rate
 * limit and the retention bound).
 */
export const TEST_DELIVERIES_KEPT = 20;

/** What a recorded `test` delivery holds as its result: the answer (`{ok: true}`) and what it means. */
const TEST_RESULT = { ok: true, action: 'test', test: 'The access key is right. A test changes nothing.' };

type TestColumn =
  | 'documentId'
  | 'eventId'
  | 'receivedAt'
  | 'action'
  | 'params'
  | 'email'
  | 'contactKey'
  | 'payload'
  | 'sealed'
  | 'mac'
  | 'status'
  | 'attempts'
  | 'history'
  | 'result'
  | 'processedAt'
  | 'processedBy'
  | 'nextAttemptAt'
  | 'createdAt'
  | 'updatedAt'
  | 'publishedAt';

interface Deps {
  /** The row's signature (mac.ts): a test row is signed like any other, so that its replay is not refused. */
  sign: (d: StoredDelivery) => string;
  processId: () => string;
  columns: () => { table: string } & Record<TestColumn, string>;
}

/**
 * Records a `test` call (the key was right) as a finished delivery, so that the log shows that Customerly reached the
 * plugin. It holds the query parameters only: never the key (not among them) and never the body. Nothing runs it.
 */
export function createTestRecorder(strapi: Core.Strapi, { sign, processId, columns }: Deps) {
  /** Drops the `test` deliveries older than the newest TEST_DELIVERIES_KEPT. */
  async function pruneTests(): Promise<void> {
    const c = columns();
    const knex = strapi.db.connection;
    const oldest = await knex(c.table)
      .where(c.action, 'test')
      .orderBy('id', 'desc')
      .offset(TEST_DELIVERIES_KEPT)
      .first('id');
    if (oldest) await knex(c.table).where(c.action, 'test').andWhere('id', '<=', Number(oldest.id)).del();
  }

  return async function recordTest(params: Record<string, unknown>): Promise<StoredDelivery> {
    const now = new Date();
    const c = columns();
    const paramsJson = JSON.stringify(params);
    const history = [{ attempt: 1, at: now.toISOString(), status: 'done', by: processId() }];
    const row: StoredDelivery = {
      id: 0,
      documentId: newDocumentId(),
      eventId: randomUUID(),
      action: 'test',
      params: JSON.parse(paramsJson) as Record<string, unknown>,
      email: null,
      contactKey: null,
      payload: {},
      sealed: null,
      status: 'done',
      attempts: 1,
      history,
    };
    row.mac = sign(row);
    row.id = await insertReturningId(strapi, c.table, {
      [c.documentId]: row.documentId,
      [c.eventId]: row.eventId,
      [c.receivedAt]: now,
      [c.action]: row.action,
      [c.params]: paramsJson,
      [c.email]: null,
      [c.contactKey]: null,
      [c.payload]: '{}',
      [c.sealed]: null,
      [c.mac]: row.mac,
      [c.status]: row.status,
      [c.attempts]: 1,
      [c.history]: JSON.stringify(history),
      [c.result]: JSON.stringify(TEST_RESULT),
      [c.processedAt]: now,
      [c.processedBy]: processId(),
      [c.nextAttemptAt]: now.getTime(),
      [c.createdAt]: now,
      [c.updatedAt]: now,
      [c.publishedAt]: now,
    });
    await pruneTests();
    return row;
  };
}
