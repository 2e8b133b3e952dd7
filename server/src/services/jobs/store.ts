import type { Core } from '@strapi/strapi';
import type { Job, JobRequest, JobStatus, JobType } from '../../../../shared/contracts/jobs';
import { JOB_UID, WORKER_PROCESS_UID } from '../../content-types';
import { newDocumentId } from '../delivery/columns';
import { HEARTBEAT } from '../delivery/heartbeats';
import {
  COUNT_KEYS,
  FAILURES_KEPT,
  zeroCounts,
  type JobCounts,
  type JobCursor,
  type JobFailure,
  type JobStep,
  type StoredJob,
} from './types';

/** A job row as strapi.db.query answers it. */
type JobRow = Record<string, unknown> & { id: number; documentId: string };

const asDate = (v: unknown): Date | string | null => (v instanceof Date || typeof v === 'string' ? v : null);
const isoOf = (v: Date | string | null): string | null => {
  if (v === null) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};
const objectOr = <T>(v: unknown, fallback: T): T => (v && typeof v === 'object' ? (v as T) : fallback);

function fromRow(row: JobRow): StoredJob {
  const counts = zeroCounts();
  for (const k of COUNT_KEYS) counts[k] = Number(row[k] ?? 0);
  return {
    id: Number(row.id),
    documentId: String(row.documentId),
    type: row.type as JobType,
    params: objectOr(row.params, {}),
    status: row.status as JobStatus,
    counts,
    total: row.total === null || row.total === undefined ? null : Number(row.total),
    cursor: row.cursor && typeof row.cursor === 'object' ? (row.cursor as JobCursor) : null,
    failures: Array.isArray(row.failures) ? (row.failures as JobFailure[]) : [],
    summary: Array.isArray(row.summary) ? (row.summary as string[]) : [],
    startedBy: typeof row.startedBy === 'string' ? row.startedBy : null,
    createdAt: asDate(row.createdAt),
    startedAt: asDate(row.startedAt),
    finishedAt: asDate(row.finishedAt),
    error: typeof row.error === 'string' && row.error ? row.error : null,
    claimedBy: typeof row.claimedBy === 'string' ? row.claimedBy : null,
    takeovers: Number(row.takeovers ?? 0),
    cancelRequested: row.cancelRequested === true || row.cancelRequested === 1,
  };
}

/** A job as the admin API answers it (shared/contracts/jobs.ts `jobSchema`). */
export function jobToApi(job: StoredJob): Job {
  return {
    id: job.documentId,
    type: job.type,
    status: job.status,
    params: job.params,
    progress: { ...job.counts, total: job.total },
    failures: job.failures,
    summary: job.summary,
    startedBy: job.startedBy,
    createdAt: isoOf(job.createdAt) ?? new Date(0).toISOString(),
    startedAt: isoOf(job.startedAt),
    finishedAt: isoOf(job.finishedAt),
    ...(job.error ? { error: job.error } : {}),
    cancelRequested: job.cancelRequested,
  };
}

/** The counts after a step, and the failures sample (the first FAILURES_KEPT). */
export function addStep(job: StoredJob, step: JobStep): { counts: JobCounts; failures: JobFailure[] } {
  const counts = { ...job.counts };
  for (const k of COUNT_KEYS) counts[k] += step.counts[k] ?? 0;
  const failures = [...job.failures, ...(step.failures ?? [])].slice(0, FAILURES_KEPT);
  return { counts, failures };
}

/** What `create` did: the new job, or the job of that type already queued or running. */
export type CreateResult = { created: StoredJob } | { running: StoredJob } | { duplicate: StoredJob };

/** What `cancel` did. */
export type CancelResult = 'cancelled' | 'requested' | 'finished' | 'unknown';

