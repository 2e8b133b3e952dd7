import type { Core } from '@strapi/strapi';
import { getService } from '../../utils/get-service';
import { OUTBOUND_BATCH_SIZE } from '../../../../shared/contracts/outbound';
import { lazy, queueColumns } from '../delivery/columns';
import { claimOwner } from '../delivery/contact-locks';
import { connectionTransaction, type Db } from '../delivery/connection-transaction';
import { isTransient } from '../../utils/transient';
import type { QueueRow } from '../delivery/queue';
import { PENDING_STATUSES } from '../delivery/types';

/**
 * Batching and coalescing of outbound upserts. The worker claims one delivery at a time (queue.tryClaim: its
 * contact's turn, the contact lock). When it is an outbound upsert, the sender takes with it:
 *  - its followers: the upserts of the same contact queued right after it, with no other delivery of the contact
 *    between them (an inbound delivery or a tag change keeps its place). They are claimed under the first one's
 *    contact lock and answered by the same entry, since the user is read when it is sent;
 *  - other contacts' due outbound upserts, each claimed as the worker claims (queue.tryClaim), up to 50 entries.
 */
export function createOutboundClaims(strapi: Core.Strapi) {
  const knex = () => strapi.db.connection;
  const D = lazy(() => queueColumns(strapi));
  const queue = () => getService(strapi, 'queue');

  return {
    /** Claims the upserts of `row`'s contact that directly follow it (see above). Their ids. */
    async claimFollowers(row: QueueRow, leaseMs: number): Promise<number[]> {
      if (!row.contactKey) return [];
      const d = D();
      const pending: Array<Record<string, unknown>> = await knex()(d.table)
        .where(d.contactKey, row.contactKey)
        .andWhere(d.id, '>', row.id)
        .whereIn(d.status, [...PENDING_STATUSES])
        .orderBy(d.id, 'asc')
        .limit(OUTBOUND_BATCH_SIZE)
        .select(d.id, d.action, d.direction, d.status);
      const ids: number[] = [];
      for (const p of pending) {
        if (p[d.action] !== 'upsert' || p[d.direction] !== 'outbound' || p[d.status] !== 'queued') break;
        ids.push(Number(p[d.id]));
      }
      if (!ids.length) return [];
      const now = Date.now();
      await knex()(d.table)
        .whereIn(d.id, ids)
        .andWhere(d.status, 'queued')
        .update({
          [d.status]: 'processing',
          [d.lockedBy]: claimOwner(queue().processId, row.id),
          [d.lockedUntil]: now + leaseMs,
          [d.attempts]: knex().raw('?? + 1', [d.attempts]),
        });
      // Only those that were still queued are ours (another process may not claim them: the contact is locked).
      const mine: Array<Record<string, unknown>> = await knex()(d.table)
        .whereIn(d.id, ids)
        .andWhere(d.lockedBy, claimOwner(queue().processId, row.id))
        .select(d.id);
      return mine.map((r) => Number(r[d.id]));
    },

    /**
     * Claims up to `max` more due outbound upserts of other contacts (none of `taken`), each in its contact's turn
     * and under its contact's lock, as the worker does. Their queue rows.
     */
    async claimBatch(taken: Set<string>, max: number, leaseMs: number): Promise<QueueRow[]> {
      if (max <= 0) return [];
      const d = D();
      const due: Array<Record<string, unknown>> = await knex()(d.table)
        .where(d.status, 'queued')
        .andWhere(d.direction, 'outbound')
        .andWhere(d.action, 'upsert')
        .andWhere(d.nextAttemptAt, '<=', Date.now())
        .orderBy(d.id, 'asc')
        .limit(max * 3)
        .select(d.id, d.contactKey, d.attempts);
      // Every claim of the batch in one transaction: one commit for up to 50 claims and their locks.
      const claimAll = async (trx: Db): Promise<QueueRow[]> => {
        const claimed: QueueRow[] = [];
        const contacts = new Set(taken);
        for (const r of due) {
          if (claimed.length >= max) break;
          const row: QueueRow = {
            id: Number(r[d.id]),
            contactKey: (r[d.contactKey] as string | null) ?? null,
            attempts: Number(r[d.attempts]),
          };
          if (!row.contactKey || contacts.has(row.contactKey)) continue;
          if (!(await queue().claimIn(trx, row, leaseMs))) continue;
          contacts.add(row.contactKey);
          claimed.push(row);
        }
        return claimed;
      };
      let claimed: QueueRow[];
      try {
        claimed = await connectionTransaction(knex(), claimAll);
      } catch (e) {
        // A deadlock or a busy database: none of them claimed (the transaction rolled back); they wait their turn.
        if (isTransient(e)) return [];
        throw e;
      }
      for (const row of claimed) taken.add(row.contactKey!);
      return claimed;
    },
  };
}
