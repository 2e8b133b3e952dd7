import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../../config/schema';
import { CustomerlyUnavailableError, LIST_PAGE_SIZE, type ContactListSource, type ListRow } from '../../customerly';
import { isCustomerlyError } from '../../customerly/errors';
import { getService } from '../../utils/get-service';
import { retryDelay } from '../../utils/transient';
import { createContactImporter, rowKey, type ContactOutcome, type ImportOptions } from './import-contact';
import type { JobCounts, JobCursor, JobFailure, JobHandler, JobStep, PlannedBatch, StoredJob } from './types';

/** The longest Retry-After an import honours before it reads a page again: a day (as the delivery queue). */
const MAX_RETRY_AFTER_MS = 86_400_000;
/** While a page waits for its retry, the job checks for a cancel or a shutdown at least this often. */
const WAIT_SLICE_MS = 1_000;
/** At most this many distinct Customerly failures are kept for the summary. */
const ERRORS_KEPT = 5;

/**
 * The import's cursor: the list and page to read next, and what the summary needs. A page is read and applied as one
 * batch; the cursor moves past it only once every contact of it is applied. While a page waits for a retry after a
 * transient failure, `retryAt` says when it is read again and `tries` how many times it failed in a row.
 */
export interface ImportCursor {
  source: ContactListSource;
  page: number;
  tries: number;
  retryAt: number | null;
  lastError: string | null;
  /** Pages read again after a transient failure (Customerly, the database), in all. */
  pageRetries: number;
  /** Distinct reasons of those failures (the first few). */
  errors: string[];
  /** Contacts left queued behind an earlier delivery of the same contact (the delivery worker applies them). */
  deferred: number;
  /** Rows met a second time on another page (the list moved while the job read it): applied once. */
  duplicates: number;
  /** Rows with and without tags. */
  rowsWithTags: number;
  rowsWithoutTags: number;
}

const firstList = (source: ImportOptions['source']): ContactListSource => (source === 'leads' ? 'leads' : 'users');

export function readImportOptions(job: Pick<StoredJob, 'params'>): ImportOptions {
  const p = job.params;
  return {
    source: p.source === 'users' || p.source === 'leads' ? p.source : 'both',
    mode: p.mode === 'create' ? 'create' : 'update',
    dryRun: p.dryRun === true,
    welcomeEmail: p.welcomeEmail === true,
    returnPassword: p.returnPassword === true,
    fetchTags: p.fetchTags === true,
  };
}

function readCursor(cursor: JobCursor | null, options: ImportOptions): ImportCursor {
  const c = (cursor ?? {}) as Partial<ImportCursor>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    source: c.source === 'users' || c.source === 'leads' ? c.source : firstList(options.source),
    page: num(c.page),
    tries: num(c.tries),
    retryAt: typeof c.retryAt === 'number' ? c.retryAt : null,
    lastError: typeof c.lastError === 'string' ? c.lastError : null,
    pageRetries: num(c.pageRetries),
    errors: Array.isArray(c.errors) ? c.errors.filter((e): e is string => typeof e === 'string') : [],
    deferred: num(c.deferred),
    duplicates: num(c.duplicates),
    rowsWithTags: num(c.rowsWithTags),
    rowsWithoutTags: num(c.rowsWithoutTags),
  };
}

/** The cursor after a whole page: the next page, the next list, or none (done). */
function nextPage(state: ImportCursor, rows: number, options: ImportOptions): { cursor: ImportCursor; done: boolean } {
  const reset = { tries: 0, retryAt: null, lastError: null };
  if (rows >= LIST_PAGE_SIZE) return { cursor: { ...state, ...reset, page: state.page + 1 }, done: false };
  if (options.source === 'both' && state.source === 'users') {
    return { cursor: { ...state, ...reset, source: 'leads', page: 0 }, done: false };
  }
  return { cursor: { ...state, ...reset }, done: true };
}

/** Runs `fn` over `items`, at most `limit` at a time; results in order. */
async function mapPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    })
  );
  return out;
}

/**
 * A page's deliveries are stored ahead of their turn, this many per worker in one commit (importer.storeAhead): the
 * import then pays one commit for several contacts before their users' own. Each of them holds its contact's lock
 * from then on, so a webhook for one of them waits behind the import for a few contacts' time at most.
 */
const STORE_AHEAD_PER_WORKER = 4;

/**
 * The deliveries of a page stored ahead in chunks of `size` rows, each chunk once one of its rows is wanted (a worker
 * reaching it): `stored(i)` is row i's delivery, or undefined when its chunk could not be stored ahead.
 */
function storedAhead<T>(size: number, store: (from: number, to: number) => Promise<Array<T | undefined>>) {
  const chunks = new Map<number, Promise<Array<T | undefined>>>();
  return async (i: number): Promise<T | undefined> => {
    const chunk = Math.floor(i / size);
    let p = chunks.get(chunk);
    if (!p) {
      p = store(chunk * size, (chunk + 1) * size).catch(() => []);
      chunks.set(chunk, p);
    }
    return (await p)[i - chunk * size];
  };
}

const noun = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const contacts = (n: number) => noun(n, 'contact', 'contacts');

