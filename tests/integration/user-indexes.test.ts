import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { USER_INDEXES, ensureUserIndexes } from '../../server/src/services/sync/user-indexes';
import { startStrapi, type TestStrapi } from '../helpers/strapi';

interface Statement {
  sql: string;
  bindings: unknown[];
}

/**
 * Each delivery looks its user up by email ignoring case, by its Customerly contact id, and (for a new user) a free
 * username ignoring case. The plugin makes the indexes on LOWER(email) and LOWER(username) at startup (PostgreSQL,
 * SQLite); this checks, on the database the suite runs on, that it plans the very statements the plugin sends
 * through an index, not through a read of the whole users table.
 */
describe('the indexes of the user lookups (real Strapi)', () => {
  let app: TestStrapi;
  before(async () => {
    app = await startStrapi({ logLevel: 'info' });
  });
  after(async () => {
    await app?.stop();
  });

  const kind = () => app.db.kind;
  /** The statements the plugin's user lookups send, as knex sends them. */
  async function lookupStatements(): Promise<Statement[]> {
    const knex = app.strapi.db.connection as unknown as {
      on(ev: 'query', fn: (q: Statement) => void): void;
      off(ev: 'query', fn: (q: Statement) => void): void;
    };
    const seen: Statement[] = [];
    const listen = (q: Statement) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
    knex.on('query', listen);
    try {
      const users = app.strapi.plugin('customerly').service('users');
      await users.findCandidates({ email: 'someone@example.com', crmheroUserId: 'contact-1' }, 'tags');
      await users.freeUsername('Someone@Example.com');
    } finally {
      knex.off('query', listen);
    }
    return seen.filter((s) => /up_users["`]? as/i.test(s.sql) && /where/i.test(s.sql));
  }

  /**
   * The database's plan of a statement, as text (PostgreSQL or SQLite). PostgreSQL is told to avoid a full read
   * whenever it can: with a few users it would rather read the whole table.
   */
  async function plan({ sql, bindings }: Statement): Promise<string> {
    const knex = app.strapi.db.connection;
    const text = sql.replace(/\$\d+/g, '?');
    if (kind() === 'postgres') {
      return knex.transaction(async (trx) => {
        await trx.raw('SET LOCAL enable_seqscan = off');
        const { rows } = (await trx.raw(`EXPLAIN ${text}`, bindings as never)) as { rows: object[] };
        return JSON.stringify(rows);
      });
    }
    const rows = (await knex.raw(`EXPLAIN ${kind() === 'sqlite' ? 'QUERY PLAN ' : ''}${text}`, bindings as never)) as
      object[] | [object[]];
    return JSON.stringify(kind() === 'mysql' ? (rows as [object[]])[0] : rows);
  }

  it('are made at startup, once, and said so in the log', async () => {
    const line = app.output
      .join('')
      .split('\n')
      .find((l) => l.includes('for user lookups'));
    if (kind() === 'mysql') assert.equal(line, undefined, 'none on MariaDB');
    else for (const { name } of USER_INDEXES) assert.ok(line?.includes(name), `${name} in the log: ${line}`);
    // A second start (or a second process) finds them there and makes nothing.
    assert.deepEqual(await ensureUserIndexes(app.strapi), []);
  });

  it('serve the lookups every delivery makes', async () => {
    const statements = await lookupStatements();
    const byEmail = statements.find((s) => /lower\((cast\()?["`]?t0["`]?\.["`]?email/i.test(s.sql));
    const byUsername = statements.find((s) => /lower\((cast\()?["`]?t0["`]?\.["`]?username/i.test(s.sql));
    const byContact = statements.find((s) => /customerly_contact_id["`]? = /i.test(s.sql));
    assert.ok(byEmail && byUsername && byContact, `the three lookups ran: ${JSON.stringify(statements)}`);

    // MariaDB has no index on LOWER(column): the plugin makes none there, and these lookups read the table.
    if (kind() === 'mysql') return;
    // The contact id has the unique index Strapi makes for the attribute.
    assert.match(await plan(byContact), /customerly_contact_id_uq/);
    assert.match(await plan(byEmail), /customerly_up_users_email_lower/);
    assert.match(await plan(byUsername), /customerly_up_users_username_lower/);
  });
});
