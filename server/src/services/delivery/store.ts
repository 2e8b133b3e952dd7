import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { DELIVERY_UID } from '../../content-types';
import { includes } from '../../constants';
import { KEY_LABELS, SecretBox, deriveKey, keyMaterial } from '../../utils/encryption';
import { getService } from '../../utils/get-service';
import { FORGED_ERROR, REFUSALS, errorAnswer, type WebhookAnswer } from '../webhook/answers';
import { insertReturningId, lazy, newDocumentId, tableColumns } from './columns';
import { connectionTransaction, type Db } from './connection-transaction';
import { createGroupCommit } from './group-commit';
import type { QueueRow } from './queue';
import { deliverySigner } from './mac';
import { createTestRecorder } from './test-deliveries';
import { createUserLink } from './user-link';
import { FINAL_STATUSES, type DeliveryOutcome, type NewDelivery, type StoredDelivery } from './types';

export type { DeliveryOutcome, NewDelivery, StoredDelivery } from './types';

/** The answer for a delivery refused because the plugin did not write it or it was edited since. */
const forgedAnswer = (delivery: Pick<StoredDelivery, 'eventId'>): WebhookAnswer =>
  errorAnswer(REFUSALS.forged(), delivery.eventId);

const COLUMN_ATTRIBUTES = [
  'documentId',
  'eventId',
  'receivedAt',
  'action',
  'direction',
  'params',
  'email',
  'contactKey',
  'payload',
  'sealed',
  'mac',
  'status',
  'attempts',
  'history',
  'result',
  'warnings',
  'error',
  'processedAt',
  'processedBy',
  'nextAttemptAt',
  'lockedBy',
  'lockedUntil',
  'createdAt',
  'updatedAt',
  'publishedAt',
] as const;

/**
 * The intake's group commit (group-commit.ts): how long a batch waits, at most, for the requests already on their way,
 * and the most deliveries one transaction stores.
 */
const INTAKE_GATHER_MS = 4;
const INTAKE_MAX_BATCH = 64;