/** What the job reads once when a process starts or takes it over. */
interface ImportContext {
  settings: PluginConfig;
}

/**
 * `import`: Customerly's users and/or leads, page after page (GET /users/list, /leads/list; 50 a page from page 0, a
 * short page ends a list; source `both` is the users, then the leads). One page is one batch, whatever the job
 * batch size: one page in memory at a time, and its contacts are applied `queue.concurrency` at a time.
 *
 * Each contact goes through the same sync as the webhook (import-contact.ts): stored as a delivery (`add` for mode
 * create, `update` for mode update; params `source: import`, the job, the list and the page, so the delivery log
 * shows where it came from) with an event id made from the job and the contact, then run when it is its contact's
 * turn, as a synchronous webhook. No welcome email unless `welcomeEmail`, no password return unless `returnPassword`,
 * no lookup of the contact unless `fetchTags` (list rows carry no tags: without it the users' tags are left as they
 * are). The work is done while the batch is planned, outside the job's transaction (each contact has its own lock);
 * a page done again after a crash finds its deliveries by event id, so no contact is applied twice and the counts
 * of that page are taken from what its deliveries did.
 *
 * Counts: `created`, `updated`, `unchanged` (applied, and its answer says nothing changed), `skipped` (the sync's
 * skips, e.g. no user in mode update, a lead that may not change a user; and contacts left queued behind an earlier
 * delivery of theirs), `failed` (with the reasons in the failures). A dry run reads the users only: `created` and
 * `updated` are what would be created and synced.
 *
 * Customerly failing mid-list (5xx after the client's retries, 429 beyond its wait, a timeout) or a transient
 * database failure: the page is read again after a back-off (the queue's `retryBaseMs`…`retryMaxMs`, at least the
 * Retry-After), up to `queue.maxAttempts` tries in a row; the cursor stays on that page. Past that the job fails,
 * naming the page, with the cursor still there.
 */