/**
 * The job store: jobs are rows of `plugin::customerly.job`, shared by every process on the database.
 *
 * One job of a type at a time, in every process: a job takes its type's "active slot" (the `activeSlot` column,
 * unique, set to the type) when it is created, and gives it back (null) in the same statement that finishes it. Two
 * requests racing in different processes cannot both insert the slot: the database refuses the second, which answers
 * 409 with the job that holds it.
 *
 * Every change of a job by its runner is conditional on the runner's claim (`claimedBy`) and on the job still running,
 * so a process that lost its claim (it was taken for dead) changes nothing any more.
 */
export function createJobStore(strapi: Core.Strapi) {
  const query = () => strapi.db.query(JOB_UID);

  async function findActive(type: JobType): Promise<StoredJob | null> {
    const row = (await query().findOne({ where: { activeSlot: type } })) as JobRow | null;
    return row ? fromRow(row) : null;
  }

  async function findById(id: number): Promise<StoredJob | null> {
    const row = (await query().findOne({ where: { id } })) as JobRow | null;
    return row ? fromRow(row) : null;
  }

  /** Sets `data` on a job only while it is still `status` and claimed by `claimedBy`; whether it did. */
  async function updateIf(
    id: number,
    where: { status?: JobStatus | JobStatus[]; claimedBy?: string | null },
    data: Record<string, unknown>
  ): Promise<boolean> {
    const conditions: Record<string, unknown> = { id };
    if (where.status) conditions.status = Array.isArray(where.status) ? { $in: where.status } : where.status;
    if (where.claimedBy !== undefined) conditions.claimedBy = where.claimedBy;
    const { count } = await query().updateMany({ where: conditions, data: { ...data, updatedAt: new Date() } });
    return Number(count) === 1;
  }

  return {
    findById,
    findActive,

    async findByDocumentId(documentId: string): Promise<StoredJob | null> {
      const row = (await query().findOne({ where: { documentId } })) as JobRow | null;
      return row ? fromRow(row) : null;
    },

    /** The latest jobs first. */
    async list(limit: number): Promise<StoredJob[]> {
      const rows = (await query().findMany({ orderBy: { id: 'desc' }, limit })) as JobRow[];
      return rows.map(fromRow);
    },

    /**
     * Queues a job, unless one of its type is queued or running (in any process): then that one is answered. The
     * unique active slot decides between racing requests; a slot freed between the refused insert and the read is
     * tried again. A `runKey` (unique too) makes a scheduled start happen once, however many processes fire it: a
     * second create with the same key answers the job the first one made.
     */
    async create(request: JobRequest, startedBy: string | null, runKey: string | null = null): Promise<CreateResult> {
      const { type, ...params } = request;
      for (let attempt = 0; attempt < 3; attempt++) {
        const documentId = newDocumentId();
        const now = new Date();
        try {
          await query().create({
            data: {
              documentId,
              type,
              params,
              status: 'queued',
              ...zeroCounts(),
              total: null,
              cursor: null,
              failures: [],
              summary: [],
              startedBy,
              cancelRequested: false,
              takeovers: 0,
              activeSlot: type,
              runKey,
              createdAt: now,
              updatedAt: now,
            },
          });
        } catch (e) {
          if (runKey) {
            const same = (await query().findOne({ where: { runKey } })) as JobRow | null;
            if (same) return { duplicate: fromRow(same) };
          }
          const running = await findActive(type);
          if (running) return { running };
          if (attempt === 2) throw e;
          continue;
        }
        const created = (await query().findOne({ where: { documentId } })) as JobRow | null;
        if (!created) throw new Error('[customerly] the new job could not be read back');
        return { created: fromRow(created) };
      }
      throw new Error('[customerly] the job could not be queued');
    },

    /** Queued jobs, oldest first. */
    async queued(limit: number): Promise<StoredJob[]> {
      const rows = (await query().findMany({
        where: { status: 'queued' },
        orderBy: { id: 'asc' },
        limit,
      })) as JobRow[];
      return rows.map(fromRow);
    },

    /** Running jobs (to find those whose process died). */
    async running(): Promise<StoredJob[]> {
      const rows = (await query().findMany({ where: { status: 'running' }, orderBy: { id: 'asc' } })) as JobRow[];
      return rows.map(fromRow);
    },

    /** The processes whose heartbeat is fresh (delivery/heartbeats.ts): only they may hold a job. */
    async liveProcessIds(staleAfterMs: number = HEARTBEAT.staleAfterMs): Promise<Set<string>> {
      const rows = (await strapi.db.query(WORKER_PROCESS_UID).findMany({
        where: { heartbeatAt: { $gte: Date.now() - staleAfterMs } },
        select: ['processId'],
      })) as Array<{ processId: string }>;
      return new Set(rows.map((r) => r.processId));
    },

    /** Moves a queued job to running for this process; false when another process was first (or it was cancelled). */
    async claimQueued(job: StoredJob, processId: string): Promise<boolean> {
      return updateIf(
        job.id,
        { status: 'queued' },
        {
          status: 'running',
          claimedBy: processId,
          claimedAt: Date.now(),
          ...(job.startedAt ? {} : { startedAt: new Date() }),
        }
      );
    },

    /** Takes a running job over from a dead process: only if that process still holds it. */
    async takeOver(job: StoredJob, processId: string): Promise<boolean> {
      return updateIf(
        job.id,
        { status: 'running', claimedBy: job.claimedBy },
        { claimedBy: processId, claimedAt: Date.now(), takeovers: job.takeovers + 1 }
      );
    },

    /** Saves a batch's progress and cursor, if this process still holds the job; whether it did. */
    async saveProgress(
      job: StoredJob,
      processId: string,
      progress: { counts: JobCounts; failures: JobFailure[]; cursor: JobCursor | null; total?: number | null }
    ): Promise<boolean> {
      return updateIf(
        job.id,
        { status: 'running', claimedBy: processId },
        {
          ...progress.counts,
          failures: progress.failures,
          cursor: progress.cursor,
          ...(progress.total !== undefined ? { total: progress.total } : {}),
        }
      );
    },

    /** Ends a job this process holds (done, failed or cancelled), freeing its type's slot; whether it did. */
    async finish(
      job: StoredJob,
      processId: string,
      status: 'done' | 'failed' | 'cancelled',
      fields: { summary: string[]; error?: string }
    ): Promise<boolean> {
      return updateIf(
        job.id,
        { status: 'running', claimedBy: processId },
        {
          status,
          finishedAt: new Date(),
          activeSlot: null,
          summary: fields.summary,
          ...(fields.error ? { error: fields.error } : {}),
        }
      );
    },

    /** Puts a job this process holds back in the queue (a clean shutdown): another process goes on at once. */
    async release(job: StoredJob, processId: string): Promise<boolean> {
      return updateIf(job.id, { status: 'running', claimedBy: processId }, { status: 'queued', claimedBy: null });
    },

    /**
     * Cancels a job: a queued one at once; a running one is marked, and its runner stops after the batch in hand.
     */
    async cancel(documentId: string): Promise<CancelResult> {
      const row = (await query().findOne({ where: { documentId }, select: ['id'] })) as { id: number } | null;
      if (!row) return 'unknown';
      const now = new Date();
      const at = { cancelRequested: true };
      if (
        await updateIf(row.id, { status: 'queued' }, { ...at, status: 'cancelled', finishedAt: now, activeSlot: null })
      )
        return 'cancelled';
      // Running (or claimed since the first statement): marked for its runner.
      if (await updateIf(row.id, { status: 'running' }, at)) return 'requested';
      return 'finished';
    },

    /** Whether a cancel was asked for this job. */
    async cancelRequested(id: number): Promise<boolean> {
      const row = (await query().findOne({ where: { id }, select: ['cancelRequested'] })) as {
        cancelRequested?: unknown;
      } | null;
      return row?.cancelRequested === true || row?.cancelRequested === 1;
    },
  };
}

export type JobStore = ReturnType<typeof createJobStore>;
