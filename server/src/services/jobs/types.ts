import type { JobProgress, JobStatus, JobType } from '../../../../shared/contracts/jobs';

/** The counts of a job, without the total. */
export type JobCounts = Omit<JobProgress, 'total'>;
export const COUNT_KEYS = ['seen', 'created', 'updated', 'unchanged', 'skipped', 'failed'] as const satisfies Array<
  keyof JobCounts
>;
export const zeroCounts = (): JobCounts => ({ seen: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 });

/** At most this many failures are kept on a job, with their reasons. */
export const FAILURES_KEPT = 50;

/** Statuses of a job that is over: its active slot is free again. */
export const FINISHED_STATUSES = ['done', 'failed', 'cancelled'] as const satisfies JobStatus[];

export interface JobFailure {
  /** What failed (e.g. `user 12 (ann@example.com)`). */
  key: string;
  reason: string;
}

/** Where a job goes on from, and what it has to remember across batches (a JSON object, stored on the job). */
export type JobCursor = Record<string, unknown>;

/** A job row as the plugin reads it. */
export interface StoredJob {
  id: number;
  documentId: string;
  type: JobType;
  params: Record<string, unknown>;
  status: JobStatus;
  counts: JobCounts;
  total: number | null;
  cursor: JobCursor | null;
  failures: JobFailure[];
  summary: string[];
  startedBy: string | null;
  createdAt: Date | string | null;
  startedAt: Date | string | null;
  finishedAt: Date | string | null;
  error: string | null;
  claimedBy: string | null;
  takeovers: number;
  cancelRequested: boolean;
}

/** What one batch did: the cursor after it, the counts it adds, its failures, and whether the job is over. */
export interface JobStep {
  cursor: JobCursor;
  counts: Partial<JobCounts>;
  failures?: JobFailure[];
  /** True when there is nothing left after this batch. */
  done: boolean;
}

/**
 * One batch, read and decided, not yet written. The runner calls `commit` inside one database transaction together
 * with the job's progress and cursor (so a batch is written exactly once, even when its process dies mid-batch), then
 * `afterCommit` (events). A job whose work cannot run inside a transaction (an import: each contact is synced under
 * its own lock) does that work while planning and only returns its step from `commit`: it then relies on that work
 * being safe to repeat for the batch a crash interrupted.
 */
export interface PlannedBatch {
  commit(): Promise<JobStep>;
  afterCommit?(): void;
  /** The step that records every item of this batch as failed with `reason` (the batch could not be written). */
  failAll(reason: string): JobStep;
}

/** What a job of one type does, batch after batch. */
export interface JobHandler<Ctx = unknown> {
  type: JobType;
  /** Loads what every batch needs (settings, roles, …), when a process starts or takes over the job. */
  prepare(job: StoredJob): Promise<Ctx>;
  /** The number of items to go through, when it can be known up front (for the progress bar). */
  total?(ctx: Ctx, job: StoredJob): Promise<number | null>;
  /** Reads and decides the next batch of at most `size` items after `cursor` (null: from the start). */
  plan(ctx: Ctx, job: StoredJob, cursor: JobCursor | null, size: number): Promise<PlannedBatch>;
  /** The summary in words, once the job is over (also for a cancelled or failed job: what was done until then). */
  summarize(ctx: Ctx | undefined, job: StoredJob): string[];
}