export function importHandler(strapi: Core.Strapi): JobHandler<ImportContext> {
  const importer = createContactImporter(strapi);
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const settingsNow = () => getService(strapi, 'settings').get();

  /** The step of a page that failed for now: same page, one more try, read again after the back-off. */
  function retryStep(state: ImportCursor, reason: string, settings: PluginConfig, askedMs = 0): JobStep {
    const tries = state.tries + 1;
    const where = `${state.source} page ${state.page}`;
    if (tries >= settings.queue.maxAttempts) {
      throw new Error(
        `reading Customerly's ${where} failed ${noun(tries, 'time', 'times')} in a row (${reason}): the job stopped on that page, with everything before it applied`
      );
    }
    const { retryBaseMs, retryMaxMs } = settings.queue;
    const waitMs = Math.max(retryDelay(tries, retryBaseMs, retryMaxMs), Math.min(askedMs, MAX_RETRY_AFTER_MS));
    strapi.log.warn(`[customerly] import: ${where} failed (${reason}); read again in ${Math.round(waitMs / 1000)} s`);
    const errors = state.errors.includes(reason) ? state.errors : [...state.errors, reason].slice(0, ERRORS_KEPT);
    const cursor: ImportCursor = {
      ...state,
      tries,
      retryAt: Date.now() + waitMs,
      lastError: reason,
      pageRetries: state.pageRetries + 1,
      errors,
    };
    return { cursor: { ...cursor }, counts: {}, done: false };
  }

  const planned = (step: JobStep, rows: ListRow[], list: ContactListSource): PlannedBatch => ({
    commit: async () => step,
    failAll(reason: string): JobStep {
      // The contacts are applied already: only the job's progress could not be saved.
      const failures: JobFailure[] = rows.map((r) => ({
        key: rowKey(list, r),
        reason: `the job's progress could not be saved: ${reason}`,
      }));
      return { ...step, counts: { seen: rows.length, failed: rows.length }, failures };
    },
  });

  return {
    type: 'import',

    async prepare(): Promise<ImportContext> {
      const settings = await settingsNow();
      if (!settings.apiToken) {
        throw new Error(
          'the import reads the contacts from the Customerly API, and no API token is set: paste it in Settings → Customerly (or set CUSTOMERLY_API_TOKEN), then start the import again'
        );
      }
      return { settings };
    },

    async plan(ctx, job, cursor): Promise<PlannedBatch> {
      const options = readImportOptions(job);
      const state = readCursor(cursor, options);
      const list = state.source;

      // A page waiting for its retry: wait a slice, then let the runner check for a cancel or a shutdown.
      if (state.retryAt !== null && state.retryAt > Date.now()) {
        await sleep(Math.min(state.retryAt - Date.now(), WAIT_SLICE_MS));
        return planned({ cursor: { ...state }, counts: {}, done: false }, [], list);
      }

      const settings = await settingsNow();
      ctx.settings = settings;
      const client = getService(strapi, 'customerly-api').client(settings);
      if (!client) throw new Error('no Customerly API token is set any more: the import cannot read the contacts');

      let rows: ListRow[];
      try {
        rows = await client.listContacts(list, state.page);
      } catch (e) {
        if (e instanceof CustomerlyUnavailableError) {
          return planned(retryStep(state, e.message, settings, e.retryAfterMs ?? 0), [], list);
        }
        if (isCustomerlyError(e)) throw new Error(`reading Customerly's ${list} page ${state.page}: ${e.message}`);
        throw e;
      }

      const place = { jobDocumentId: job.documentId, list, page: state.page };
      let outcomes: ContactOutcome[];
      if (options.dryRun) {
        outcomes = await mapPool(rows, settings.queue.concurrency, (row) =>
          importer.preview(options, list, row, settings)
        );
      } else {
        const prepared = rows.map((row) => importer.prepare(place, row));
        const concurrency = settings.queue.concurrency;
        const stored = storedAhead(STORE_AHEAD_PER_WORKER * concurrency, (from, to) =>
          importer.storeAhead(place, options, prepared.slice(from, to), settings)
        );
        outcomes = await mapPool(
          prepared.map((row, i) => ({ row, i })),
          concurrency,
          async ({ row, i }) => importer.apply(place, options, row, settings, await stored(i))
        );
      }

      const retry = outcomes.find((o): o is Extract<ContactOutcome, { kind: 'retry' }> => o.kind === 'retry');
      if (retry) {
        // The page is done again later: what this try applied is found again by event id, and counted then.
        const waitMs = Math.max(0, retry.retryAt - Date.now());
        return planned(retryStep(state, retry.reason, settings, waitMs), [], list);
      }

      const counts: Partial<JobCounts> = { seen: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
      const failures: JobFailure[] = [];
      let deferred = 0;
      let duplicates = 0;
      outcomes.forEach((o, i) => {
        if (o.kind === 'duplicate') {
          duplicates++;
          return;
        }
        counts.seen! += 1;
        if (o.kind === 'deferred') {
          deferred++;
          counts.skipped! += 1;
        } else if (o.kind === 'failed') {
          counts.failed! += 1;
          failures.push({ key: rowKey(list, rows[i]!), reason: o.reason });
        } else if (o.kind !== 'retry') counts[o.kind]! += 1;
      });
      const withTags = rows.filter((r) => Array.isArray(r.tags)).length;
      const next = nextPage(
        {
          ...state,
          deferred: state.deferred + deferred,
          duplicates: state.duplicates + duplicates,
          rowsWithTags: state.rowsWithTags + withTags,
          rowsWithoutTags: state.rowsWithoutTags + rows.length - withTags,
        },
        rows.length,
        options
      );
      return planned({ cursor: { ...next.cursor }, counts, failures, done: next.done }, rows, list);
    },

    summarize(ctx, job): string[] {
      const options = readImportOptions(job);
      const state = readCursor(job.cursor, options);
      const { created, updated, unchanged, skipped, failed, seen } = job.counts;
      const lists = options.source === 'both' ? 'users and leads' : options.source;
      const lines: string[] = [];
      if (options.dryRun) {
        lines.push(
          `Dry run: nothing was changed and no delivery was stored (${contacts(seen)} read from the ${lists}).`
        );
        lines.push(
          `${noun(created, 'user', 'users')} would be created, ${noun(updated, 'user', 'users')} synced (whether a field would change is not checked), ${contacts(skipped)} skipped.`
        );
      } else {
        lines.push(
          `${contacts(seen)} read from the ${lists}: ${created} created, ${updated} updated, ${unchanged} unchanged, ${skipped} skipped, ${failed} failed.`
        );
      }
      if (!options.dryRun && state.rowsWithoutTags > 0) {
        lines.push(
          options.fetchTags
            ? `Tags were not in the list: they were fetched from Customerly for each of those ${contacts(state.rowsWithoutTags)} (one lookup by email each).`
            : 'Tags were not in the list; they arrive with the next webhook (or run the import again with "fetch tags"). The users\' tags were left as they were.'
        );
      }
      if (state.deferred > 0) {
        lines.push(
          `${contacts(state.deferred)} waited behind an earlier delivery of the same contact: they stay queued and the delivery worker applies them after it (see Customerly → Deliveries).`
        );
      }
      if (state.duplicates > 0) {
        lines.push(
          `${contacts(state.duplicates)} appeared twice in the list (contacts were added or removed while the job read it): each was applied once.`
        );
      }
      if (state.pageRetries > 0) {
        lines.push(
          `A page was read again ${noun(state.pageRetries, 'time', 'times')} after a transient failure: ${state.errors.join('; ')}.`
        );
      }
      if (options.welcomeEmail && options.mode === 'create' && !options.dryRun) {
        lines.push('New users were sent the welcome email (a delivery whose email could not be sent says why).');
      }
      if (options.returnPassword && !options.dryRun) {
        const attribute = ctx?.settings.returnPassword.attribute.trim();
        lines.push(
          attribute
            ? `The generated passwords of new users were returned to the Customerly attribute "${attribute}" (a delivery whose password could not be returned says why).`
            : 'No password was returned: no Customerly attribute is set for it (Settings → Customerly → Return password).'
        );
      }
      if (failed > 0) lines.push(`${contacts(failed)} could not be imported: see the failures.`);
      return lines;
    },
  };
}
