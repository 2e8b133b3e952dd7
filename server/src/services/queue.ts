import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { CONTACT_LOCK_UID, DELIVERY_UID, WORKER_PROCESS_UID } from '../content-types';
import { isTransient } from '../utils/transient';
import { lazy, tableColumns } from '../utils/columns';

/**
 * The durable queue, on the app's own database (SQLite, PostgreSQL or MySQL/MariaDB), shared by every Strapi
 * process that uses it. No other coordination service is needed:
 *  - a delivery is claimed with a conditional UPDATE (only one process can move it from queued to processing),
 *    with a lease, so a claim left by a dead process is taken over when the lease expires;
 *  - a contact is held by one row in the contact-lock table (a unique key), so deliveries for one contact never
 *    run at the same time, in any process;
 *  - a delivery is only claimed when no earlier delivery for its contact is still queued or processing, so each
 *    contact's deliveries run in arrival order (the delivery id);
 *  - every process writes a heartbeat row (customerly_worker_processes) every HEARTBEAT.everyMs; a live process
 *    takes over the claims and contact locks of a process whose heartbeat is older than HEARTBEAT.staleAfterMs,
 *    so a crash costs at most staleAfterMs + everyMs, whatever leaseMs is. The lease stays as the last resort for a
 *    claim whose process has no heartbeat row.
 *
 * Claims and locks are written `${processId}#${deliveryId}` (lockedBy), so the work of one process is found by the
 * prefix `${processId}#`.
 */

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

export interface QueueRow {
  id: number;
  contactKey: string | null;
  attempts: number;
}

