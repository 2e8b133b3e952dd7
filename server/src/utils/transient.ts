import { CustomerlyUnavailableError } from '../customerly/errors';

/**
 * Database and network error codes that go away when tried again: busy, locked, deadlock, serialization, pool
 * exhaustion, and a lost connection (the pool opens a new one for the next try).
 */
const TRANSIENT_CODES = new Set([
  // SQLite
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  // PostgreSQL (SQLSTATE)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57P01', // admin_shutdown: pg_terminate_backend, a restart
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting or in recovery
  '53300', // too_many_connections
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  // MySQL / MariaDB (mysql2)
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CON_COUNT_ERROR', // too many connections
  'ER_SERVER_SHUTDOWN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  // Node sockets
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/** MySQL error numbers: 1205 lock wait timeout, 1213 deadlock, 1040 too many connections, 1053 server shutdown. */
const TRANSIENT_ERRNOS = new Set([1205, 1213, 1040, 1053]);

/**
 * Messages of the same failures where the driver gives no code. node-postgres marks a client that saw a socket
 * error "not queryable" and fails every later query on it with that message and no code; "Connection terminated"
 * is its message when the server closed the socket; mysql2 says "Connection lost" or refuses to queue on a closed
 * connection. knex says "Transaction query already complete" when a query reaches a transaction that was already
 * rolled back: Strapi's entity validator runs several queries at once inside the document service's transaction, so
 * when one of them loses the connection and the transaction is rolled back, the others get this message (seen in
 * tests/integration/db-connection-loss.test.ts). A plugin bug would give it too, but then every retry fails the same
 * way and the delivery still ends failed after queue.maxAttempts.
 */
const TRANSIENT_MESSAGES =
  /Timeout acquiring a connection|database is locked|deadlock|Client has encountered a connection error and is not queryable|Connection terminated|terminating connection due to administrator command|server closed the connection unexpectedly|Connection lost: The server closed the connection|Can't add new command when connection is in closed state|Transaction query already complete/i;

/** How deep the `cause` chain (and an AggregateError's `errors`) is searched: drivers and knex wrap a few levels. */
const MAX_DEPTH = 5;

type ErrorLike = { code?: unknown; errno?: unknown; message?: unknown; cause?: unknown; errors?: unknown };

function transientHere(err: ErrorLike): boolean {
  if (typeof err.code === 'string' && TRANSIENT_CODES.has(err.code)) return true;
  if (typeof err.errno === 'number' && TRANSIENT_ERRNOS.has(err.errno)) return true;
  return typeof err.message === 'string' && TRANSIENT_MESSAGES.test(err.message);
}

function search(e: unknown, depth: number, seen: Set<unknown>): boolean {
  if (e instanceof CustomerlyUnavailableError) return true;
  if (!e || typeof e !== 'object' || seen.has(e) || depth > MAX_DEPTH) return false;
  seen.add(e);
  const err = e as ErrorLike;
  if (transientHere(err)) return true;
  if (search(err.cause, depth + 1, seen)) return true;
  return Array.isArray(err.errors) && err.errors.slice(0, 10).some((inner) => search(inner, depth + 1, seen));
}

/**
 * Whether a failure is worth retrying later (the delivery stays queued) rather than final. The error itself, the
 * errors in its `cause` chain and an AggregateError's `errors` are looked at, a few levels deep. A constraint
 * violation, a validation error or a Customerly refusal is final.
 */
export function isTransient(e: unknown): boolean {
  return search(e, 0, new Set());
}

/** Exponential backoff with jitter for queue retries: base, 2×base, 4×base, ... capped. */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}
