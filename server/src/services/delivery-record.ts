import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { DELIVERY_UID } from '../content-types';

export type DeliveryStatus = 'received' | 'processing' | 'done' | 'skipped' | 'failed';

export interface NewDelivery {
  action: string;
  /** The query parameters, without the access key. */
  params: Record<string, unknown>;
  email?: string;
  contactKey?: string;
  /** The payload with secrets redacted. */
  payload: unknown;
}

export interface StoredDelivery {
  id: number;
  documentId: string;
  eventId: string;
  action: string;
  params: Record<string, unknown> | null;
  email: string | null;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  history: Array<Record<string, unknown>> | null;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  result?: Record<string, unknown>;
  error?: string;
  userId?: number;
}

/** Stores each delivery before it is processed, and records every attempt's outcome on it. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async create(input: NewDelivery): Promise<StoredDelivery> {
    const created = await strapi.documents(DELIVERY_UID as any).create({
      data: {
        eventId: randomUUID(),
        receivedAt: new Date(),
        status: 'processing',
        attempts: 1,
        history: [],
        ...input,
      } as any,
    });
    return created as unknown as StoredDelivery;
  },

  async findByDocumentId(documentId: string): Promise<StoredDelivery | null> {
    return strapi.db.query(DELIVERY_UID as any).findOne({ where: { documentId } });
  },

  /** Starts another attempt of a stored delivery (a replay). */
  async startAttempt(delivery: StoredDelivery): Promise<StoredDelivery> {
    const attempts = (delivery.attempts ?? 0) + 1;
    await strapi.db.query(DELIVERY_UID as any).update({ where: { id: delivery.id }, data: { status: 'processing', attempts } });
    return { ...delivery, attempts, status: 'processing' };
  },

  async finish(delivery: StoredDelivery, outcome: DeliveryOutcome): Promise<void> {
    const now = new Date();
    const history = [
      ...(delivery.history ?? []),
      { attempt: delivery.attempts, at: now.toISOString(), status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) },
    ];
    await strapi.db.query(DELIVERY_UID as any).update({
      where: { id: delivery.id },
      data: {
        status: outcome.status,
        result: outcome.result ?? null,
        error: outcome.error ?? null,
        processedAt: now,
        history,
        ...(outcome.userId ? { user: outcome.userId } : {}),
      },
    });
  },
});
