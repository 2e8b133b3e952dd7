import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { CONTACT_LOCK_UID } from '../../content-types';
import { lazy, tableColumns } from './columns';

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

  return {
    /** Holds a contact for one delivery. Takes over a lock whose lease has expired. */
    async lockContact(contactKey: string, deliveryId: number, leaseMs: number): Promise<boolean> {
      const l = L();
      const owner = claimOwner(processId, deliveryId);
      const now = Date.now();
      await knex()(l.table)
        .insert({
          [l.contactKey]: contactKey,
          [l.lockedBy]: owner,
          [l.lockedUntil]: now + leaseMs,
          [l.documentId]: `lock-${randomBytes(9).toString('hex')}`,
        })
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

    /** Drops this delivery's lock on the contact, without waking anyone (a claim that did not go through). */
    async dropLock(contactKey: string, deliveryId: number): Promise<void> {
      const l = L();
      await knex()(l.table)
        .where({ [l.contactKey]: contactKey, [l.lockedBy]: claimOwner(processId, deliveryId) })
        .delete();
    },

    /** Releases the contact once its delivery is done, and wakes the requests of this process waiting for it. */
    async unlockContact(contactKey: string, deliveryId: number): Promise<void> {
      const l = L();
      try {
        await knex()(l.table)
          .where({ [l.contactKey]: contactKey, [l.lockedBy]: claimOwner(processId, deliveryId) })
          .delete();
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
  };
}
