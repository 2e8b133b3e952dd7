import { randomBytes, randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { DELIVERY_UID } from '../content-types';
import { KEY_LABELS, SecretBox, deriveKey, keyMaterial } from '../utils/encryption';
import { lazy, tableColumns } from '../utils/columns';
import { deliveryMac, macMatches } from '../utils/delivery-mac';

export type DeliveryStatus = 'queued' | 'processing' | 'done' | 'skipped' | 'failed';
export const FINAL_STATUSES: DeliveryStatus[] = ['done', 'skipped', 'failed'];

export interface NewDelivery {
  action: string;
  /** The query parameters, without the access key. */
  params: Record<string, unknown>;
  email?: string;
  contactKey?: string;
  /** The payload with secrets redacted. */
  payload: unknown;
  /** Secret values the processing needs (a password given by the contact), stored encrypted until it ends. */
  secrets?: Record<string, string>;
  /** When a worker may take it (ms since epoch). */
  nextAttemptAt: number;
}

export interface StoredDelivery {
  id: number;
  documentId: string;
  eventId: string;
  action: string;
  params: Record<string, unknown> | null;
  email: string | null;
  contactKey: string | null;
  payload: unknown;
  sealed?: string | null;
  /** The row's signature (see utils/delivery-mac.ts). Private: never leaves the server. */
  mac?: string | null;
  status: DeliveryStatus;
  attempts: number;
  history: Array<Record<string, unknown>> | null;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  result?: Record<string, unknown>;
  error?: string;
  userId?: number;
  /** For a retry (status queued): when it is due again. */
  nextAttemptAt?: number;
}

/** What the runner records on, and answers for, a row whose signature does not match. */
export const FORGED_ERROR = 'refused: this delivery was not written by the plugin (its signature does not match)';

/**
 * The answer for a delivery that is refused because it was not written by the plugin or was edited since. 409: the
 * row conflicts with its own signature; sending the request again cannot help.
 */
export function forgedAnswer(delivery: Pick<StoredDelivery, 'eventId'>): { status: number; body: Record<string, unknown> } {
  const status = 409;
  return {
    status,
    body: { ok: false, eventId: delivery.eventId, error: { status, code: 'forged_delivery', message: FORGED_ERROR } },
  };
}

const COLUMN_ATTRIBUTES = [
  'documentId', 'eventId', 'receivedAt', 'action', 'params', 'email', 'contactKey', 'payload', 'sealed', 'mac', 'status',
  'attempts', 'history', 'result', 'error', 'processedAt', 'processedBy', 'nextAttemptAt', 'lockedBy', 'lockedUntil',
  'createdAt', 'updatedAt', 'publishedAt',
] as const;

/** A documentId in Strapi's format (24 lower-case letters and digits, starting with a letter). */
function newDocumentId(): string {
  const bytes = randomBytes(24);
  let id = String.fromCharCode(97 + (bytes[0]! % 26));
  for (let i = 1; i < 24; i++) id += '0123456789abcdefghijklmnopqrstuvwxyz'[bytes[i]! % 36];
  return id;
}

/** Stores each delivery before it is processed, and records every attempt's outcome on it. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let box: SecretBox | undefined;
  const secretBox = () => (box ??= new SecretBox(keyMaterial((p) => strapi.config.get(p)).material));
  /** The key that signs delivery rows: HKDF of the app's key material with its own label (not the encryption key). */
  const macKey = lazy(() => deriveKey(keyMaterial((p) => strapi.config.get(p)).material, KEY_LABELS.deliveryMac));
  const signatureOf = (d: StoredDelivery, sealed: string | null | undefined = d.sealed) =>
    deliveryMac(macKey(), { eventId: d.eventId, action: d.action, params: d.params, email: d.email, contactKey: d.contactKey, payload: d.payload, sealed });
  const verify = (d: StoredDelivery): boolean =>
    macMatches(macKey(), { eventId: d.eventId, action: d.action, params: d.params, email: d.email, contactKey: d.contactKey, payload: d.payload, sealed: d.sealed }, d.mac);

  const processId = (): string => strapi.plugin('customerly').service('queue').processId;

  const columns = lazy(() => tableColumns(strapi, DELIVERY_UID, COLUMN_ATTRIBUTES));

  /**
   * Links the delivery to its user with one plain statement on the join table. (Strapi's relation update opens a
   * transaction per call, which deadlocks under concurrent workers on MySQL and then fails to restore the row.)
   */
  async function linkUser(deliveryId: number, userId: number, firstAttempt: boolean, knex: any): Promise<void> {
    const joinTable = (strapi.db.metadata.get(DELIVERY_UID as any) as any).attributes.user.joinTable;
    const own = joinTable.joinColumn.name as string;
    const target = joinTable.inverseJoinColumn.name as string;
    // A delivery's first outcome has no link yet; a later attempt may have one already.
    if (firstAttempt) {
      await knex(joinTable.name).insert({ [own]: deliveryId, [target]: userId });
      return;
    }
    const current = await knex(joinTable.name).where(own, deliveryId).first(target);
    if (!current) await knex(joinTable.name).insert({ [own]: deliveryId, [target]: userId });
    else if (Number(current[target]) !== userId) await knex(joinTable.name).where(own, deliveryId).update({ [target]: userId });
  }

  return {
    /**
     * Stores a new delivery with one INSERT. The delivery table is written with plain statements on the hot path
     * (the webhook intake and every outcome): Strapi's query engine adds a read before and after each write and a
     * transaction around it, which doubled the cost of a delivery. Values are converted as Strapi converts them
     * (JSON columns as JSON text, dates as Date), so Strapi reads the rows back as its own.
     */
    async create(input: NewDelivery): Promise<StoredDelivery> {
      const { secrets, ...data } = input;
      const now = new Date();
      const c = columns();
      // The exact text written to the JSON columns. The row returned (which a synchronous run processes at once) and
      // the signature are made from that text parsed again, so they are what the database holds and what the worker
      // will read: no getter, prototype or key order of the caller's objects survives the round trip.
      const paramsJson = JSON.stringify(data.params ?? {});
      const payloadJson = JSON.stringify(data.payload ?? {});
      const row: StoredDelivery = {
        id: 0,
        documentId: newDocumentId(),
        eventId: randomUUID(),
        action: data.action,
        params: JSON.parse(paramsJson) as Record<string, unknown>,
        email: data.email ?? null,
        contactKey: data.contactKey ?? null,
        payload: JSON.parse(payloadJson) as unknown,
        sealed: secrets && Object.keys(secrets).length ? secretBox().encrypt(JSON.stringify(secrets)) : null,
        status: 'queued',
        attempts: 0,
        history: [],
      };
      row.mac = signatureOf(row);
      const insert = strapi.db
        .connection(c.table)
        .insert({
          [c.documentId]: row.documentId,
          [c.eventId]: row.eventId,
          [c.receivedAt]: now,
          [c.action]: row.action,
          [c.params]: paramsJson,
          [c.email]: row.email,
          [c.contactKey]: row.contactKey,
          [c.payload]: payloadJson,
          [c.sealed]: row.sealed,
          [c.mac]: row.mac,
          [c.status]: row.status,
          [c.attempts]: 0,
          [c.history]: '[]',
          [c.nextAttemptAt]: data.nextAttemptAt,
          [c.createdAt]: now,
          [c.updatedAt]: now,
          [c.publishedAt]: now,
        });
      // MySQL answers the new id without RETURNING (and warns when asked for it).
      const inserted = await (/mysql/.test(String(strapi.db.dialect.client)) ? insert : insert.returning('id'));
      const first = (inserted as Array<number | { id: number }>)[0];
      row.id = Number(typeof first === 'object' ? first.id : first);
      return row;
    },

    async findById(id: number): Promise<StoredDelivery | null> {
      return strapi.db.query(DELIVERY_UID as any).findOne({ where: { id } });
    },

    async findByDocumentId(documentId: string): Promise<StoredDelivery | null> {
      return strapi.db.query(DELIVERY_UID as any).findOne({ where: { documentId } });
    },

    /**
     * Whether the plugin wrote this row as it is: its MAC matches eventId, action, params, email, contactKey, payload
     * and sealed (constant-time). False for a row without a MAC (written another way, or by a version before MACs).
     */
    verify,

    /**
     * Records a delivery that failed verification as failed, without running it, and answers the refusal. The log
     * line names the row, never its payload. The row's MAC is left as it is (finish only signs again a row that
     * verifies), so a refused row stays refused, also on replay.
     */
    async refuseForged(delivery: StoredDelivery): Promise<{ status: number; body: Record<string, unknown> }> {
      strapi.log.warn(
        `[customerly] delivery #${delivery.id} (${String(delivery.documentId)}) refused: its signature does not match, so it was not written by the plugin or was edited since; it is marked failed and was not run`
      );
      await this.finish(delivery, { status: 'failed', error: FORGED_ERROR });
      return forgedAnswer(delivery);
    },

    /** A replay of a row that fails verification: refused, the row left as it is (it is not in the queue). */
    refuseReplay(delivery: StoredDelivery): { status: number; body: Record<string, unknown> } {
      strapi.log.warn(
        `[customerly] replay of delivery #${delivery.id} (${String(delivery.documentId)}) refused: its signature does not match, so it was not written by the plugin or was edited since`
      );
      return forgedAnswer(delivery);
    },

    /** The secret values sealed on a delivery ({} when none, or when they cannot be opened). */
    unseal(delivery: StoredDelivery): Record<string, string> {
      if (!delivery.sealed) return {};
      const plain = secretBox().decrypt(delivery.sealed);
      return plain ? (JSON.parse(plain) as Record<string, string>) : {};
    },

    /** Puts a finished delivery back in the queue for a replay, due for the workers at `dueAt` (ms; default now). */
    async requeue(delivery: StoredDelivery, dueAt: number = Date.now()): Promise<void> {
      await strapi.db
        .query(DELIVERY_UID as any)
        .update({ where: { id: delivery.id }, data: { status: 'queued', nextAttemptAt: dueAt, lockedBy: null, lockedUntil: null } });
    },

    /** Records an attempt's outcome and ends the claim. A final outcome also drops the sealed secrets. */
    async finish(delivery: StoredDelivery, outcome: DeliveryOutcome): Promise<void> {
      const knex = strapi.db.connection;
      const now = new Date();
      const previous = Array.isArray(delivery.history) ? delivery.history : [];
      const history = [
        ...previous,
        { attempt: delivery.attempts, at: now.toISOString(), status: outcome.status, by: processId(), ...(outcome.error ? { error: outcome.error } : {}) },
      ];
      const final = FINAL_STATUSES.includes(outcome.status);
      const c = columns();
      // A final outcome drops the sealed secrets, which are signed: a row that verifies is signed again without them,
      // so that it can still be replayed. A row that does not verify keeps its (wrong or missing) MAC.
      const dropSealed = final && delivery.sealed != null;
      const resign = dropSealed && verify(delivery) ? { [c.mac]: signatureOf(delivery, null) } : {};
      await knex(c.table)
        .where('id', delivery.id)
        .update({
          [c.status]: outcome.status,
          [c.result]: outcome.result ? JSON.stringify(outcome.result) : null,
          [c.error]: outcome.error ?? null,
          [c.processedAt]: now,
          [c.processedBy]: processId(),
          [c.history]: JSON.stringify(history),
          [c.lockedBy]: null,
          [c.lockedUntil]: null,
          [c.updatedAt]: now,
          ...(final ? { [c.sealed]: null } : {}),
          ...resign,
          ...(outcome.nextAttemptAt ? { [c.nextAttemptAt]: outcome.nextAttemptAt } : {}),
        });
      if (outcome.userId) await linkUser(delivery.id, outcome.userId, previous.length === 0, knex);
    },
  };
};