/**
 * The delivery store (service `delivery-record`): stores each delivery before it is processed, signs it, and records
 * every attempt's outcome on it.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let box: SecretBox | undefined;
  const secretBox = () => (box ??= new SecretBox(keyMaterial((p) => strapi.config.get(p)).material));
  /** Rows are signed with their own key: HKDF of the app's key material with its own label (not the encryption key). */
  const signer = lazy(() =>
    deliverySigner(deriveKey(keyMaterial((p) => strapi.config.get(p)).material, KEY_LABELS.deliveryMac))
  );
  const signatureOf = (d: StoredDelivery, sealed: string | null | undefined = d.sealed) =>
    signer().sign({ ...d, sealed });
  const verify = (d: StoredDelivery): boolean => signer().verify(d, d.mac);
  const linkUser = createUserLink(strapi);

  const processId = (): string => getService(strapi, 'queue').processId;

  const columns = lazy(() => tableColumns(strapi, DELIVERY_UID, COLUMN_ATTRIBUTES));
  const intake = createGroupCommit((work) => connectionTransaction(strapi.db.connection, work), {
    gatherMs: INTAKE_GATHER_MS,
    maxBatch: INTAKE_MAX_BATCH,
  });

  return {
    /**
     * A request arrives at the intake: its delivery will be stored in a transaction shared with the requests around
     * it (group-commit.ts). The caller commits its work through the ticket, or leaves.
     */
    arrive: () => intake.arrive(),

    /**
     * Stores a new delivery in `trx` and claims it there for this process when it is its contact's turn
     * (queue.claimIn): the delivery, its claim and its contact's lock in one commit. Returns the delivery as claimed
     * (processing, one attempt) or as stored (queued, when an earlier delivery of the contact is pending or the
     * contact is held).
     */
    async createClaimed(
      input: NewDelivery,
      leaseMs: number,
      trx: Db
    ): Promise<{ delivery: StoredDelivery; claimed: boolean }> {
      const delivery = await this.create(input, { transaction: trx });
      const row: QueueRow = { id: delivery.id, contactKey: delivery.contactKey, attempts: 0 };
      if (!(await getService(strapi, 'queue').claimIn(trx, row, leaseMs))) return { delivery, claimed: false };
      return { delivery: { ...delivery, status: 'processing', attempts: 1 }, claimed: true };
    },

    /**
     * Stores a new delivery with one INSERT. The delivery table is written with plain statements on the hot path
     * (the webhook intake and every outcome): Strapi's query engine adds a read before and after each write and a
     * transaction around it, which doubled the cost of a delivery. Values are converted as Strapi converts them
     * (JSON columns as JSON text, dates as Date), so Strapi reads the rows back as its own.
     */
    async create(input: NewDelivery, opts: { transaction?: Db } = {}): Promise<StoredDelivery> {
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
        eventId: data.eventId ?? randomUUID(),
        action: data.action,
        direction: data.direction ?? 'inbound',
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
      // `transaction`: the outbox writes its row in the transaction of the user's change (services/outbound).
      row.id = await insertReturningId(
        strapi,
        c.table,
        {
          [c.documentId]: row.documentId,
          [c.eventId]: row.eventId,
          [c.receivedAt]: now,
          [c.action]: row.action,
          [c.direction]: row.direction,
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
        },
        opts.transaction
      );
      return row;
    },

    async findById(id: number): Promise<StoredDelivery | null> {
      return strapi.db.query(DELIVERY_UID).findOne({ where: { id } });
    },

    async findByDocumentId(documentId: string): Promise<StoredDelivery | null> {
      return strapi.db.query(DELIVERY_UID).findOne({ where: { documentId } });
    },

    async findByEventId(eventId: string): Promise<StoredDelivery | null> {
      return strapi.db.query(DELIVERY_UID).findOne({ where: { eventId } });
    },

    /** The deliveries of these event ids (one read), in no particular order. */
    async findByEventIds(eventIds: string[]): Promise<StoredDelivery[]> {
      if (!eventIds.length) return [];
      return strapi.db.query(DELIVERY_UID).findMany({ where: { eventId: { $in: eventIds } } });
    },

    /**
     * Whether the plugin wrote this row as it is: its MAC matches eventId, action, params, email, contactKey, payload
     * and sealed (constant-time). False for a row without a MAC (written another way, or by a version before MACs).
     */
    verify,

    /** Records a `test` call as a finished delivery (see test-deliveries.ts). */
    recordTest: createTestRecorder(strapi, { sign: (d) => signatureOf(d), processId, columns }),

    /**
     * Records a delivery that failed verification as failed, without running it, and answers the refusal. The log
     * line names the row, never its payload. The row's MAC is left as it is (finish only signs again a row that
     * verifies), so a refused row stays refused, also on replay.
     */
    async refuseForged(delivery: StoredDelivery): Promise<WebhookAnswer> {
      strapi.log.warn(
        `[customerly] delivery #${delivery.id} (${String(delivery.documentId)}) refused: its signature does not match, so it was not written by the plugin or was edited since; it is marked failed and was not run`
      );
      await this.finish(delivery, { status: 'failed', error: FORGED_ERROR });
      return forgedAnswer(delivery);
    },

    /** A replay of a row that fails verification: refused, the row left as it is (it is not in the queue). */
    refuseReplay(delivery: StoredDelivery): WebhookAnswer {
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
      await strapi.db.query(DELIVERY_UID).update({
        where: { id: delivery.id },
        data: { status: 'queued', nextAttemptAt: dueAt, lockedBy: null, lockedUntil: null },
      });
    },

    /**
     * Records an attempt's outcome and ends the claim. A final outcome also drops the sealed secrets. `db`: the
     * transaction to write in (the runner's, with the contact's release and, when it can, the user's write).
     */
    async finish(delivery: StoredDelivery, outcome: DeliveryOutcome, db: Db = strapi.db.connection): Promise<void> {
      const knex = db;
      const now = new Date();
      const previous = Array.isArray(delivery.history) ? delivery.history : [];
      const history = [
        ...previous,
        {
          attempt: delivery.attempts,
          at: now.toISOString(),
          status: outcome.status,
          by: processId(),
          ...(outcome.error ? { error: outcome.error } : {}),
        },
      ];
      const final = includes(FINAL_STATUSES, outcome.status);
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
          // NULL when there is none, so that "has warnings" is a plain IS NOT NULL.
          [c.warnings]: outcome.warnings?.length ? JSON.stringify(outcome.warnings) : null,
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