const FINAL = ['done', 'skipped', 'failed'];

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** This process, as it appears in lockedBy. */
  const processId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  const knex = () => strapi.db.connection;
  const D = lazy(() => ({
    id: 'id',
    ...tableColumns(strapi, DELIVERY_UID, ['status', 'contactKey', 'attempts', 'nextAttemptAt', 'lockedBy', 'lockedUntil'] as const),
  }));
  const L = lazy(() => ({
    documentId: 'document_id',
    ...tableColumns(strapi, CONTACT_LOCK_UID, ['contactKey', 'lockedBy', 'lockedUntil'] as const),
  }));
  const W = lazy(() =>
    tableColumns(strapi, WORKER_PROCESS_UID, ['documentId', 'processId', 'hostname', 'startedAt', 'heartbeatAt', 'createdAt', 'updatedAt'] as const)
  );

  const lockOwner = (deliveryId: number) => `${processId}#${deliveryId}`;
  /**
   * Rows of `column` whose value starts with `prefix`, compared exactly (no LIKE wildcards: a host name may hold
   * `_`). The length is a number the plugin computes, written inline as an integer literal so that every database
   * types it the same way.
   */
  const startsWith = (q: any, column: string, prefix: string) =>
    q.whereRaw(`substr(??, 1, ${Math.trunc(prefix.length)}) = ?`, [column, prefix]);

  const startedAt = Date.now();
  /** Whether this process has written its heartbeat row at least once (then a missing row means a takeover). */
  let beaten = false;

  /** Requests of this process waiting for a contact's turn, woken as soon as the contact is released here. */
  const waiters = new Map<string, Set<() => void>>();
  const notify = (contactKey: string) => {
    const set = waiters.get(contactKey);
    if (!set) return;
    waiters.delete(contactKey);
    for (const wake of set) wake();
  };

  return {
    processId,

    /** Holds a contact for one delivery. Takes over a lock whose lease has expired. */
    async lockContact(contactKey: string, deliveryId: number, leaseMs: number): Promise<boolean> {
      const l = L();
      const owner = lockOwner(deliveryId);
      const now = Date.now();
      await knex()(l.table)
        .insert({ [l.contactKey]: contactKey, [l.lockedBy]: owner, [l.lockedUntil]: now + leaseMs, [l.documentId]: `lock-${randomBytes(9).toString('hex')}` })
        .onConflict(l.contactKey)
        .ignore();
      const row = await knex()(l.table).where(l.contactKey, contactKey).first(l.lockedBy, l.lockedUntil);
      if (row?.[l.lockedBy] === owner) return true;
      if (row && Number(row[l.lockedUntil]) < now) {
        const taken = await knex()(l.table)
          .where(l.contactKey, contactKey)
          .andWhere(l.lockedUntil, '<', now)
          .update({ [l.lockedBy]: owner, [l.lockedUntil]: now + leaseMs });
        return Number(taken) === 1;
      }
      return false;
    },

    async unlockContact(contactKey: string, deliveryId: number): Promise<void> {
      const l = L();
      try {
        await knex()(l.table).where({ [l.contactKey]: contactKey, [l.lockedBy]: lockOwner(deliveryId) }).delete();
      } finally {
        notify(contactKey);
      }
    },

    /** Resolves when this process releases the contact, or after `ms` (another process may release it). */
    waitForContact(contactKey: string, ms: number): Promise<void> {
      return new Promise((resolve) => {
        const set = waiters.get(contactKey) ?? new Set<() => void>();
        waiters.set(contactKey, set);
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        set.add(done);
      });
    },

    /** Whether an earlier delivery of the same contact still waits or runs (then this one must wait its turn). */
    async hasEarlierPending(row: QueueRow): Promise<boolean> {
      if (!row.contactKey) return false;
      const d = D();
      const earlier = await knex()(d.table)
        .where(d.contactKey, row.contactKey)
        .andWhere(d.id, '<', row.id)
        .whereIn(d.status, ['queued', 'processing'])
        .first(d.id);
      return !!earlier;
    },

    /**
     * Claims one delivery for this process if it is its turn: no earlier delivery of its contact pending, the
     * contact free, and the delivery still queued (or its claim expired). Returns false when another process
     * has it or it must wait.
     */
    async tryClaim(row: QueueRow, leaseMs: number): Promise<boolean> {
      if (await this.hasEarlierPending(row)) return false;
      const d = D();
      const l = L();
      try {
        // Plain statements, not a transaction: on SQLite (one connection) a transaction held across awaits stalls
        // every other query of the process.
        if (row.contactKey && !(await this.lockContact(row.contactKey, row.id, leaseMs))) return false;
        const now = Date.now();
        const claimed = await knex()(d.table)
          .where(d.id, row.id)
          .andWhere((q: any) =>
            q.where(d.status, 'queued').orWhere((q2: any) => q2.where(d.status, 'processing').andWhere(d.lockedUntil, '<', now))
          )
          .update({
            [d.status]: 'processing',
            [d.lockedBy]: lockOwner(row.id),
            [d.lockedUntil]: now + leaseMs,
            [d.attempts]: knex().raw('?? + 1', [d.attempts]),
          });
        if (Number(claimed) === 1) return true;
        if (row.contactKey) await knex()(l.table).where({ [l.contactKey]: row.contactKey, [l.lockedBy]: lockOwner(row.id) }).delete();
        return false;
      } catch (e) {
        // A deadlock or busy database while claiming only means "not now": the caller tries again later.
        if (isTransient(e)) return false;
        throw e;
      }
    },

    /** Due deliveries in arrival order, oldest first. */
    async due(limit: number): Promise<QueueRow[]> {
      const d = D();
      const rows = await knex()(d.table)
        .where(d.status, 'queued')
        .andWhere(d.nextAttemptAt, '<=', Date.now())
        .orderBy(d.id, 'asc')
        .limit(limit)
        .select(d.id, d.contactKey, d.attempts);
      return rows.map((r: any) => ({ id: Number(r[d.id]), contactKey: r[d.contactKey], attempts: Number(r[d.attempts]) }));
    },

    /** Puts back in the queue the deliveries whose claim expired (their process died). */
    async requeueExpired(): Promise<number> {
      const d = D();
      return Number(
        await knex()(d.table)
          .where(d.status, 'processing')
          .andWhere(d.lockedUntil, '<', Date.now())
          .update({ [d.status]: 'queued', [d.lockedBy]: null, [d.nextAttemptAt]: Date.now() })
      );
    },

    /**
     * Writes this process's heartbeat. Returns false when the row had been removed by another process, which took
     * this process for dead (its claims went back to the queue): the caller warns, the row is written again.
     */
    async beat(): Promise<boolean> {
      const w = W();
      const now = Date.now();
      const updated = Number(await knex()(w.table).where(w.processId, processId).update({ [w.heartbeatAt]: now }));
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

    /** Makes a queued delivery due at `at` (ms). */
    async reschedule(id: number, at: number): Promise<void> {
      const d = D();
      await knex()(d.table).where(d.id, id).andWhere(d.status, 'queued').update({ [d.nextAttemptAt]: at });
    },

    /** Deletes finished deliveries received before the retention window. */
    async prune(retentionDays: number): Promise<number> {
      const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
      const { count } = await strapi.db
        .query(DELIVERY_UID as any)
        .deleteMany({ where: { status: { $in: FINAL }, receivedAt: { $lt: cutoff } } });
      return count;
    },
  };
};
