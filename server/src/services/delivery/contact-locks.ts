import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { CONTACT_LOCK_UID } from '../../content-types';
import { hasReturning, lazy, tableColumns } from './columns';
import type { Db } from './connection-transaction';

/** How a claim or a contact lock names its holder: the process, then the delivery (see queue.ts). */
export const claimOwner = (processId: string, deliveryId: number) => `${processId}#${deliveryId}`;

/**
 * Contact locks: one row per contact in the contact-lock table (a unique key), so deliveries for one contact never
 * run at the same time, in any process. A request of this process waiting for a contact's turn is woken as soon as
 * the contact is released here; releases by other processes are found by polling (see the webhook service).
 */
export function createContactLocks(strapi: Core.Strapi, processId: string) {
  const knex = () => strapi.db.connection;
  const L = lazy(() => ({
    documentId: 'document_id',
    ...tableColumns(strapi, CONTACT_LOCK_UID, ['contactKey', 'lockedBy', 'lockedUntil'] as const),
  }));

  const waiters = new Map<string, Set<() => void>>();
  const notify = (contactKey: string) => {
    const set = waiters.get(contactKey);
    if (!set) return;
    waiters.delete(contactKey);
    for (const wake of set) wake();
  };

  /**
   * Drops this delivery's lock on the contact, without waking anyone: a claim that did not go through, or a release
   * inside a transaction (then contactReleased wakes them once it commits).
   */
  async function dropLock(contactKey: string, deliveryId: number, db: Db = knex()): Promise<void> {
    const l = L();
    await db(l.table)
      .where({ [l.contactKey]: contactKey, [l.lockedBy]: claimOwner(processId, deliveryId) })
      .delete();
  }

  return {
    /**
     * Holds a contact for one delivery. Takes over a lock whose lease has expired. `db`: a transaction to run in (the
     * claim's: queue.ts).
     */
    async lockContact(contactKey: string, deliveryId: number, leaseMs: number, db: Db = knex()): Promise<boolean> {
      const l = L();
      const owner = claimOwner(processId, deliveryId);
      const now = Date.now();
      const insert = db(l.table)
        .insert({
          [l.contactKey]: contactKey,
          [l.lockedBy]: owner,
          [l.lockedUntil]: now + leaseMs,
          [l.documentId]: `lock-${randomBytes(9).toString('hex')}`,
        })
        .onConflict(l.contactKey)
        .ignore();
      // PostgreSQL and SQLite say whether the row went in (RETURNING gives nothing back on a conflict): the contact
      // was free, and nothing more is read. MySQL has no RETURNING: the lock is read back.
      if (hasReturning(strapi)) {
        const inserted = (await insert.returning(l.lockedBy)) as unknown[];
        if (inserted.length) return true;
      } else await insert;
      const row = await db(l.table).where(l.contactKey, contactKey).first(l.lockedBy, l.lockedUntil);
      if (row?.[l.lockedBy] === owner) return true;
      if (row && Number(row[l.lockedUntil]) < now) {
        const taken = await db(l.table)
          .where(l.contactKey, contactKey)
          .andWhere(l.lockedUntil, '<', now)
          .update({ [l.lockedBy]: owner, [l.lockedUntil]: now + leaseMs });
        return Number(taken) === 1;
      }
      return false;
    },

    dropLock,

    /** Releases the contact once its delivery is done, and wakes the requests of this process waiting for it. */
    async unlockContact(contactKey: string, deliveryId: number): Promise<void> {
      try {
        await dropLock(contactKey, deliveryId);
      } finally {
        notify(contactKey);
      }
    },

    /**
     * Wakes the requests of this process waiting for the contact: after a transaction that dropped its lock
     * (dropLock with that transaction) has committed.
     */
    contactReleased: notify,

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
  };
}
