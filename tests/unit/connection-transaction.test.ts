import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import knexFactory, { type Knex } from 'knex';
import type { Knex as AppKnex } from '../../server/src/services/delivery/columns';
import { connectionTransaction, type Db } from '../../server/src/services/delivery/connection-transaction';

/**
 * The queue's light transactions (plain BEGIN / COMMIT / ROLLBACK on one pooled connection) on a real in-memory
 * SQLite through knex, whose pool has one connection, as Strapi's SQLite has: what is committed, what is rolled back,
 * and that the connection always goes back to the pool.
 */
describe('connection transaction', () => {
  let knex: Knex;
  const statements: string[] = [];

  before(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    await knex.schema.createTable('rows', (t) => {
      t.increments('id');
      t.string('name').unique();
      t.integer('n').defaultTo(0);
    });
    knex.on('query', (q: { sql: string }) => statements.push(q.sql));
  });
  after(() => knex.destroy());
  beforeEach(async () => {
    await knex('rows').delete();
    statements.length = 0;
  });

  const run = <T>(work: (db: Db) => Promise<T>) => connectionTransaction(knex as unknown as AppKnex, work);
  const names = async () =>
    ((await knex('rows').orderBy('name').select('name')) as Array<{ name: string }>).map((r) => r.name);

  it('commits the statements of the work together and answers what the work answers', async () => {
    const answer = await run(async (db) => {
      await db('rows').insert({ name: 'a' });
      await db('rows').insert({ name: 'b' });
      return db('rows')
        .where('name', 'a')
        .update({ n: db.raw('?? + 1', ['n']) });
    });
    assert.equal(Number(answer), 1);
    assert.deepEqual(await names(), ['a', 'b']);
    assert.equal((await knex('rows').where('name', 'a').first('n')).n, 1, 'db.raw builds an expression in a statement');
    assert.deepEqual(
      statements.filter((s) => /^(begin|commit|rollback)/i.test(s)),
      ['BEGIN;', 'COMMIT;']
    );
  });

  it('rolls everything back when the work fails, and throws the work’s error', async () => {
    await knex('rows').insert({ name: 'taken' });
    await assert.rejects(
      run(async (db) => {
        await db('rows').insert({ name: 'new' });
        await db('rows').insert({ name: 'taken' });
      }),
      /UNIQUE/i
    );
    assert.deepEqual(await names(), ['taken'], 'the first insert is rolled back with the transaction');
    assert.ok(statements.some((s) => /^rollback/i.test(s)));
  });

  it('gives the connection back to the pool every time, after a commit or a failure', async () => {
    // The pool has one connection: a transaction that kept it would make the next statement wait for ever.
    for (let i = 0; i < 20; i++) {
      await run((db) => db('rows').insert({ name: `r${i}` }));
      await run(async () => {
        throw new Error('refused');
      }).catch(() => undefined);
    }
    const count = await Promise.race([
      knex('rows').count({ c: '*' }).first(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the connection was not given back')), 2000)),
    ]);
    assert.equal(Number((count as { c: number }).c), 20);
  });

  it('leaves no transaction open on the connection after a failure (the next statement is not inside one)', async () => {
    await run(async (db) => {
      await db('rows').insert({ name: 'lost' });
      throw new Error('refused');
    }).catch(() => undefined);
    // A statement outside any transaction is committed by itself: it is there even if another transaction rolls back.
    await knex('rows').insert({ name: 'kept' });
    await run(async () => {
      throw new Error('refused again');
    }).catch(() => undefined);
    assert.deepEqual(await names(), ['kept']);
  });
});
