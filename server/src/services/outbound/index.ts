import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { USER_UID } from '../../content-types';
import { CustomerlyResponseError, type CustomerlyClient } from '../../customerly';
import { getService } from '../../utils/get-service';
import { includes } from '../../constants';
import { OUTBOUND_ACTIONS, OUTBOUND_BATCH_SIZE, type OutboundAction } from '../../../../shared/contracts/outbound';
import type { WebhookAnswer } from '../webhook/answers';
import { connectionTransaction, type Db } from '../delivery/connection-transaction';
import type { QueueRow } from '../delivery/queue';
import type { StoredDelivery } from '../delivery/store';
import { createOutboundClaims } from './claim';
import { outboundRows, userEntry, watchedAttributes, type CustomerlyUserEntry } from './mapping';

export const isOutboundAction = (action: string): action is OutboundAction => includes(OUTBOUND_ACTIONS, action);

/** A claimed outbound delivery, and the upserts of its contact answered with it (claim.ts). */
interface Item {
  row: QueueRow;
  delivery: StoredDelivery;
  followers: StoredDelivery[];
}

/** `userId`: the user to link the delivery to (an upsert that found it; a deleted user cannot be linked). */
type Outcome =
  | { ok: true; status: 'done' | 'skipped'; result: Record<string, unknown>; userId?: number }
  | { ok: false; error: unknown };

class NoTokenError extends CustomerlyResponseError {
  constructor() {
    super('No Customerly API token is set: outbound deliveries need one (Settings → Customerly)', 0);
  }
}

