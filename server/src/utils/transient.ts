import { CustomerlyUnavailableError } from '../customerly/errors';

/** Database errors that go away when tried again: busy, locked, deadlock, serialization, pool exhaustion. */
const TRANSIENT_DB_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  '40001', // PostgreSQL serialization_failure
  '40P01', // PostgreSQL deadlock_detected
  '55P03', // PostgreSQL lock_not_available
  '57P01', // PostgreSQL admin_shutdown
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'PROTOCOL_CONNECTION_LOST',
]);

/** Whether a failure is worth retrying later (the delivery stays queued) rather than final. */
export function isTransient(e: unknown): boolean {
  if (e instanceof CustomerlyUnavailableError) return true;
  const err = e as { code?: string; errno?: number; message?: string } | undefined;
  if (!err) return false;
  if (err.code && TRANSIENT_DB_CODES.has(err.code)) return true;
  if (err.errno === 1213 || err.errno === 1205) return true;
  return /Timeout acquiring a connection|database is locked|deadlock/i.test(err.message ?? '');
}

/** Exponential backoff with jitter for queue retries: base, 2×base, 4×base, ... capped. */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}
