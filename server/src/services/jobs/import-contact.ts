import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { tagsFieldOf } from '../../config/read';
import type { ContactListSource, ListRow } from '../../customerly';
import { includes } from '../../constants';
import { describeError } from '../../utils/describe-error';
import { getService } from '../../utils/get-service';
import { isTransient } from '../../utils/transient';
import { originParams } from '../delivery/origin';
import type { QueueRow } from '../delivery/queue';
import { connectionTransaction } from '../delivery/connection-transaction';
import type { NewDelivery, StoredDelivery } from '../delivery/store';
import { FINAL_STATUSES } from '../delivery/types';
import { matchUser } from '../sync/user-match';
import { secretValues } from '../settings/schema';
import { isWebhookError, type WebhookAnswer } from '../webhook/answers';
import { cleanJsonPayload } from '../webhook/clean-json';
import { extractContact, type ContactInput } from '../webhook/contact';
import { contactKeyOf } from '../webhook/index';
import { sealPayloadSecrets } from '../webhook/payload-secrets';

/** What an import job was asked to do (its params, shared/contracts/jobs.ts). */
export interface ImportOptions {
  source: ContactListSource | 'both';
  mode: 'create' | 'update';
  dryRun: boolean;
  welcomeEmail: boolean;
  returnPassword: boolean;
  fetchTags: boolean;
}

/** One row of a page read as a contact (importer.prepare): what is stored and applied, or why it cannot be. */
export type PreparedRow =
  | { ok: true; contact: ContactInput; payload: Record<string, unknown>; eventId: string }
  | { ok: false; reason: string };
type ReadyRow = Extract<PreparedRow, { ok: true }>;

/** A row's delivery: stored before by this job (`existed`), or now (claimed when it was its contact's turn). */
export interface StoredContact {
  delivery: StoredDelivery;
  existed: boolean;
  claimed?: boolean;
}

/** Where one row of a list page is, and the job it belongs to. */
export interface RowPlace {
  jobDocumentId: string;
  list: ContactListSource;
  page: number;
}

/** What became of one contact of a page. */
export type ContactOutcome =
  | { kind: 'created' | 'updated' | 'unchanged' }
  | { kind: 'skipped' | 'failed'; reason: string }
  /** It waits behind an earlier delivery of the same contact: left queued, the delivery worker applies it after. */
  | { kind: 'deferred' }
  /** This job already applied the contact from another page (the list moved while the job read it). */
  | { kind: 'duplicate' }
  /** A transient failure (Customerly, the database): the page is done again at `retryAt`. */
  | { kind: 'retry'; reason: string; retryAt: number };

/**
 * How long a contact's turn is waited for, at least: longer than a webhook waits (nobody waits for an HTTP answer),
 * so that the deliveries of a process that died are back in the queue (heartbeats: about 20 s) before giving up.
 */
const MIN_TURN_WAIT_MS = 30_000;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** `users 12 (ann@example.com)`: a failure's key. */
export const rowKey = (list: ContactListSource, row: ListRow): string =>
  `${list} ${row.crmhero_user_id ?? '?'}${typeof row.email === 'string' ? ` (${row.email})` : ''}`;

/**
 * The delivery's event id: the job, the list and Customerly's id of the contact (or a hash of its email when the row
 * has none). The same contact on the same job always gets the same id, and the column is unique: a page done again
 * after a crash finds the delivery it stored the first time instead of storing (and applying) a second one.
 */
export function importEventId(place: Pick<RowPlace, 'jobDocumentId' | 'list'>, row: ListRow, email: string): string {
  const id =
    row.crmhero_user_id != null && String(row.crmhero_user_id) !== ''
      ? String(row.crmhero_user_id).slice(0, 64)
      : `e${createHash('sha256').update(email).digest('hex').slice(0, 24)}`;
  return `import-${place.jobDocumentId}-${place.list}-${id}`;
}

/** The row as a webhook payload of its kind: `{data: {user: {data: row}}}` (or `lead`), cleaned as a body is. */
function payloadOf(list: ContactListSource, row: ListRow): Record<string, unknown> {
  const payload = { data: { [list === 'users' ? 'user' : 'lead']: { data: structuredClone(row) } } };
  cleanJsonPayload(payload);
  return payload;
}

/** Whether a done delivery's answer says something changed (a new user, tags, fields, the role, the email). */
function changedIn(body: Record<string, unknown>): boolean {
  const tags = isObject(body.tags) ? body.tags : {};
  const fields = isObject(body.fields) ? body.fields : {};
  const listed = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (
    listed(tags.added) ||
    listed(tags.removed) ||
    listed(fields.updated) ||
    (isObject(body.role) && body.role.changed === true) ||
    (isObject(body.email) && body.email.changed === true)
  );
}

/** The outcome of a delivery's result (its answer's body): created, updated, unchanged or skipped. */
function fromResult(result: unknown): ContactOutcome {
  const body = isObject(result) ? result : {};
  if (typeof body.skipped === 'string') {
    return { kind: 'skipped', reason: typeof body.reason === 'string' ? body.reason : body.skipped };
  }
  if (isObject(body.user) && body.user.created === true) return { kind: 'created' };
  return { kind: changedIn(body) ? 'updated' : 'unchanged' };
}

