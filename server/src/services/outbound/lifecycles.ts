import type { Core } from '@strapi/strapi';
import { tagsFieldOf } from '../../config/read';
import type { PluginConfig } from '../../config/schema';
import { USER_UID } from '../../content-types';
import { getService } from '../../utils/get-service';
import { createdRecords, deletedRecords, updatedRecords, type OutboxRecord, type UserSnapshot } from './changes';
import { watchedAttributes } from './mapping';
import { outboundMuted } from './no-echo';

/** How long an outbound record waits before it is due (ms): the changes of a burst gather into batches. */
export const OUTBOUND_GATHER_MS = 500;

interface UserEvent {
  params: { where?: Record<string, unknown>; data?: Record<string, unknown> };
  result?: Record<string, unknown> | null;
  state: Record<string, unknown>;
}

type Repository = Record<'create' | 'update' | 'delete', (params: unknown) => Promise<unknown>>;

/**
 * Every write of a users-permissions user runs in a database transaction, whatever its path. The document service
 * (registration, the Content Manager, the REST API, the plugin's own sync) opens one already; the query engine does
 * not (a provider login creates its user with `strapi.db.query(…).create`, `user.remove` deletes with
 * `strapi.db.query(…).delete`): there the insert commits on its own, before the `after*` lifecycle runs. So the
 * user repository's writes are wrapped in `strapi.db.transaction` when none is open, and the outbox row written by
 * the lifecycle (below) commits or rolls back with the user.
 */
export function transactionalUserWrites(strapi: Core.Strapi): void {
  const repo = strapi.db.query(USER_UID) as unknown as Repository & { __customerlyOutbox?: true };
  if (repo.__customerlyOutbox) return;
  for (const method of ['create', 'update', 'delete'] as const) {
    const original = repo[method].bind(repo);
    repo[method] = (params: unknown) =>
      strapi.db.inTransaction() ? original(params) : strapi.db.transaction(() => original(params));
  }
  repo.__customerlyOutbox = true;
}

/**
 * The outbox (product.md, "Outbound"): the lifecycles of the users-permissions user store, in the transaction of the
 * change, one delivery row (direction `outbound`) per thing to send to Customerly; the workers send them later. A
 * write made inside `withoutOutbound` (the sync of a Customerly delivery or an import) stores nothing.
 */
export function watchUsers(strapi: Core.Strapi): void {
  transactionalUserWrites(strapi);

  const settings = async (): Promise<PluginConfig | null> => {
    if (outboundMuted()) return null;
    const s = await getService(strapi, 'settings').get();
    return s.outbound.enabled ? s : null;
  };

  /** Whether users-permissions asks new users to confirm their email (its advanced settings). */
  const confirmationRequired = async (): Promise<boolean> => {
    const advanced = (await strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' }).get()) as {
      email_confirmation?: unknown;
    } | null;
    return advanced?.email_confirmation === true;
  };

  /** The user's email, watched attributes and (when `withTags`) tag names, read in the write's transaction. */
  async function snapshot(where: Record<string, unknown>, s: PluginConfig, withTags: boolean) {
    const tagsField = tagsFieldOf(strapi);
    const attributes = watchedAttributes(s.fieldMapping).filter((a) => a in strapi.contentType(USER_UID).attributes);
    const row = (await strapi.db.query(USER_UID).findOne({
      where,
      select: ['id', 'documentId', 'confirmed', ...attributes],
      ...(withTags ? { populate: { [tagsField]: { select: ['name'] } } } : {}),
    })) as (Record<string, unknown> & { id: number; documentId?: string; email?: string }) | null;
    if (!row) return null;
    const values: Record<string, unknown> = {};
    for (const a of attributes) values[a] = row[a];
    const tags = withTags
      ? ((row[tagsField] as Array<{ name: string }> | undefined) ?? []).map((t) => t.name)
      : undefined;
    const confirmed = row.confirmed === true || row.confirmed === 1;
    return {
      id: row.id,
      documentId: row.documentId,
      email: String(row.email ?? ''),
      values,
      tags,
      confirmed,
    } as UserSnapshot;
  }

  const touchesTags = (event: UserEvent) => !!event.params.data && tagsFieldOf(strapi) in event.params.data;

  async function store(records: OutboxRecord[]): Promise<void> {
    if (!records.length) return;
    const record = getService(strapi, 'delivery-record');
    await strapi.db.transaction(async ({ trx, onCommit }) => {
      // Due a moment later, so that a burst is sent in batches rather than one user at a time.
      const now = Date.now() + OUTBOUND_GATHER_MS;
      for (const r of records) {
        await record.create(
          {
            action: r.action,
            direction: 'outbound',
            params: { userId: r.userId },
            email: r.email,
            contactKey: r.email,
            payload: r.payload,
            nextAttemptAt: now,
          },
          { transaction: trx }
        );
      }
      onCommit(() => setTimeout(() => getService(strapi, 'worker').wake(), OUTBOUND_GATHER_MS).unref());
    });
  }

  strapi.db.lifecycles.subscribe({
    models: [USER_UID],

    async afterCreate(event: UserEvent) {
      const s = await settings();
      const id = Number(event.result?.id);
      if (!s || !Number.isFinite(id)) return;
      const user = await snapshot({ id }, s, s.outbound.onTags);
      if (user) await store(createdRecords(user, s.outbound, await confirmationRequired()));
    },

    async beforeUpdate(event: UserEvent) {
      const s = await settings();
      if (!s || !event.params.where) return;
      const withTags = s.outbound.onTags && touchesTags(event);
      const before = await snapshot(event.params.where, s, withTags);
      if (before) event.state.outboundBefore = { before, withTags };
    },

    async afterUpdate(event: UserEvent) {
      const saved = event.state.outboundBefore as { before: UserSnapshot; withTags: boolean } | undefined;
      if (!saved) return;
      const s = await settings();
      if (!s) return;
      // The tags are read after the write also when it did not touch them: a changed email gets them all.
      const after = await snapshot({ id: saved.before.id }, s, s.outbound.onTags);
      if (!after) return;
      // The tags are compared only when the write touched them (else `before` did not read them).
      const before = saved.withTags ? saved.before : { ...saved.before, tags: after.tags };
      await store(updatedRecords(before, after, s.outbound, await confirmationRequired()));
    },

    async beforeDelete(event: UserEvent) {
      const s = await settings();
      if (!s || !s.outbound.onDelete || !event.params.where) return;
      const before = await snapshot(event.params.where, s, false);
      if (before) event.state.outboundBefore = before;
    },

    async afterDelete(event: UserEvent) {
      const before = event.state.outboundBefore as UserSnapshot | undefined;
      if (!before || !event.result) return;
      const s = await settings();
      if (s) await store(deletedRecords(before, s.outbound, await confirmationRequired()));
    },
  });
}
