import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { DELIVERY_UID } from '../content-types';
import { SecretBox, keyMaterial } from '../utils/encryption';

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

/** Stores each delivery before it is processed, and records every attempt's outcome on it. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let box: SecretBox | undefined;
  const secretBox = () => (box ??= new SecretBox(keyMaterial((p) => strapi.config.get(p)).material));

  /**
   * Links the delivery to its user with one plain statement on the join table. (Strapi's relation update opens a
   * transaction per call, which deadlocks under concurrent workers on MySQL and then fails to restore the row.)
   */
  async function linkUser(deliveryId: number, userId: number, firstAttempt: boolean): Promise<void> {
    const joinTable = (strapi.db.metadata.get(DELIVERY_UID as any) as any).attributes.user.joinTable;
    const own = joinTable.joinColumn.name as string;
    const target = joinTable.inverseJoinColumn.name as string;
    const knex = strapi.db.connection;
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
    async create(input: NewDelivery): Promise<StoredDelivery> {
      const { secrets, ...data } = input;
      // The query engine, not the document service: one insert, no transaction, no draft/publish work. The
      // documentId is still generated (the model's default).
      const created = await strapi.db.query(DELIVERY_UID as any).create({
        data: {
          eventId: randomUUID(),
          receivedAt: new Date(),
          status: 'queued',
          attempts: 0,
          history: [],
          sealed: secrets && Object.keys(secrets).length ? secretBox().encrypt(JSON.stringify(secrets)) : null,
          ...data,
        } as any,
      });
      return created as unknown as StoredDelivery;
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
      const now = new Date();
      const history = [
        ...(delivery.history ?? []),
        { attempt: delivery.attempts, at: now.toISOString(), status: outcome.status, by: strapi.plugin('customerly').service('queue').processId, ...(outcome.error ? { error: outcome.error } : {}) },
      ];
      const final = FINAL_STATUSES.includes(outcome.status);
      await strapi.db.query(DELIVERY_UID as any).update({
        where: { id: delivery.id },
        data: {
          status: outcome.status,
          result: outcome.result ?? null,
          error: outcome.error ?? null,
          processedAt: now,
          processedBy: strapi.plugin('customerly').service('queue').processId,
          history,
          lockedBy: null,
          lockedUntil: null,
          ...(final ? { sealed: null } : {}),
          ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
        },
      });
      if (outcome.userId) await linkUser(delivery.id, outcome.userId, (delivery.history ?? []).length === 0);
    },
  };
};