function fromAnswer(answer: WebhookAnswer): ContactOutcome {
  const { body } = answer;
  if (answer.status === 200) return fromResult(body);
  if (answer.status === 202 && isObject(body.retry)) {
    const at = Date.parse(String(body.retry.at));
    return {
      kind: 'retry',
      reason: String(body.retry.reason ?? 'a transient failure'),
      retryAt: Number.isNaN(at) ? Date.now() : at,
    };
  }
  if (answer.status === 202) return { kind: 'deferred' };
  const error = isObject(body.error) ? body.error : {};
  return { kind: 'failed', reason: String(error.message ?? `HTTP ${answer.status}`) };
}

/** A finished delivery, read back: its outcome. */
function fromStored(delivery: StoredDelivery & { result?: unknown; error?: unknown }): ContactOutcome {
  if (delivery.status === 'failed') {
    return { kind: 'failed', reason: typeof delivery.error === 'string' ? delivery.error : 'the delivery failed' };
  }
  return fromResult(delivery.result);
}

/**
 * One contact of an import, applied (services/jobs/import.ts): stored as a delivery of action `add` (mode create)
 * or `update` (mode update), then run exactly as a synchronous webhook runs one (webhook/index.ts `runNow`): when it
 * is its contact's turn (no earlier delivery of the contact pending, the contact lock free, in any process), by the
 * delivery runner, under the same allowlist, field mapping and tag rules. A webhook for the same contact is ordered
 * before or after it, never interleaved.
 */
