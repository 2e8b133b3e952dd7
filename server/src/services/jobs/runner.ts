import type { Core } from '@strapi/strapi';
import { describeError } from '../../utils/describe-error';
import { isTransient } from '../../utils/transient';
import { handlerFor } from './handlers';
import { addStep, type JobStore } from './store';
import type { JobStep, PlannedBatch, StoredJob } from './types';

/** Thrown when this process no longer holds the job (another process took it over): nothing of the batch is kept. */
class LostClaim extends Error {
  constructor() {
    super('another process holds this job now');
  }
}

/** Tries of a batch that meets a busy database, a deadlock or a lost connection, before the job fails. */
const TRANSIENT_TRIES = 5;

export interface RunnerDeps {
  strapi: Core.Strapi;
  store: JobStore;
  processId: string;
  /** The current jobs config (batch size, delay). */
  config: () => { batchSize: number; batchDelayMs: number };
  /** True once this process is shutting down: the job goes back to the queue after the batch in hand. */
  stopping: () => boolean;
  /** Waits, or less when the process starts shutting down. */
  sleep: (ms: number) => Promise<void>;
}

/**
 * Runs one job that this process has claimed, batch after batch, from its stored cursor:
 *  - before each batch: a cancel asked for ends it (`cancelled`), a shutdown puts it back in the queue;
 *  - each batch is planned by the job type's handler, then written in one transaction together with the job's
 *    counts and cursor, on condition that this process still holds the job: a crash mid-batch leaves neither, so the
 *    process that takes over does that batch again from the same cursor, and nothing is done twice;
 *  - a batch that fails for good is done again one item at a time, so that only the item at fault is counted failed;
 *  - an error outside a batch fails the job, with the error.
 */
export async function runJob(deps: RunnerDeps, claimed: StoredJob): Promise<void> {
  const { strapi, store, processId } = deps;
  const log = (level: 'info' | 'warn' | 'error', text: string) =>
    strapi.log[level](`[customerly] job ${claimed.documentId} (${claimed.type}): ${text}`);
  let job = claimed;
  const handler = handlerFor(strapi, job.type);
  let ctx: unknown;

  const finish = async (status: 'done' | 'failed' | 'cancelled', error?: string, extra: string[] = []) => {
    let summary: string[] = [];
    try {
      summary = handler ? handler.summarize(ctx, job) : [];
    } catch (e) {
      summary = [`The summary could not be written: ${describeError(e)}`];
    }
    const ok = await store.finish(job, processId, status, { summary: [...extra, ...summary], error });
    if (!ok) log('warn', 'it was taken over by another process before it could be marked finished');
    else log(status === 'failed' ? 'warn' : 'info', `${status}${error ? `: ${error}` : ''}`);
  };

  try {
    if (!handler) {
      await finish('failed', `Jobs of type "${job.type}" are not available in this version of the plugin.`);
      return;
    }
    ctx = await withTransientRetries(deps, () => handler.prepare(job));
    if (job.total === null && handler.total) {
      const total = await handler.total(ctx, job);
      const saved = await store.saveProgress(job, processId, {
        counts: job.counts,
        failures: job.failures,
        cursor: job.cursor,
        total,
      });
      if (!saved) throw new LostClaim();
      job = { ...job, total };
    }
    let isolate = 0;
    for (;;) {
      if (await store.cancelRequested(job.id)) {
        await finish('cancelled', undefined, [`Cancelled after ${job.counts.seen} of ${job.total ?? '?'} items.`]);
        return;
      }
      if (deps.stopping()) {
        if (await store.release(job, processId))
          log('info', 'this process is stopping: the job is queued again and goes on from its last batch');
        return;
      }
      const { batchSize, batchDelayMs } = deps.config();
      const size = isolate > 0 ? 1 : batchSize;
      const batch = await withTransientRetries(deps, () => handler.plan(ctx, job, job.cursor, size));
      let step: JobStep;
      try {
        step = await withTransientRetries(deps, () => commitBatch(deps, job, batch));
      } catch (e) {
        if (e instanceof LostClaim) throw e;
        if (size > 1) {
          // Again one at a time: only the item at fault fails.
          isolate = size;
          log('warn', `a batch could not be written (${describeError(e)}): going through it one item at a time`);
          continue;
        }
        step = batch.failAll(describeError(e));
        const next = addStep(job, step);
        if (!(await store.saveProgress(job, processId, { ...next, cursor: step.cursor }))) throw new LostClaim();
      }
      job = { ...job, ...addStep(job, step), cursor: step.cursor };
      if (isolate > 0) isolate--;
      if (step.done) {
        await finish('done');
        return;
      }
      if (batchDelayMs > 0) await deps.sleep(batchDelayMs);
    }
  } catch (e) {
    if (e instanceof LostClaim) {
      log('warn', 'another process took it over (this one was taken for dead): this process stops running it');
      return;
    }
    const reason = describeError(e);
    try {
      await finish('failed', `The job stopped: ${reason}`);
    } catch (e2) {
      // The job stays running under this process's claim: its worker finds it again and resumes it.
      log('error', `failed (${reason}) and could not be marked failed: ${describeError(e2)}`);
    }
  }
}

/**
 * One batch and the job's progress in one transaction, on condition that this process still holds the job; then its
 * events. What the handler writes in `commit` goes through strapi.db.query, so it joins the transaction.
 */
async function commitBatch(deps: RunnerDeps, job: StoredJob, batch: PlannedBatch): Promise<JobStep> {
  const step = await deps.strapi.db.transaction(async () => {
    const s = await batch.commit();
    const next = addStep(job, s);
    if (!(await deps.store.saveProgress(job, deps.processId, { ...next, cursor: s.cursor }))) throw new LostClaim();
    return s;
  });
  try {
    batch.afterCommit?.();
  } catch (e) {
    deps.strapi.log.warn(`[customerly] job ${job.documentId}: an event listener failed: ${describeError(e)}`);
  }
  return step;
}

async function withTransientRetries<T>(deps: RunnerDeps, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof LostClaim || !isTransient(e) || attempt >= TRANSIENT_TRIES) throw e;
      await deps.sleep(200 * 2 ** attempt);
    }
  }
}
