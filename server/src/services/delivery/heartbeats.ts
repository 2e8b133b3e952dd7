import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { CONTACT_LOCK_UID, DELIVERY_UID, WORKER_PROCESS_UID } from '../../content-types';
import { lazy, tableColumns, type QueryBuilder } from './columns';

/**
 * Heartbeat timing, in ms. A process is stale after three missed beats; every live process looks for stale ones at
 * each of its own beats, so a dead process's work is back in the queue at most staleAfterMs + everyMs after its last
 * beat (20 s). Clocks of the hosts sharing a database must agree to well within staleAfterMs (NTP), as for leases.
 */
export const HEARTBEAT = {
  everyMs: 5_000,
  staleAfterMs: 15_000,
} as const;

/** What a takeover did: the dead process, and how much of its work went back. */
export interface Takeover {
  processId: string;
  lastBeatAt: number;
  requeued: number;
  locksReleased: number;
}

/**
 * Rows of `column` whose value starts with `prefix`, compared exactly (no LIKE wildcards: a host name may hold `_`).
 * The length is a number the plugin computes, written inline as an integer literal so that every database types it
 * the same way.
 */
const startsWith = (q: QueryBuilder, column: string, prefix: string) =>
  q.whereRaw(`substr(??, 1, ${Math.trunc(prefix.length)}) = ?`, [column, prefix]);

/**
 * Heartbeats: every process writes its row in the worker-process table every HEARTBEAT.everyMs, and takes over the
 * claims and contact locks of a process whose heartbeat is older than HEARTBEAT.staleAfterMs.
 */
export function createHeartbeats(strapi: Core.Strapi, processId: string) {
  const knex = () => strapi.db.connection;
  const D = lazy(() =>
    tableColumns(strapi, DELIVERY_UID, ['status', 'lockedBy', 'lockedUntil', 'nextAttemptAt'] as const)
  );
  const L = lazy(() => tableColumns(strapi, CONTACT_LOCK_UID, ['lockedBy'] as const));
  const W = lazy(() =>
    tableColumns(strapi, WORKER_PROCESS_UID, [
      'documentId',
      'processId',
      'hostname',
      'startedAt',
      'heartbeatAt',
      'createdAt',
      'updatedAt',
    ] as const)
  );
  const startedAt = Date.now();
  /** Whether this process has written its heartbeat row at least once (then a missing row means a takeover). */
  let beaten = false;

  return {
    /**
     * Writes this process's heartbeat. Returns false when the row had been removed by another process, which took
     * this process for dead (its claims went back to the queue): the caller warns, the row is written again.
     */
    async beat(): Promise<boolean> {
      const w = W();
      const now = Date.now();
      const updated = Number(
        await knex()(w.table)
          .where(w.processId, processId)
          .update({ [w.heartbeatAt]: now })
      );
      if (updated > 0) return true;
      await knex()(w.table)
        .insert({
          [w.documentId]: `proc-${randomBytes(9).toString('hex')}`,
          [w.processId]: processId,
          [w.hostname]: hostname().slice(0, 255),
          [w.startedAt]: startedAt,
          [w.heartbeatAt]: now,
          [w.createdAt]: new Date(now),
          [w.updatedAt]: new Date(now),
        })
        .onConflict(w.processId)
        .merge([w.heartbeatAt]);
      const wasTakenOver = beaten;
      beaten = true;
      return !wasTakenOver;
    },

    /** Removes this process's heartbeat row (on a clean shutdown, once the deliveries in hand are finished). */
    async forgetProcess(): Promise<void> {
      const w = W();
      await knex()(w.table).where(w.processId, processId).delete();
      beaten = false;
    },

    /**
     * Takes over the work of every process whose heartbeat is older than `staleAfterMs`: its deliveries in
     * processing go back to the queue (due now, attempts kept), its contact locks are released, and its heartbeat
     * row is removed. Safe when several live processes do it at once: each statement is conditional on the dead
     * process's own claims (lockedBy prefix) or its stale heartbeat, so a second taker changes nothing, and a claim
     * made meanwhile by a live process is never touched.
     */
    async takeOverStale(staleAfterMs: number = HEARTBEAT.staleAfterMs): Promise<Takeover[]> {
      const w = W();
      const d = D();
      const l = L();
      const now = Date.now();
      const cutoff = now - staleAfterMs;
      const stale: Array<Record<string, unknown>> = await knex()(w.table)
        .where(w.heartbeatAt, '<', cutoff)
        .andWhereNot(w.processId, processId)
        .select(w.processId, w.heartbeatAt);
      const out: Takeover[] = [];
      for (const row of stale) {
        const dead = String(row[w.processId]);
        const prefix = `${dead}#`;
        const requeued = Number(
          await startsWith(knex()(d.table).where(d.status, 'processing'), d.lockedBy, prefix).update({
            [d.status]: 'queued',
            [d.lockedBy]: null,
            [d.lockedUntil]: null,
            [d.nextAttemptAt]: now,
          })
        );
        const locksReleased = Number(await startsWith(knex()(l.table), l.lockedBy, prefix).delete());
        // Only if it is still stale: a process that was only slow and beat again keeps its row.
        await knex()(w.table).where(w.processId, dead).andWhere(w.heartbeatAt, '<', cutoff).delete();
        out.push({ processId: dead, lastBeatAt: Number(row[w.heartbeatAt]), requeued, locksReleased });
      }
      return out;
    },
  };
}
