import type { Db } from './connection-transaction';

/** A unit of work of one request: statements only, in the transaction it is given (no other await, no side effect). */
export type Work<T> = (trx: Db) => Promise<T>;

/** Runs a work in a transaction of its own, committed when the work resolves (connection-transaction.ts). */
export type InTransaction = <T>(work: Work<T>) => Promise<T>;

/** One request at the intake: it has arrived, and will either commit its work or leave without any. */
export interface IntakeTicket {
  /** Runs `work` in a transaction shared with the requests around it; resolves once that transaction committed. */
  commit<T>(work: Work<T>): Promise<T>;
  /** The request stops before storing anything (refused, or a test): the others do not wait for it. */
  leave(): void;
}

interface Pending {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** The longest a batch waits for requests already at the intake to join it (ms). */
  gatherMs: number;
  /** The most works in one transaction. */
  maxBatch: number;
}

/**
 * Group commit: the requests at the intake at the same time share one transaction, so one commit (one fsync on
 * SQLite, one WAL flush on PostgreSQL) stores all of them; each is answered once that commit is done, so "a 2xx means
 * stored" holds for every one of them.
 *
 * A request takes a ticket when it arrives (before its checks) and commits its work or leaves. A batch starts at the
 * next turn of the event loop when no other request is on its way; when some are, it waits for them, at most
 * `gatherMs`. Works that arrive
 * while a batch is being committed form the next batch. When a shared transaction fails, each of its works is run
 * again alone, so that only the caller whose work fails sees the error.
 */
export function createGroupCommit(inTransaction: InTransaction, options: GroupCommitOptions) {
  let pending: Pending[] = [];
  let expected = 0;
  let flushing = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  const alone = (p: Pending) => inTransaction(p.work).then(p.resolve, p.reject);

  async function commitBatch(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return alone(batch[0]!);
    let results: unknown[];
    try {
      results = await inTransaction(async (trx) => {
        const out: unknown[] = [];
        for (const p of batch) out.push(await p.work(trx));
        return out;
      });
    } catch {
      // One of them failed and the transaction was rolled back: each alone, its own error to its own caller.
      for (const p of batch) await alone(p);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = immediate = undefined;
    if (flushing) return;
    flushing = true;
    try {
      while (pending.length) {
        const batch = pending.slice(0, options.maxBatch);
        pending = pending.slice(batch.length);
        await commitBatch(batch);
      }
    } finally {
      flushing = false;
    }
  }

  /**
   * Starts a batch once the requests that came in with this one had their turn (the next turn of the event loop,
   * after its I/O) when nobody else is on the way, or after `gatherMs` at most. Never at once: with a synchronous
   * driver (better-sqlite3) a transaction started now would be committed before the requests read in the same turn
   * reach the intake, and every request would pay its own commit.
   */
  function schedule() {
    if (flushing || !pending.length) return;
    if (expected === 0 || pending.length >= options.maxBatch) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      immediate ??= setImmediate(() => void flush());
    } else timer ??= setTimeout(() => void flush(), options.gatherMs);
  }

  return {
    arrive(): IntakeTicket {
      expected++;
      let here = true;
      const leave = () => {
        if (!here) return;
        here = false;
        expected--;
        schedule();
      };
      return {
        commit<T>(work: Work<T>): Promise<T> {
          const done = new Promise<T>((resolve, reject) => {
            pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
          });
          leave();
          schedule();
          return done;
        },
        leave,
      };
    },
    /** Requests on their way to the intake (for tests). */
    get expected() {
      return expected;
    },
  };
}
