/**
 * Which failures leave a delivery queued for a retry (isTransient) and which end it. The error shapes are those
 * the drivers throw (node-postgres 8, mysql2 3, better-sqlite3, Node sockets, knex), seen directly or as the
 * `cause` of a wrapping error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors as strapiErrors } from '@strapi/utils';
import {
  CustomerlyAuthError,
  CustomerlyRedirectError,
  CustomerlyResponseError,
  CustomerlyUnavailableError,
} from '../../server/src/customerly';
import { isTransient, retryDelay } from '../../server/src/utils/transient';

const err = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), fields);
/** What node-postgres throws for an error the server reports: a DatabaseError with the SQLSTATE in `code`. */
const pgError = (code: string, message: string) =>
  Object.assign(err(message, { code, severity: 'FATAL' }), { name: 'error' });

const TRANSIENT: Array<[string, Error]> = [
  // PostgreSQL: the server ended or refused the connection.
  [
    '57P01 admin_shutdown (pg_terminate_backend)',
    pgError('57P01', 'terminating connection due to administrator command'),
  ],
  ['57P02 crash_shutdown', pgError('57P02', 'terminating connection because of crash of another server process')],
  ['57P03 cannot_connect_now', pgError('57P03', 'the database system is starting up')],
  ['08006 connection_failure', pgError('08006', 'connection failure')],
  ['08003 connection_does_not_exist', pgError('08003', 'connection does not exist')],
  ['08001 unable to establish a connection', pgError('08001', 'could not connect to server')],
  ['53300 too_many_connections', pgError('53300', 'sorry, too many clients already')],
  // node-postgres without a code.
  [
    'a client that saw a socket error ("not queryable")',
    err('Client has encountered a connection error and is not queryable'),
  ],
  ['"Connection terminated unexpectedly"', err('Connection terminated unexpectedly')],
  ['knex prefixing the SQL to the message', err('BEGIN; - Connection terminated unexpectedly')],
  // Node sockets.
  ['ECONNRESET', err('read ECONNRESET', { code: 'ECONNRESET', errno: -104, syscall: 'read' })],
  ['EPIPE', err('write EPIPE', { code: 'EPIPE', errno: -32, syscall: 'write' })],
  ['ETIMEDOUT', err('connect ETIMEDOUT 10.0.0.1:5432', { code: 'ETIMEDOUT', errno: -110, syscall: 'connect' })],
  [
    'ECONNREFUSED',
    err('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' }),
  ],
  // MySQL / MariaDB (mysql2).
  [
    'PROTOCOL_CONNECTION_LOST',
    err('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
  ],
  ['"Connection lost" without a code', err('Connection lost: The server closed the connection.')],
  [
    'ER_CON_COUNT_ERROR (1040)',
    err('Too many connections', { code: 'ER_CON_COUNT_ERROR', errno: 1040, sqlState: '08004' }),
  ],
  ['errno 1040 alone', err('Too many connections', { errno: 1040 })],
  ['a command on a closed mysql2 connection', err("Can't add new command when connection is in closed state")],
  // What was already transient.
  ['SQLITE_BUSY', err('database is locked', { code: 'SQLITE_BUSY' })],
  ['40P01 deadlock', pgError('40P01', 'deadlock detected')],
  ['40001 serialization failure', pgError('40001', 'could not serialize access due to concurrent update')],
  ['ER_LOCK_DEADLOCK (1213)', err('Deadlock found when trying to get lock', { code: 'ER_LOCK_DEADLOCK', errno: 1213 })],
  ['ER_LOCK_WAIT_TIMEOUT (1205)', err('Lock wait timeout exceeded', { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 })],
  [
    'a full knex pool',
    err('Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?'),
  ],
  ['Customerly unavailable', new CustomerlyUnavailableError('Customerly kept failing GET /users: HTTP 503')],
];

const FINAL: Array<[string, unknown]> = [
  [
    'a PostgreSQL unique violation (23505)',
    pgError('23505', 'duplicate key value violates unique constraint "up_users_email_unique"'),
  ],
  [
    'a MySQL duplicate entry (1062)',
    err("Duplicate entry 'a@b.co' for key 'up_users_email_unique'", { code: 'ER_DUP_ENTRY', errno: 1062 }),
  ],
  ['a SQLite constraint', err('UNIQUE constraint failed: up_users.email', { code: 'SQLITE_CONSTRAINT_UNIQUE' })],
  ['a PostgreSQL integer overflow (22003)', pgError('22003', 'value "99999999999" is out of range for type integer')],
  ['a PostgreSQL authentication failure (28P01)', pgError('28P01', 'password authentication failed for user "strapi"')],
  ['a Strapi validation error', new strapiErrors.ValidationError('email must be a valid email')],
  ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'email')")],
  ['a wrong Customerly token', new CustomerlyAuthError('Access token not found.')],
  ['a Customerly refusal (4xx)', new CustomerlyResponseError('Customerly refused POST /users: HTTP 422', 422)],
  ['a Customerly redirect', new CustomerlyRedirectError('GET /users', 301, 'https://elsewhere.example')],
  ['undefined', undefined],
  ['null', null],
  ['a string', 'ECONNRESET'],
  ['an object without code or message', {}],
];

describe('isTransient: a lost or refused database connection is retried later', () => {
  for (const [what, e] of TRANSIENT) {
    it(`${what}: transient`, () => assert.equal(isTransient(e), true));
    it(`${what}, as the cause of a wrapping error: transient`, () => {
      assert.equal(isTransient(new Error('Update failed', { cause: e })), true);
    });
  }

  it('found three levels down the cause chain', () => {
    const deep = new Error('a', {
      cause: new Error('b', { cause: new Error('c', { cause: pgError('57P01', 'terminating connection') }) }),
    });
    assert.equal(isTransient(deep), true);
  });

  it('found in an AggregateError (a connect to every address of a host failed)', () => {
    const agg = new AggregateError(
      [
        err('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' }),
        err('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
      ],
      ''
    );
    assert.equal(isTransient(agg), true);
  });

  it('the cause chain is walked a few levels only (a cycle or a very deep chain ends the walk)', () => {
    let chain: Error = pgError('57P01', 'terminating connection');
    for (let i = 0; i < 10; i++) chain = new Error(`wrap ${i}`, { cause: chain });
    assert.equal(isTransient(chain), false, 'ten wrappers deep is past the walk');
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    assert.equal(isTransient(a), false, 'a cycle ends');
  });
});

describe('isTransient: what retrying cannot fix ends the delivery', () => {
  for (const [what, e] of FINAL) {
    it(`${what}: final`, () => assert.equal(isTransient(e), false));
  }

  it('a unique violation wrapped in an error about a connection-less thing stays final', () => {
    const wrapped = new Error('Could not create the user', {
      cause: pgError('23505', 'duplicate key value violates unique constraint'),
    });
    assert.equal(isTransient(wrapped), false);
  });
});

describe('retryDelay', () => {
  it('doubles from the base, with jitter between half and all, capped', () => {
    assert.equal(
      retryDelay(1, 1000, 60_000, () => 1),
      1000
    );
    assert.equal(
      retryDelay(1, 1000, 60_000, () => 0),
      500
    );
    assert.equal(
      retryDelay(3, 1000, 60_000, () => 1),
      4000
    );
    assert.equal(
      retryDelay(20, 1000, 60_000, () => 1),
      60_000
    );
  });
});
