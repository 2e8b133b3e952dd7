import { z } from 'zod';
import type { ContactKind } from '../../../shared/contracts/webhook';
import {
  CustomerlyAuthError,
  CustomerlyRedirectError,
  CustomerlyResponseError,
  CustomerlyUnavailableError,
} from './errors';
import type { ConcurrencyLimiter } from './limiter';
import { backoffDelay, parseRetryAfter } from './retry';
import { sendOnce } from './http';
import {
  contactAnswerSchema,
  errorBodySchema,
  listAnswerSchema,
  tagsAnswerSchema,
  upsertAnswerSchema,
  type ApiContact,
  type ContactListSource,
  type ListRow,
} from './schemas';

/** Rows per page of `GET /users/list` and `GET /leads/list` (pages from 0; a shorter page is the last). */
export const LIST_PAGE_SIZE = 50;

export interface CustomerlyClientOptions {
  apiUrl: string;
  token: string;
  timeoutMs: number;
  maxRetries: number;
  /** The longest pause between two tries; a Retry-After longer than this is left to the queue (see `maxWaitMs`). */
  maxBackoffMs: number;
  /**
   * The wait budget: how long, counted from the client's creation, its calls may take in all (requests and the
   * pauses between retries) before a retry is handed to the caller instead. When the next pause (a Retry-After or
   * the backoff) would end past it, the call throws CustomerlyUnavailableError carrying that pause as
   * `retryAfterMs`, and the queue schedules the retry. A client is made per delivery (services/sync/customerly-api.ts),
   * so this bounds how long a synchronous webhook waits for Customerly. Undefined: no budget.
   */
  maxWaitMs?: number;
  /** Shared by every caller in the process, so all workers together respect one cap. */
  limiter: ConcurrencyLimiter;
  /** For tests of the backoff itself; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** For tests of the budget with an injected `sleep`; defaults to Date.now. */
  now?: () => number;
  onRetry?: (info: { attempt: number; status?: number; delayMs: number; reason: string }) => void;
}

export type { ContactKind };
export interface FoundContact {
  kind: ContactKind;
  contact: ApiContact;
}

const AUTH_MESSAGES = [/access token not found/i, /must provide a valid header authorization/i];
const NOT_FOUND_MESSAGE = /user doesn'?t exist|lead doesn'?t exist|not found/i;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One user of an outbound `POST /users` (services/outbound/mapping.ts builds it). */
export interface OutboundUser {
  email: string;
  user_id?: string;
  name?: string;
  attributes?: Record<string, string | number | boolean>;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; notFound: true };

/**
 * A small client for the Customerly REST API: both auth headers, a timeout per call, a process-wide concurrency
 * cap, and retries with backoff on 429/5xx/network errors (honouring Retry-After) within a wait budget; a longer
 * wait is the queue's job. An auth failure (Customerly answers HTTP 500 with a token message) is not retried, nor
 * is a redirect, which is never followed (the token would go with it). "User doesn't exist" is a normal not-found.
 */