export function createContactImporter(strapi: Core.Strapi) {
  const record = () => getService(strapi, 'delivery-record');
  const queue = () => getService(strapi, 'queue');

  /** The delivery to store for one contact of an import: an `add` (mode create) or an `update` (mode update). */
  function newDelivery(
    { eventId, contact, payload }: ReadyRow,
    place: RowPlace,
    options: ImportOptions,
    settings: PluginConfig
  ): NewDelivery {
    const secrets = sealPayloadSecrets(payload, contact, settings.fieldMapping, secretValues(settings));
    const params = {
      action: options.mode === 'create' ? 'add' : 'update',
      send_notification: options.mode === 'create' && options.welcomeEmail,
      ...originParams({
        source: 'import',
        job: place.jobDocumentId,
        list: place.list,
        page: place.page,
        returnPassword: options.returnPassword,
        fetchTags: options.fetchTags,
      }),
    };
    return {
      eventId,
      action: options.mode === 'create' ? 'add' : 'update',
      params,
      email: contact.email,
      contactKey: contactKeyOf(contact),
      payload,
      secrets,
      // Run here; the workers step in only if this process dies meanwhile (as for a synchronous webhook).
      nextAttemptAt: Date.now() + settings.queue.syncWaitMs + settings.queue.leaseMs,
    };
  }

  /** The delivery of this contact on this job: the one stored before (a page done again), or a new one. */
  async function storeOnce(
    row: ReadyRow,
    place: RowPlace,
    options: ImportOptions,
    settings: PluginConfig
  ): Promise<StoredContact> {
    const { eventId } = row;
    const existing = await record().findByEventId(eventId);
    if (existing) return { delivery: existing, existed: true };
    const input = newDelivery(row, place, options, settings);
    try {
      // Stored already claimed when it is its contact's turn: the delivery, its claim and its lock in one commit.
      const stored = await connectionTransaction(strapi.db.connection, (trx) =>
        record().createClaimed(input, settings.queue.leaseMs, trx)
      );
      return { ...stored, existed: false };
    } catch (e) {
      // Stored meanwhile by another process running the same page (a takeover racing a process taken for dead).
      const again = await record().findByEventId(eventId);
      if (again) return { delivery: again, existed: true };
      throw e;
    }
  }

  /** Runs the delivery when it is its contact's turn; its outcome, or `deferred` when the turn does not come. */
  async function runInTurn(delivery: StoredDelivery, settings: PluginConfig, claimed = false): Promise<ContactOutcome> {
    if (claimed) {
      // Stored already claimed (its first attempt counted): run it.
      const row: QueueRow = { id: delivery.id, contactKey: delivery.contactKey, attempts: delivery.attempts };
      return fromAnswer(await getService(strapi, 'runner').execute(row, { delivery, settings }));
    }
    const deadline = Date.now() + Math.max(settings.queue.syncWaitMs, MIN_TURN_WAIT_MS);
    let current = delivery;
    for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
      if (includes(FINAL_STATUSES, current.status)) return fromStored(current);
      const row: QueueRow = { id: current.id, contactKey: current.contactKey, attempts: current.attempts };
      if (current.status === 'queued' && (await queue().tryClaim(row, settings.queue.leaseMs))) {
        // The claim counted one more attempt and moved it to processing.
        const claimed: StoredDelivery = { ...current, attempts: (current.attempts ?? 0) + 1, status: 'processing' };
        return fromAnswer(await getService(strapi, 'runner').execute(row, { delivery: claimed, settings }));
      }
      if (Date.now() >= deadline) {
        await queue().reschedule(current.id, Date.now());
        getService(strapi, 'worker').wake();
        return { kind: 'deferred' };
      }
      await queue().waitForContact(current.contactKey ?? '', pause);
      const fresh = await record().findById(current.id);
      if (!fresh) return { kind: 'failed', reason: 'the delivery was deleted while it waited for its turn' };
      current = fresh;
    }
  }

  return {
    /** Reads one row of a page as the contact it is, and the delivery's event id; or why it cannot be applied. */
    prepare(place: RowPlace, row: ListRow): PreparedRow {
      try {
        const payload = payloadOf(place.list, row);
        const contact = extractContact(payload, undefined);
        return { ok: true, contact, payload, eventId: importEventId(place, row, contact.email) };
      } catch (e) {
        if (isWebhookError(e)) return { ok: false, reason: e.message };
        throw e;
      }
    },

    /**
     * Stores the deliveries of several rows ahead of applying them: one read finds those this job stored before (a
     * page done again), and one commit stores the others, each claimed with its contact's lock when it is the
     * contact's turn (as one stored alone is). Best effort: after any error nothing is returned, and each row is
     * stored when it is applied. The answer is in the order of `rows` (nothing for a row that cannot be applied).
     */
    async storeAhead(
      place: RowPlace,
      options: ImportOptions,
      rows: PreparedRow[],
      settings: PluginConfig
    ): Promise<Array<StoredContact | undefined>> {
      const out = new Array<StoredContact | undefined>(rows.length);
      const ready = rows.flatMap((r, i) => (r.ok ? [{ row: r, i }] : []));
      if (!ready.length) return out;
      try {
        const before = await record().findByEventIds(ready.map(({ row }) => row.eventId));
        const found = new Map(before.map((d) => [d.eventId, d]));
        const fresh = ready.filter(({ row }) => !found.has(row.eventId));
        // Two rows of one contact id (the list moved under the job): each is stored when applied, as before.
        if (new Set(fresh.map(({ row }) => row.eventId)).size !== fresh.length) return out;
        const stored = await connectionTransaction(strapi.db.connection, async (trx) => {
          const made: Array<{ delivery: StoredDelivery; claimed: boolean }> = [];
          for (const { row } of fresh) {
            const input = newDelivery(row, place, options, settings);
            made.push(await record().createClaimed(input, settings.queue.leaseMs, trx));
          }
          return made;
        });
        for (const { row, i } of ready) {
          const d = found.get(row.eventId);
          if (d) out[i] = { delivery: d, existed: true };
        }
        fresh.forEach(({ i }, k) => (out[i] = { ...stored[k]!, existed: false }));
        return out;
      } catch {
        // Stored meanwhile by another process (a takeover), or the database busy: each row on its own.
        return new Array<StoredContact | undefined>(rows.length);
      }
    },

    /**
     * Applies one row (not a dry run), stored ahead (`stored`) or here. A transient failure is `retry`: the page is
     * done again later.
     */
    async apply(
      place: RowPlace,
      options: ImportOptions,
      row: PreparedRow,
      settings: PluginConfig,
      stored?: StoredContact
    ): Promise<ContactOutcome> {
      if (!row.ok) return { kind: 'failed', reason: row.reason };
      try {
        const { delivery, existed, claimed } = stored ?? (await storeOnce(row, place, options, settings));
        // Stored by this job from another page: the list moved while the job read it; applied once already.
        if (existed && (delivery.params?.page !== place.page || delivery.params?.source !== 'import')) {
          return { kind: 'duplicate' };
        }
        return await runInTurn(delivery, settings, claimed);
      } catch (e) {
        if (isTransient(e)) return { kind: 'retry', reason: describeError(e), retryAt: Date.now() };
        throw e;
      }
    },

    /**
     * A dry run of one row: which user it would create, update or leave (as the sync's user match decides), read
     * only. Nothing is stored, not even a delivery.
     */
    async preview(options: ImportOptions, list: ContactListSource, row: ListRow, settings: PluginConfig) {
      let contact: ContactInput;
      try {
        contact = extractContact(payloadOf(list, row), undefined);
      } catch (e) {
        if (isWebhookError(e)) return { kind: 'failed', reason: e.message } as const;
        throw e;
      }
      const candidates = await getService(strapi, 'users').findCandidates(contact, tagsFieldOf(strapi), false);
      const match = matchUser(contact, candidates, settings);
      if ('refused' in match) return { kind: 'skipped', reason: match.reason } as const;
      if (match.found) return { kind: 'updated' } as const;
      if (options.mode === 'create') return { kind: 'created' } as const;
      return {
        kind: 'skipped',
        reason: `No Strapi user is linked to ${contact.email}: nothing to update (use mode "create" to create users).`,
      } as const;
    },
  };
}
