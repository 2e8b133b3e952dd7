import { randomBytes, randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { DELIVERY_UID } from '../content-types';
import { SecretBox, keyMaterial } from '../utils/encryption';
import { lazy, tableColumns } from '../utils/columns';

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

const COLUMN_ATTRIBUTES = [
  'documentId', 'eventId', 'receivedAt', 'action', 'params', 'email', 'contactKey', 'payload', 'sealed', 'status',
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
      const row: StoredDelivery = {
        id: 0,
        documentId: newDocumentId(),
        eventId: randomUUID(),
        action: data.action,
        params: data.params,
        email: data.email ?? null,
        contactKey: data.contactKey ?? null,
        payload: data.payload,
        sealed: secrets && Object.keys(secrets).length ? secretBox().encrypt(JSON.stringify(secrets)) : null,
        status: 'queued',
        attempts: 0,
        history: [],
      };
      const insert = strapi.db
        .connection(c.table)
        .insert({
          [c.documentId]: row.documentId,
          [c.eventId]: row.eventId,
          [c.receivedAt]: now,
          [c.action]: row.action,
          [c.params]: JSON.stringify(row.params),
          [c.email]: row.email,
          [c.contactKey]: row.contactKey,
          [c.payload]: JSON.stringify(row.payload ?? {}),
          [c.sealed]: row.sealed,
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

    /** The secret values sealed on a delivery ({} when none, or when they cannot be opened). */
    unseal(delivery: StoredDelivery): Record<string, string> {
      if (!delivery.sealed) return {};
      const plain = secretBox().decrypt(delivery.sealed);
      return plain ? (JSON.parse(plain) as Record<string, string>) : {};
    },

    /** Puts a finished delivery back in the queue for a replay. */
    async requeue(delivery: StoredDelivery): Promise<void> {
      await strapi.db
        .query(DELIVERY_UID as any)
        .update({ where: { id: delivery.id }, data: { status: 'queued', nextAttemptAt: Date.now(), lockedBy: null, lockedUntil: null } });
    },

    /** Records an attempt's outcome and ends the claim. A final outcome also drops the sealed secrets. */
    async finish(delivery: StoredDelivery, outcome: DeliveryOutcome): Promise<void> {
      const knex = strapi.db.connection;
      const now = new Date();
      const history = [
        ...(delivery.history ?? []),
        { attempt: delivery.attempts, at: now.toISOString(), status: outcome.status, by: processId(), ...(outcome.error ? { error: outcome.error } : {}) },
      ];
      const final = FINAL_STATUSES.includes(outcome.status);
      const c = columns();
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
          ...(outcome.nextAttemptAt ? { [c.nextAttemptAt]: outcome.nextAttemptAt } : {}),
        });
      if (outcome.userId) await linkUser(delivery.id, outcome.userId, (delivery.history ?? []).length === 0, knex);
    },
  };
};