const userIdOf = (d: StoredDelivery): number => Number((d.params as { userId?: unknown } | null)?.userId);
const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Sends outbound deliveries (service `outbound`), called by the runner for a delivery whose action is an outbound
 * one. Upserts go in batches (up to 50 users a `POST /users`, several upserts of one user as one entry, the user
 * read as it is now); tag changes go through `POST /tags` (`untag: true` for a removal); a deletion through
 * `DELETE /users?email=`. Each delivery's outcome is recorded as the runner records any (retries with back-off,
 * `failed` after queue.maxAttempts), and every contact lock taken is released.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const claims = createOutboundClaims(strapi);
  const record = () => getService(strapi, 'delivery-record');
  const runner = () => getService(strapi, 'runner');
  const queue = () => getService(strapi, 'queue');

  async function load(ids: number[]): Promise<StoredDelivery[]> {
    const out: StoredDelivery[] = [];
    for (const id of ids) {
      const d = await record().findById(id);
      if (d) out.push(d);
    }
    return out;
  }

  /** `POST /users` for the upserts: one entry per user, as the user is now. */
  async function upsert(
    items: Item[],
    settings: PluginConfig,
    client: CustomerlyClient
  ): Promise<Map<number, Outcome>> {
    const outcomes = new Map<number, Outcome>();
    const ids = [...new Set(items.map((i) => userIdOf(i.delivery)).filter(Number.isFinite))];
    const attributes = watchedAttributes(settings.fieldMapping).filter(
      (a) => a in strapi.contentType(USER_UID).attributes
    );
    const users = ids.length
      ? ((await strapi.db.query(USER_UID).findMany({
          where: { id: { $in: ids } },
          select: ['id', 'documentId', ...attributes],
        })) as Array<Record<string, unknown> & { id: number; documentId?: string; email: string }>)
      : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    const entries = new Map<string, { entry: CustomerlyUserEntry; items: Item[] }>();
    for (const item of items) {
      const user = byId.get(userIdOf(item.delivery));
      if (!user?.email) {
        outcomes.set(item.row.id, {
          ok: true,
          status: 'skipped',
          result: {
            ok: true,
            direction: 'outbound',
            action: 'upsert',
            skipped: 'user-gone',
            message: 'The user was deleted before it was sent: nothing to upsert.',
          },
        });
        continue;
      }
      const entry = userEntry(user, outboundRows(settings.fieldMapping), settings.outbound.userId);
      const slot = entries.get(entry.email) ?? { entry, items: [] };
      slot.items.push(item);
      entries.set(entry.email, slot);
    }
    const slots = [...entries.values()];
    for (let i = 0; i < slots.length; i += OUTBOUND_BATCH_SIZE) {
      const chunk = slots.slice(i, i + OUTBOUND_BATCH_SIZE);
      try {
        const { rejected, answer } = await client.upsertUsers(chunk.map((s) => s.entry));
        for (const s of chunk) {
          const refused = rejected.includes(s.entry.email);
          for (const item of s.items) {
            outcomes.set(
              item.row.id,
              refused
                ? { ok: false, error: new CustomerlyResponseError(`Customerly did not add ${s.entry.email}`, 200) }
                : {
                    ok: true,
                    status: 'done',
                    userId: userIdOf(item.delivery),
                    result: {
                      ok: true,
                      direction: 'outbound',
                      action: 'upsert',
                      sent: { ...s.entry, attributes: Object.keys(s.entry.attributes ?? {}) },
                      batch: { users: chunk.length, answer },
                    },
                  }
            );
          }
        }
      } catch (error) {
        for (const s of chunk) for (const item of s.items) outcomes.set(item.row.id, { ok: false, error });
      }
    }
    return outcomes;
  }

  async function tags(d: StoredDelivery, client: CustomerlyClient): Promise<Record<string, unknown>> {
    const payload = (d.payload ?? {}) as { add?: unknown; remove?: unknown };
    const email = String(d.email ?? '');
    const add = listOf(payload.add);
    const remove = listOf(payload.remove);
    for (const tag of add) await client.tagUsers(tag, [email]);
    for (const tag of remove) await client.tagUsers(tag, [email], true);
    return { ok: true, direction: 'outbound', action: 'tags', email, tagged: add, untagged: remove };
  }

  async function remove(d: StoredDelivery, client: CustomerlyClient): Promise<Record<string, unknown>> {
    const email = String(d.email ?? '');
    const found = await client.deleteUser(email);
    return {
      ok: true,
      direction: 'outbound',
      action: 'delete',
      email,
      deleted: found,
      ...(found ? {} : { message: `Customerly did not know ${email}: nothing to delete.` }),
    };
  }

  /** Records a sent outcome on a delivery and the same on its followers, in `trx`; the answer of the first. */
  async function recordSent(item: Item, outcome: Extract<Outcome, { ok: true }>, trx: Db): Promise<WebhookAnswer> {
    for (const d of item.followers) {
      const result = { ...outcome.result, coalescedInto: item.delivery.eventId };
      await record().finish(d, { status: outcome.status, result, userId: outcome.userId }, trx);
    }
    const { result } = outcome;
    await record().finish(item.delivery, { status: outcome.status, result, userId: outcome.userId }, trx);
    return { status: 200, body: result };
  }

  /** Records a failed attempt on a delivery and its followers (retried with back-off, or failed); the first's answer. */
  async function recordFailed(item: Item, error: unknown, settings: PluginConfig): Promise<WebhookAnswer> {
    let answer: WebhookAnswer | undefined;
    for (const d of [item.delivery, ...item.followers]) {
      const a = await runner().fail(error, d, settings);
      answer ??= a;
    }
    return answer!;
  }

  /**
   * Records the batch's outcomes. Those sent: every delivery's outcome, with its contact's lock dropped, in one
   * transaction (the runner's own release of the first is then a no-op). Those that failed: each as any failed
   * attempt, the first's lock left to the runner. The answer of `first`.
   */
  async function settleAll(
    first: QueueRow,
    checked: Item[],
    outcomes: Map<number, Outcome>,
    settings: PluginConfig
  ): Promise<WebhookAnswer> {
    const outcomeOf = (item: Item): Outcome => outcomes.get(item.row.id) ?? { ok: false, error: new Error('not sent') };
    let answer: WebhookAnswer | undefined;
    const released: string[] = [];
    await connectionTransaction(strapi.db.connection, async (trx) => {
      for (const item of checked) {
        const outcome = outcomeOf(item);
        if (!outcome.ok) continue;
        const a = await recordSent(item, outcome, trx);
        if (item.row.id === first.id) answer = a;
        if (item.row.contactKey) {
          await queue().dropLock(item.row.contactKey, item.row.id, trx);
          released.push(item.row.contactKey);
        }
      }
    });
    for (const key of released) queue().contactReleased(key);
    for (const item of checked) {
      const outcome = outcomeOf(item);
      if (outcome.ok) continue;
      try {
        const a = await recordFailed(item, outcome.error, settings);
        if (item.row.id === first.id) answer = a;
      } finally {
        if (item.row.id !== first.id) await runner().release(item.row);
      }
    }
    return answer!;
  }

  return {
    /**
     * Runs a claimed outbound delivery. `batch` (the worker): an upsert takes its followers and other contacts' due
     * upserts with it. A replay sends the one delivery.
     */
    async run(row: QueueRow, delivery: StoredDelivery, settings: PluginConfig, batch: boolean): Promise<WebhookAnswer> {
      const items: Item[] = [{ row, delivery, followers: [] }];
      try {
        if (batch && delivery.action === 'upsert') {
          const { leaseMs } = settings.queue;
          items[0]!.followers = await load(await claims.claimFollowers(row, leaseMs));
          const taken = new Set([row.contactKey ?? '']);
          for (const more of await claims.claimBatch(taken, OUTBOUND_BATCH_SIZE - 1, leaseMs)) {
            const d = await record().findById(more.id);
            if (!d) {
              await runner().release(more);
              continue;
            }
            const item: Item = {
              row: more,
              delivery: d,
              followers: await load(await claims.claimFollowers(more, leaseMs)),
            };
            items.push(item);
          }
        }
        // A row the plugin did not write is never sent (the first was checked by the runner).
        const checked: Item[] = [items[0]!];
        const first = items[0]!;
        const forged = first.followers.filter((f) => !record().verify(f));
        for (const f of forged) await record().refuseForged(f);
        first.followers = first.followers.filter((f) => !forged.includes(f));
        for (const item of items.slice(1)) {
          if (record().verify(item.delivery) && item.followers.every((f) => record().verify(f))) checked.push(item);
          else {
            await record().refuseForged(item.delivery);
            await runner().release(item.row);
          }
        }
        const client = getService(strapi, 'customerly-api').client(settings);
        const outcomes = new Map<number, Outcome>();
        if (!client) for (const item of checked) outcomes.set(item.row.id, { ok: false, error: new NoTokenError() });
        else if (delivery.action === 'upsert')
          for (const [k, v] of await upsert(checked, settings, client)) outcomes.set(k, v);
        else {
          try {
            const result = delivery.action === 'tags' ? await tags(delivery, client) : await remove(delivery, client);
            outcomes.set(row.id, { ok: true, status: 'done', result });
          } catch (error) {
            outcomes.set(row.id, { ok: false, error });
          }
        }
        return await settleAll(row, checked, outcomes, settings);
      } catch (e) {
        // Anything else (the database): every claimed delivery is retried as any failed attempt.
        let answer: WebhookAnswer | undefined;
        for (const item of items) {
          for (const d of [item.delivery, ...item.followers]) {
            const a = await runner()
              .fail(e, d, settings)
              .catch(() => undefined);
            if (d === delivery) answer = a;
          }
          if (item.row.id !== row.id)
            await runner()
              .release(item.row)
              .catch(() => undefined);
        }
        return answer ?? (await runner().fail(e, delivery, settings));
      }
    },
  };
};
