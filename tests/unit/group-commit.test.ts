import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import knexFactory, { type Knex } from 'knex';
import { createGroupCommit } from '../../server/src/services/delivery/group-commit';
import { connectionTransaction, type Db } from '../../server/src/services/delivery/connection-transaction';
import type { Knex as AppKnex } from '../../server/src/services/delivery/columns';

/**
 * The intake's group commit on a real (in-memory) SQLite through knex, as Strapi's connection: which works share a
 * transaction, and that a failing work fails only its own caller.
 */
describe('group commit', () => {
  let knex: Knex;
  /** The transactions begun (knex's own BEGIN statements). */
  let begun = 0;

  before(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    await knex.schema.createTable('rows', (t) => {
      t.increments('id');
      t.string('name').unique();
    });
    knex.on('query', (q: { sql: string }) => {
      if (/^begin/i.test(q.sql)) begun++;
    });
  });
  after(() => knex.destroy());
  beforeEach(async () => {
    await knex('rows').delete();
    begun = 0;
  });

  const insert = (name: string) => async (trx: Db) => {
    const [id] = await trx('rows').insert({ name });
    return Number(id);
  };
  const names = async () =>
    ((await knex('rows').orderBy('name').select('name')) as Array<{ name: string }>).map((r) => r.name);
  // As the plugin runs it (delivery/store.ts): each batch in a connection transaction.
  const make = (gatherMs = 60_000) =>
    createGroupCommit((work) => connectionTransaction(knex as unknown as AppKnex, work), { gatherMs, maxBatch: 64 });

  it('requests at the intake together share one transaction, and each is answered once it is committed', async () => {
    const group = make();
    const tickets = ['a', 'b', 'c'].map(() => group.arrive());
    // The first two commit; the batch waits for the third, which is on its way.
    const first = tickets.slice(0, 2).map((t, i) => t.commit(insert(['a', 'b'][i]!)));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await names(), [], 'nothing is committed while a request is still on its way');
    const third = tickets[2]!.commit(insert('c'));
    const ids = await Promise.all([...first, third]);
    assert.equal(new Set(ids).size, 3);
    assert.deepEqual(await names(), ['a', 'b', 'c']);
    assert.equal(begun, 1, 'one transaction for the three');
  });

  it('a request alone is committed at once, without waiting for the gather time', async () => {
    const group = make();
    const id = await group.arrive().commit(insert('alone'));
    assert.ok(id > 0);
    assert.deepEqual(await names(), ['alone']);
  });

  it('a request that leaves (refused) does not hold the others back', async () => {
    const group = make();
    const refused = group.arrive();
    const stored = group.arrive().commit(insert('kept'));
    refused.leave();
    await stored;
    assert.deepEqual(await names(), ['kept']);
    assert.equal(group.expected, 0);
  });

  it('a work that fails fails only its own caller: the others of its batch are stored', async () => {
    await knex('rows').insert({ name: 'taken' });
    begun = 0;
    const group = make();
    const tickets = [group.arrive(), group.arrive(), group.arrive()];
    const results = await Promise.allSettled([
      tickets[0]!.commit(insert('one')),
      tickets[1]!.commit(insert('taken')),
      tickets[2]!.commit(insert('two')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled']
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /UNIQUE/i);
    assert.deepEqual(await names(), ['one', 'taken', 'two']);
  });

  it('requests stored in the same turn of the event loop share a transaction, even with a synchronous driver', async () => {
    const group = make();
    // Each arrives and commits at once (nobody else announced): the batch still waits for the turn to end.
    const ids = await Promise.all(['x', 'y', 'z'].map((n) => group.arrive().commit(insert(n))));
    assert.equal(new Set(ids).size, 3);
    assert.equal(begun, 1);
  });

  it('works that arrive while a batch commits form the next batch', async () => {
    const group = make(0);
    // A slow first batch (as a commit over the network is): the others come while it is in progress.
    const slow = group.arrive().commit(async (trx) => {
      const id = await insert('early')(trx);
      await new Promise((r) => setTimeout(r, 30));
      return id;
    });
    await new Promise((r) => setTimeout(r, 10));
    const late = [group.arrive(), group.arrive()].map((t, i) => t.commit(insert(`late${i}`)));
    await Promise.all([slow, ...late]);
    assert.deepEqual(await names(), ['early', 'late0', 'late1']);
    assert.equal(begun, 2, 'the first alone, the two that came while it committed together');
  });
});