export class CustomerlyClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  /** When the wait budget runs out (epoch ms; Infinity without one). */
  private readonly waitDeadline: number;
  /** How many HTTP requests this client sent, retries included. */
  requestCount = 0;

  constructor(private readonly opts: CustomerlyClientOptions) {
    this.sleep = opts.sleep ?? defaultSleep;
    this.now = opts.now ?? Date.now;
    this.waitDeadline = opts.maxWaitMs === undefined ? Infinity : this.now() + Math.max(0, opts.maxWaitMs);
  }

  /**
   * Finds a contact with one call: a lead by email when the payload said lead, else a user by external id when
   * known, else a user by email. Null when Customerly does not know it.
   */
  async findContact(query: { email: string; userId?: string; kind: ContactKind }): Promise<FoundContact | null> {
    if (query.kind === 'lead') {
      const lead = await this.getContact('/leads', { email: query.email });
      return lead ? { kind: 'lead', contact: lead } : null;
    }
    const user = await this.getContact('/users', query.userId ? { user_id: query.userId } : { email: query.email });
    return user ? { kind: 'user', contact: user } : null;
  }

  /** Writes attributes onto a contact (e.g. a returned password), through the bulk upsert keyed on email. */
  async writeAttributes(kind: ContactKind, email: string, attributes: Record<string, unknown>): Promise<void> {
    const path = kind === 'user' ? '/users' : '/leads';
    const listKey = kind === 'user' ? 'users' : 'leads';
    const answer = await this.request('POST', path, {}, { [listKey]: [{ email, attributes }] }, upsertAnswerSchema);
    if (!answer.ok) throw new CustomerlyResponseError(`Customerly did not find ${email} to update`, 404);
    const failed = [...(answer.value.data.errors ?? []), ...(answer.value.data.not_added ?? [])];
    if (failed.length) {
      // The rejected items echo the attributes sent (a password, say): report only that they were rejected.
      throw new CustomerlyResponseError(
        `Customerly did not accept the update of ${email} (${failed.length} item rejected)`,
        200
      );
    }
  }

  /**
   * One page of users or leads: `GET /users/list?page=N&per_page=50` (or `/leads/list`), pages from 0, each row
   * checked as a contact. A page shorter than LIST_PAGE_SIZE is the last one. Retries and waits as every call does;
   * "not found" on a later page is an empty page (the end), on the first one an error (the API URL is wrong).
   */
  async listContacts(source: ContactListSource, page: number): Promise<ListRow[]> {
    const path = `/${source}/list`;
    const answer = await this.request(
      'GET',
      path,
      { page: String(page), per_page: String(LIST_PAGE_SIZE) },
      undefined,
      listAnswerSchema(source)
    );
    if (answer.ok) return answer.value.data[source] ?? [];
    if (page > 0) return [];
    throw new CustomerlyResponseError(`Customerly answered GET ${path} with "not found"`, 404);
  }

  /**
   * Outbound: creates or updates users, `POST /users` `{"users":[…]}` (keyed on email; at most 50 a request, which the
   * caller batches). Answers the emails Customerly listed as not added (`errors` / `not_added` items naming one).
   * `tags` is never sent here: whether it replaces or adds to a contact's tags is unknown (tagUsers does tags).
   */
  async upsertUsers(users: OutboundUser[]): Promise<{ rejected: string[]; answer: Record<string, unknown> }> {
    const answer = await this.request('POST', '/users', {}, { users }, upsertAnswerSchema);
    if (!answer.ok) throw new CustomerlyResponseError('Customerly answered POST /users with "not found"', 404);
    const failed = [...(answer.value.data.errors ?? []), ...(answer.value.data.not_added ?? [])];
    const rejected = failed.flatMap((item) => {
      if (typeof item === 'string') return [item.toLowerCase()];
      if (item && typeof item === 'object') {
        const o = item as { email?: unknown; index?: unknown };
        if (typeof o.email === 'string') return [o.email.toLowerCase()];
        if (typeof o.index === 'number' && users[o.index]) return [users[o.index]!.email];
      }
      return [];
    });
    // The items echo what was sent: only counts are kept.
    const { inserted, updated } = answer.value.data;
    return { rejected, answer: { inserted, updated, rejected: failed.length } };
  }

  /** Outbound: `POST /tags` `{"tag", "users":[{"email"}…]}` tags users; with `untag` it removes the tag. */
  async tagUsers(tag: string, emails: string[], untag = false): Promise<void> {
    const body = { tag, users: emails.map((email) => ({ email })), ...(untag ? { untag: true } : {}) };
    const answer = await this.request('POST', '/tags', {}, body, z.unknown());
    if (!answer.ok) throw new CustomerlyResponseError('Customerly answered POST /tags with "not found"', 404);
  }

  /** Outbound: `DELETE /users?email=`. False when Customerly does not know the email (nothing to delete). */
  async deleteUser(email: string): Promise<boolean> {
    const answer = await this.request('DELETE', '/users', { email }, undefined, z.unknown());
    return answer.ok;
  }

  async listTags(): Promise<string[]> {
    const answer = await this.request('GET', '/tags', {}, undefined, tagsAnswerSchema);
    return answer.ok ? answer.value.data : [];
  }

  /**
   * Whether Customerly accepts the token ("Test connection"): `GET /tags`, any 2xx answer being a yes. Throws as
   * every call does (CustomerlyAuthError for a refused token); a 404 is a CustomerlyResponseError (a wrong API URL).
   */
  async checkToken(): Promise<void> {
    const answer = await this.request('GET', '/tags', {}, undefined, z.unknown());
    if (!answer.ok) throw new CustomerlyResponseError('Customerly answered GET /tags with "not found"', 404);
  }

  private async getContact(path: string, query: Record<string, string>): Promise<ApiContact | null> {
    const answer = await this.request('GET', path, query, undefined, contactAnswerSchema);
    return answer.ok ? answer.value.data : null;
  }

  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    query: Record<string, string>,
    body: unknown,
    schema: S
  ): Promise<Outcome<z.infer<S>>> {
    const url = new URL(this.opts.apiUrl.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const where = `${method} ${path}`;

    for (let attempt = 1; ; attempt++) {
      const result = await this.opts.limiter.run(() => {
        this.requestCount++;
        return sendOnce(method, url, body, this.opts);
      });
      const canRetry = attempt <= this.opts.maxRetries;

      if (result.type === 'redirect') throw new CustomerlyRedirectError(where, result.status, result.locationOrigin);
      if (result.type === 'network') {
        if (!canRetry) {
          throw new CustomerlyUnavailableError(
            `Customerly did not answer ${where}: ${result.reason}`,
            undefined,
            undefined,
            result.timedOut
          );
        }
        await this.wait(where, attempt, undefined, result.reason);
        continue;
      }

      const { status, text, retryAfter } = result;
      const json = safeJson(text);
      const apiError = errorBodySchema.safeParse(json);
      const message = apiError.success ? apiError.data.error.message : undefined;

      if (message && AUTH_MESSAGES.some((re) => re.test(message))) throw new CustomerlyAuthError(message);
      if (message && NOT_FOUND_MESSAGE.test(message)) return { ok: false, notFound: true };

      if (status === 429 || status >= 500) {
        const reason = `HTTP ${status}${message ? ` (${message})` : ''}`;
        const retryAfterMs = parseRetryAfter(retryAfter);
        if (!canRetry)
          throw new CustomerlyUnavailableError(`Customerly kept failing ${where}: ${reason}`, retryAfterMs, status);
        await this.wait(where, attempt, retryAfterMs, reason, status);
        continue;
      }
      if (status === 404) return { ok: false, notFound: true };
      if (status >= 400) {
        throw new CustomerlyResponseError(
          `Customerly refused ${where}: HTTP ${status}${message ? ` (${message})` : ''}`,
          status
        );
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new CustomerlyResponseError(
          `Customerly answered ${where} in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
          status
        );
      }
      return { ok: true, value: parsed.data };
    }
  }

  /**
   * The pause before retry `attempt`: the Retry-After when Customerly sent one, else the backoff. A pause that is
   * longer than maxBackoffMs (only a Retry-After can be) or that would end past the wait budget is not taken: the
   * call gives up with CustomerlyUnavailableError carrying the pause, and the queue retries after it.
   */
  private async wait(
    where: string,
    attempt: number,
    retryAfterMs: number | undefined,
    reason: string,
    status?: number
  ) {
    const delayMs = retryAfterMs ?? backoffDelay(attempt, this.opts.maxBackoffMs);
    const giveUp = (why: string) =>
      new CustomerlyUnavailableError(
        `Customerly kept failing ${where}: ${reason}; ${why}, so the retry is left to the queue`,
        delayMs,
        status
      );
    if (delayMs > this.opts.maxBackoffMs) {
      throw giveUp(
        `it asks to wait ${seconds(delayMs)}, more than customerly.maxBackoffMs (${seconds(this.opts.maxBackoffMs)})`
      );
    }
    if (this.now() + delayMs > this.waitDeadline) {
      throw giveUp(
        `waiting ${seconds(delayMs)} more would pass the ${seconds(this.opts.maxWaitMs ?? 0)} a delivery waits for Customerly`
      );
    }
    this.opts.onRetry?.({ attempt, status, delayMs, reason });
    await this.sleep(delayMs);
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
