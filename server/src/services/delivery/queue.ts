import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { DELIVERY_UID } from '../../content-types';
import { isTransient } from '../../utils/transient';
import { canReadUpdatedTable, lazy, queueColumns, type QueryBuilder } from './columns';
import { connectionTransaction, type Db } from './connection-transaction';
import { claimOwner, createContactLocks } from './contact-locks';
import { createHeartbeats } from './heartbeats';
import { FINAL_STATUSES, PENDING_STATUSES } from './types';

export { HEARTBEAT, type Takeover } from './heartbeats';

/**
 * The durable queue, on the app's own database (SQLite, PostgreSQL or MySQL/MariaDB), shared by every Strapi
 * process that uses it. No other coordination service is needed:
 *  - a delivery is claimed with a conditional UPDATE (only one process can move it from queued to processing),
 *    with a lease, so a claim left by a dead process is taken over when the lease expires;
 *  - a contact is held by one row in the contact-lock table (a unique key), so deliveries for one contact never
 *    run at the same time, in any process (contact-locks.ts);
 *  - a delivery is only claimed when no earlier delivery for its contact is still queued or processing, so each
 *    contact's deliveries run in arrival order (the delivery id);
 *  - every process writes a heartbeat row (customerly_worker_processes) every HEARTBEAT.everyMs; a live process
 *    takes over the claims and contact locks of a process whose heartbeat is older than HEARTBEAT.staleAfterMs,
 *    so a crash costs at most staleAfterMs + everyMs, whatever leaseMs is (heartbeats.ts). The lease stays as the
 *    last resort for a claim whose process has no heartbeat row.
 *
 * Claims and locks are written `${processId}#${deliveryId}` (lockedBy), so the work of one process is found by the
 * prefix `${processId}#`.
 */

export interface QueueRow {
  id: number;
  contactKey: string | null;
  attempts: number;
  /** As `due()` reads it: the worker lets one outbound upsert at a time batch the others (services/outbound). */
  action?: string;
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** This process, as it appears in lockedBy. */
  const processId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  const knex = () => strapi.db.connection;
  const D = lazy(() => queueColumns(strapi));
  const locks = createContactLocks(strapi, processId);
  const heartbeats = createHeartbeats(strapi, processId);

  /** The earlier deliveries of the row's contact that still wait or run (then this one must wait its turn). */
  const earlierPending = (db: Db, row: QueueRow & { contactKey: string }, alias = D().table) => {
    const d = D();
    return db(alias === d.table ? d.table : `${d.table} as ${alias}`)
      .where(`${alias}.${d.contactKey}`, row.contactKey)
      .andWhere(`${alias}.${d.id}`, '<', row.id)
      .whereIn(`${alias}.${d.status}`, [...PENDING_STATUSES]);
  };

  /** Whether an earlier delivery of the same contact still waits or runs (then this one must wait its turn). */
  async function hasEarlierPending(row: QueueRow, db: Db = knex()): Promise<boolean> {
    if (!row.contactKey) return false;
    const earlier = await earlierPending(db, { ...row, contactKey: row.contactKey }).first(D().id);
    return !!earlier;
  }

  /**
   * The claim's statements, in the caller's transaction `db` (tryClaim's own, or the intake's: the delivery stored
   * already claimed). Short, with no other await in between: on SQLite the transaction holds the only connection.
   */
  async function claimIn(db: Db, row: QueueRow, leaseMs: number): Promise<boolean> {
    const d = D();
    // The lock first: a write, so that SQLite takes its write lock at the start of the transaction (a transaction
    // that reads first and then writes fails at once with SQLITE_BUSY when another process writes meanwhile), and
    // the earlier deliveries are then read while no other claim of the contact can start.
    if (row.contactKey && !(await locks.lockContact(row.contactKey, row.id, leaseMs, db))) return false;
    // The earlier deliveries: read by the claim's UPDATE itself where the database allows it (one statement fewer
    // per claim), else first (MySQL, MariaDB).
    const key = row.contactKey;
    const readsEarlier = key !== null && canReadUpdatedTable(strapi);
    if (!readsEarlier && (await hasEarlierPending(row, db))) {
      if (row.contactKey) await locks.dropLock(row.contactKey, row.id, db);
      return false;
    }
    const now = Date.now();
    const claim = db(d.table)
      .where(d.id, row.id)
      .andWhere((q: QueryBuilder) =>
        q
          .where(d.status, 'queued')
          .orWhere((q2: QueryBuilder) => q2.where(d.status, 'processing').andWhere(d.lockedUntil, '<', now))
      );
    if (readsEarlier) claim.whereNotExists(earlierPending(db, { ...row, contactKey: key }, 'earlier'));
    const claimed = await claim.update({
      [d.status]: 'processing',
      [d.lockedBy]: claimOwner(processId, row.id),
      [d.lockedUntil]: now + leaseMs,
      [d.attempts]: db.raw('?? + 1', [d.attempts]),
    });
    if (Number(claimed) === 1) return true;
    if (row.contactKey) await locks.dropLock(row.contactKey, row.id, db);
    return false;
  }

  return {
    processId,
    ...locks,
    ...heartbeats,
    hasEarlierPending,

    /**
     * Claims one delivery for this process if it is its turn: no earlier delivery of its contact pending, the
     * contact free, and the delivery still queued (or its claim expired). Returns false when another process
     * has it or it must wait. One transaction, so one commit: the contact's lock and the claim are written together
     * (claimIn), and a claim that does not go through leaves nothing behind. A connection transaction, not a knex
     * one: the worker claims once per delivery (connection-transaction.ts).
     */
    async tryClaim(row: QueueRow, leaseMs: number): Promise<boolean> {
      try {
        return await connectionTransaction(knex(), (db) => claimIn(db, row, leaseMs));
      } catch (e) {
        // A deadlock or busy database while claiming only means "not now": the caller tries again later.
        if (isTransient(e)) return false;
        throw e;
      }
    },

    claimIn,

    /** Due deliveries in arrival order, oldest first. */
    async due(limit: number): Promise<QueueRow[]> {
      const d = D();
      const rows: Array<Record<string, unknown>> = await knex()(d.table)
        .where(d.status, 'queued')
        .andWhere(d.nextAttemptAt, '<=', Date.now())
        .orderBy(d.id, 'asc')
        .limit(limit)
        .select(d.id, d.contactKey, d.attempts, d.action);
      return rows.map((r) => ({
        id: Number(r[d.id]),
        contactKey: (r[d.contactKey] as string | null) ?? null,
        attempts: Number(r[d.attempts]),
        action: r[d.action] as string,
      }));
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

    /** Makes a queued delivery due at `at` (ms). */
    async reschedule(id: number, at: number): Promise<void> {
      const d = D();
      await knex()(d.table)
        .where(d.id, id)
        .andWhere(d.status, 'queued')
        .update({ [d.nextAttemptAt]: at });
    },

    /** Deletes finished deliveries received before the retention window. */
    async prune(retentionDays: number): Promise<number> {
      const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
      const { count } = await strapi.db
        .query(DELIVERY_UID)
        .deleteMany({ where: { status: { $in: [...FINAL_STATUSES] }, receivedAt: { $lt: cutoff } } });
      return count;
    },
  };
};
