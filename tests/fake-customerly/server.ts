/**
 * A fake Customerly REST API for tests (see /work/shared/docs/customerly.md).
 *
 * Node built-ins only. Listens on 127.0.0.1 on a random port and serves the API under `/v1`.
 *
 *   const fake = await startFakeCustomerly();
 *   // point the plugin at fake.url (e.g. CUSTOMERLY_API_URL=fake.url) with fake.token
 *   fake.addUser({ email: 'a@b.co', tags: ['vip'] });
 *   fake.fault({ kind: 'status', status: 503, times: 1 });
 *   fake.fault({ kind: 'redirect', status: 307, location: other.url, keepPath: true });
 *   fake.seedContacts({ users: 10_000, leads: 500, tags: (i) => (i % 2 ? ['vip'] : []) });
 *   fake.fault({ kind: 'status', status: 500, path: '/users/list', page: 3, times: 2 });
 *   ...
 *   await fake.close();
 *
 * Every request is recorded in `fake.requests` (before faults and auth are applied), so tests can
 * see what the client sent even when the fake answered with an error or never answered. List calls
 * (`GET /users/list`, `GET /leads/list`) also carry their parsed `list: { source, page, perPage }`.
 *
 * Paging (customerly.md, "page through users / leads", seen): pages start at 0, rows are ordered by
 * crmhero_user_id, a short or empty page ends the list. `per_page` defaults to 50; above `maxPerPage`
 * (default 50: the real cap is unknown, clients in the wild send 50) it is silently clamped, so a client
 * asking for more gets a page that looks short.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** A contact as the fake stores it. `tags` is internal: the API only shows it when `includeTagsInContacts`. */
export interface FakeContact {
  crmhero_user_id: number;
  /** External id; users only, optional. */
  user_id?: string;
  email: string;
  name: string | null;
  is_user: 0 | 1;
  app_id: string;
  attributes: Record<string, unknown>;
  tags: string[];
  /** Unix seconds. */
  last_update: number;
  /** Unix seconds. */
  first_seen_at: number;
  /** Unix seconds. */
  last_activity: number;
}

/** What `addUser` / `addLead` accept: an email plus any other contact field. */
export type FakeContactInput = Partial<Omit<FakeContact, 'is_user' | 'email'>> & { email: string };

export interface RecordedRequest {
  method: string;
  /** Path relative to `/v1` (e.g. `/users`) when under it, otherwise the raw pathname. No query string. */
  path: string;
  /** The raw pathname as received (e.g. `/v1/users`). */
  fullPath: string;
  query: Record<string, string>;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw string if it is not JSON, or `undefined` when the body is empty. */
  body: unknown;
  /** `Date.now()` when the request was fully received. */
  at: number;
  /** HTTP status the fake answered with; undefined while pending or when it never answered (hang). */
  status?: number;
  /** Set on `GET /users/list` and `GET /leads/list` with a valid page and per_page (before faults and auth). */
  list?: ListCall;
}

/** Which list a list call reads. */
export type ContactKind = 'users' | 'leads';

/** A list call as parsed by the fake: `perPage` is the effective (defaulted and clamped) page size. */
export interface ListCall {
  source: ContactKind;
  page: number;
  perPage: number;
}

/** A recorded request that is a list call. */
export type RecordedListRequest = RecordedRequest & { list: ListCall };

export interface FaultFilter {
  /** How many matching requests this fault applies to; default: forever (until `clearFaults()`). */
  times?: number;
  /**
   * Only requests on this path. A string matches the path relative to `/v1` (`/users`) or the full
   * pathname (`/v1/users`); a RegExp is tested against both.
   */
  path?: string | RegExp;
  /** Only requests with this HTTP method (case-insensitive). */
  method?: string;
  /**
   * Only list calls (`GET /users/list`, `GET /leads/list`; narrow with `path`) for this page (0-based; a call
   * without `page` is page 0), or for pages the predicate accepts. Never matches any other request.
   */
  page?: number | ((page: number) => boolean);
}

export type Fault =
  | (FaultFilter & { kind: 'latency'; ms: number })
  | (FaultFilter & { kind: 'status'; status: 500 | 502 | 503 })
  | (FaultFilter & { kind: 'rateLimit'; retryAfter: number })
  /**
   * Answers with a redirect to `location` (e.g. another loopback server that records what reaches it). With
   * `keepPath` the request's path and query are appended to `location`, as a host move would.
   */
  | (FaultFilter & { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; location: string; keepPath?: boolean })
  | (FaultFilter & { kind: 'hang' })
  /** Answers `status` with `body` as given (a string is sent raw, anything else as JSON), e.g. a malformed page. */
  | (FaultFilter & { kind: 'respond'; status: number; body: unknown; headers?: Record<string, string> });

export interface FakeCustomerlyOptions {
  /** Access token the fake accepts; default a random string. */
  token?: string;
  /** HTTP status for "User doesn't exist" (lookups of a missing contact); default 404. */
  notFoundStatus?: number;
  /** Whether contacts returned by the API carry `tags: string[]`; default false (as the real API seems to). */
  includeTagsInContacts?: boolean;
  /** `app_id` put on contacts; default "fakeapp1". */
  appId?: string;
  /**
   * Whether rows of `GET /users/list` / `GET /leads/list` carry `tags: string[]`; default false (customerly.md:
   * no source shows tags on a contact returned by the API). Independent of `includeTagsInContacts`.
   */
  listIncludesTags?: boolean;
  /**
   * Largest number of items one `POST /users` / `POST /leads` may carry; more answers 400. Default 50 (the size
   * clients in the wild send; the real cap is unknown), so a test proves a client batches.
   */
  maxUpsertItems?: number;
  /** Largest `per_page` honoured by the list endpoints; larger values are clamped to it. Default 50. */
  maxPerPage?: number;
}

/** What `seedContacts` accepts. Callbacks get the contact's index `i` (from `from`) and its kind. */
export interface SeedOptions {
  /** How many users to seed: emails `user{i}@import.test`. Default 0. */
  users?: number;
  /** How many leads to seed: emails `lead{i}@import.test`. Default 0. */
  leads?: number;
  /** First index (both kinds); default 0. Seed again with a larger `from` to add more contacts. */
  from?: number;
  /** Tags of contact i; default none. */
  tags?: (i: number, kind: ContactKind) => string[];
  /** Attributes of contact i; default `{}`. */
  attributes?: (i: number, kind: ContactKind) => Record<string, unknown>;
  /** Name of contact i; default `User {i}` / `Lead {i}`. */
  name?: (i: number, kind: ContactKind) => string | null;
  /** External user_id of user i (undefined: none); default `u{i}`. */
  userId?: (i: number) => string | undefined;
}

/** What `seedContacts` did: indexes `from`..`from + count - 1` of each kind, and their crmhero_user_id range. */
export interface SeedResult {
  users: { count: number; firstId?: number; lastId?: number };
  leads: { count: number; firstId?: number; lastId?: number };
}

export interface FakeCustomerly {
  /** Base URL of the API, e.g. `http://127.0.0.1:PORT/v1` (no trailing slash). */
  readonly url: string;
  /** Origin without `/v1`, e.g. `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Mutable options (notFoundStatus / includeTagsInContacts can be changed between requests). */
  readonly options: Required<Omit<FakeCustomerlyOptions, 'token'>>;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Stops the server, destroying open (also hanging) sockets. Idempotent. */
  close(): Promise<void>;
  /** Clears contacts, tags, requests and faults (and restarts crmhero_user_id at 1). */
  reset(): void;

  /** Create (or merge into, if the email exists) a user. Returns a copy of the stored contact. */
  addUser(c: FakeContactInput): FakeContact;
  /** Create (or merge into, if the email exists) a lead. Returns a copy of the stored contact. */
  addLead(c: FakeContactInput): FakeContact;
  /** A copy of the user with that email (case-insensitive), or undefined. */
  getUser(email: string): FakeContact | undefined;
  /** A copy of the lead with that email (case-insensitive), or undefined. */
  getLead(email: string): FakeContact | undefined;
  /** Copies of all users, by crmhero_user_id. */
  listUsers(): FakeContact[];
  /** Copies of all leads, by crmhero_user_id. */
  listLeads(): FakeContact[];
  /** All tag names known (created or in use), in creation order. */
  listTags(): string[];
  /**
   * Seeds many contacts fast (users first, then leads, crmhero ids in that order; an email that exists is
   * merged as addUser/addLead would). Emails are `seedEmail(kind, i)`. Lookups, lists and tags all see them.
   */
  seedContacts(o: SeedOptions): SeedResult;
  /** Number of users / leads stored (cheap; no copies). */
  count(kind: ContactKind): number;

  /** Add a fault; faults apply in the order added. */
  fault(f: Fault): void;
  clearFaults(): void;
  /** Faults still active (copies), with their remaining `times`. */
  listFaults(): Fault[];
  /** Requests recorded so far matching a method and/or path (same path rules as faults). */
  requestsTo(method?: string, path?: string | RegExp): RecordedRequest[];
  /** Recorded list calls (all, or of one kind), in order, including the ones answered by a fault. */
  listRequests(source?: ContactKind): RecordedListRequest[];
  /** How many times each page of a list was requested (retries included): `{ 0: 1, 1: 3, ... }`. */
  pageCounts(source: ContactKind): Record<number, number>;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const API_PREFIX = '/v1';
const DEFAULT_PER_PAGE = 50;
const DEFAULT_MAX_PER_PAGE = 50;
const SEED_DOMAIN = 'import.test';
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The email `seedContacts` gives contact i: `user{i}@import.test` / `lead{i}@import.test`. */
export function seedEmail(kind: ContactKind, i: number): string {
  return `${kind === 'users' ? 'user' : 'lead'}${i}@${SEED_DOMAIN}`;
}

export const MESSAGES = {
  noToken: 'Access token not found.',
  badToken: 'You must provide a valid header Authorization: Bearer <TOKEN>',
  notFound: "User doesn't exist",
} as const;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: number = status
  ) {
    super(message);
  }
}

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function normEmail(e: string): string {
  return e.trim().toLowerCase();
}

function tagName(t: unknown): string | undefined {
  if (typeof t === 'string') return t.trim() || undefined;
  if (isObject(t) && typeof t.name === 'string') return t.name.trim() || undefined;
  return undefined;
}

function errorBody(message: string, code: number): { error: { message: string; code: number } } {
  return { error: { message, code } };
}

function pathMatches(filter: string | RegExp, rel: string, full: string): boolean {
  if (typeof filter === 'string') {
    const f = filter.length > 1 ? filter.replace(/\/+$/, '') : filter;
    return f === rel || f === full;
  }
  return filter.test(rel) || filter.test(full);
}

function methodMatches(filter: string | undefined, method: string): boolean {
  return filter === undefined || filter.toUpperCase() === method.toUpperCase();
}

function pageMatches(filter: FaultFilter['page'], list: ListCall | undefined): boolean {
  if (filter === undefined) return true;
  if (list === undefined) return false;
  return typeof filter === 'number' ? filter === list.page : filter(list.page);
}

const LIST_ROUTES: Record<string, ContactKind> = { '/users/list': 'users', '/leads/list': 'leads' };

/** Parses a list call's page and per_page; `undefined` when it is not a list call, a message when invalid. */
function parseListCall(
  method: string,
  rel: string,
  query: Record<string, string>,
  maxPerPage: number
): ListCall | string | undefined {
  const source = method === 'GET' ? LIST_ROUTES[rel] : undefined;
  if (source === undefined) return undefined;
  const page = query.page === undefined ? 0 : Number(query.page);
  const asked = query.per_page === undefined ? DEFAULT_PER_PAGE : Number(query.per_page);
  if (query.page === '' || !Number.isInteger(page) || page < 0) return 'Invalid page';
  if (query.per_page === '' || !Number.isInteger(asked) || asked < 1) return 'Invalid per_page';
  return { source, page, perPage: Math.min(asked, Math.max(1, maxPerPage)) };
}

/**
 * Contacts of one kind with an email index and a cached crmhero_user_id order, so 10,000 contacts cost
 * no scans on upsert, lookup or paging.
 */
/** The keys a `POST /users` item may have (customerly.md); `POST /leads` items have no user_id. */
const UPSERT_USER_KEYS = ['email', 'user_id', 'name', 'attributes', 'tags'];
const UPSERT_LEAD_KEYS = ['email', 'name', 'attributes', 'tags'];
/** The keys of a `POST /tags` body, and of one of its users/leads items. */
const TAG_BODY_KEYS = ['tag', 'users', 'leads', 'untag'];
const TAG_REF_KEYS = ['email', 'user_id', 'crmhero_user_id'];

class ContactStore {
  readonly all: FakeContact[] = [];
  private readonly byEmail = new Map<string, FakeContact>();
  private ordered: FakeContact[] | null = null;

  find(email: string): FakeContact | undefined {
    return this.byEmail.get(normEmail(email));
  }

  add(c: FakeContact): void {
    this.all.push(c);
    this.byEmail.set(normEmail(c.email), c);
    this.ordered = null;
  }

  /** Call after a crmhero_user_id changes. */
  reorder(): void {
    this.ordered = null;
  }

  sorted(): FakeContact[] {
    this.ordered ??= [...this.all].sort((a, b) => a.crmhero_user_id - b.crmhero_user_id);
    return this.ordered;
  }

  remove(c: FakeContact): void {
    const i = this.all.indexOf(c);
    if (i !== -1) this.all.splice(i, 1);
    this.byEmail.delete(normEmail(c.email));
    this.ordered = null;
  }

  clear(): void {
    this.all.length = 0;
    this.byEmail.clear();
    this.ordered = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export async function startFakeCustomerly(opts: FakeCustomerlyOptions = {}): Promise<FakeCustomerly> {
  const token = opts.token ?? randomBytes(16).toString('hex');
  const options: Required<Omit<FakeCustomerlyOptions, 'token'>> = {
    notFoundStatus: opts.notFoundStatus ?? 404,
    includeTagsInContacts: opts.includeTagsInContacts ?? false,
    appId: opts.appId ?? 'fakeapp1',
    listIncludesTags: opts.listIncludesTags ?? false,
    maxPerPage: opts.maxPerPage ?? DEFAULT_MAX_PER_PAGE,
    maxUpsertItems: opts.maxUpsertItems ?? 50,
  };
  const maxUpsertItems = options.maxUpsertItems;

  const users = new ContactStore();
  const leads = new ContactStore();
  const tags: string[] = [];
  const requests: RecordedRequest[] = [];
  let faults: Array<Fault & { remaining: number }> = [];
  let nextId = 1;

  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  // ----- state -----

  function ensureTag(name: string): void {
    if (!tags.includes(name)) tags.push(name);
  }

  function findByEmail(list: ContactStore, email: string): FakeContact | undefined {
    return list.find(email);
  }

  function upsert(
    list: ContactStore,
    isUser: boolean,
    input: {
      email: string;
      user_id?: unknown;
      name?: unknown;
      attributes?: unknown;
      tags?: unknown;
    },
    extra: Partial<FakeContact> = {}
  ): { contact: FakeContact; inserted: boolean } {
    const t = nowSec();
    let contact = findByEmail(list, input.email);
    const inserted = !contact;
    if (!contact) {
      contact = {
        crmhero_user_id: nextId++,
        email: input.email,
        name: null,
        is_user: isUser ? 1 : 0,
        app_id: options.appId,
        attributes: {},
        tags: [],
        last_update: t,
        first_seen_at: t,
        last_activity: t,
      };
      list.add(contact);
    }
    if (isUser && input.user_id !== undefined && input.user_id !== null && input.user_id !== '') {
      contact.user_id = String(input.user_id);
    }
    if (typeof input.name === 'string') contact.name = input.name;
    if (isObject(input.attributes)) Object.assign(contact.attributes, clone(input.attributes));
    if (Array.isArray(input.tags)) {
      for (const raw of input.tags) {
        const n = tagName(raw);
        if (n === undefined) continue;
        ensureTag(n);
        if (!contact.tags.includes(n)) contact.tags.push(n);
      }
    }
    contact.last_update = t;
    // Fields set directly by test helpers (ids, timestamps, app_id...).
    for (const [k, v] of Object.entries(extra)) {
      if (v !== undefined) (contact as unknown as Record<string, unknown>)[k] = clone(v);
    }
    if (extra.crmhero_user_id !== undefined) {
      list.reorder();
      if (extra.crmhero_user_id >= nextId) nextId = extra.crmhero_user_id + 1;
    }
    return { contact, inserted };
  }

  function addContact(c: FakeContactInput, isUser: boolean): FakeContact {
    if (!isObject(c) || typeof c.email !== 'string' || !c.email) {
      throw new TypeError('fake-customerly: a contact needs an email');
    }
    const { email, user_id, name, attributes, tags: tagList, ...rest } = c;
    if (!isUser && user_id !== undefined) {
      throw new TypeError('fake-customerly: leads have no user_id');
    }
    const { contact } = upsert(
      isUser ? users : leads,
      isUser,
      { email, user_id, name, attributes, tags: tagList },
      rest
    );
    return clone(contact);
  }

  function view(c: FakeContact, withTags = options.includeTagsInContacts): Record<string, unknown> {
    const out: Record<string, unknown> = clone(c) as unknown as Record<string, unknown>;
    if (!withTags) delete out.tags;
    if (out.user_id === undefined) delete out.user_id;
    return out;
  }

  /**
   * A list row: the contact plus location, browser and UTM fields, which customerly.md says list rows carry
   * (their exact names are unknown; these are here so an import meets fields it must ignore).
   */
  function listRow(c: FakeContact): Record<string, unknown> {
    return {
      ...view(c, options.listIncludesTags),
      country: null,
      city: null,
      browser: null,
      os: null,
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
    };
  }

  function seedContacts(o: SeedOptions): SeedResult {
    if (!isObject(o as unknown)) throw new TypeError('fake-customerly: seedContacts needs options');
    const from = o.from ?? 0;
    const result: SeedResult = { users: { count: 0 }, leads: { count: 0 } };
    for (const kind of ['users', 'leads'] as const) {
      const n = o[kind] ?? 0;
      if (!Number.isInteger(n) || n < 0 || !Number.isInteger(from) || from < 0) {
        throw new RangeError('fake-customerly: seed counts and from must be integers >= 0');
      }
      const isUser = kind === 'users';
      const store = isUser ? users : leads;
      const out = result[kind];
      for (let i = from; i < from + n; i++) {
        const { contact } = upsert(store, isUser, {
          email: seedEmail(kind, i),
          user_id: isUser ? (o.userId ? o.userId(i) : `u${i}`) : undefined,
          name: o.name ? o.name(i, kind) : `${isUser ? 'User' : 'Lead'} ${i}`,
          attributes: o.attributes?.(i, kind),
          tags: o.tags?.(i, kind),
        });
        out.firstId ??= contact.crmhero_user_id;
        out.lastId = contact.crmhero_user_id;
        out.count++;
      }
    }
    return result;
  }

  // ----- routes -----

  function lookup(list: ContactStore, query: Record<string, string>, allowUserId: boolean): unknown {
    let found: FakeContact | undefined;
    if (query.email !== undefined) {
      found = findByEmail(list, query.email);
    } else if (allowUserId && query.user_id !== undefined) {
      found = list.all.find((c) => c.user_id !== undefined && c.user_id === query.user_id);
    } else if (query.crmhero_user_id !== undefined) {
      found = list.all.find((c) => String(c.crmhero_user_id) === query.crmhero_user_id);
    } else {
      throw new HttpError(400, allowUserId ? 'Missing email or user_id' : 'Missing email');
    }
    if (!found) throw new HttpError(options.notFoundStatus, MESSAGES.notFound, 404);
    return { data: view(found) };
  }

  function bulkUpsert(list: ContactStore, isUser: boolean, body: unknown): unknown {
    const key = isUser ? 'users' : 'leads';
    if (!isObject(body) || !Array.isArray(body[key])) {
      throw new HttpError(400, `The body must be {"${key}":[...]}`);
    }
    const items = body[key] as unknown[];
    if (items.length > maxUpsertItems) {
      throw new HttpError(400, `At most ${maxUpsertItems} ${key} per request (got ${items.length})`);
    }
    // Bodies are checked exactly: an unknown key, or a field of the wrong type, is a 400 naming it.
    const unknownBody = Object.keys(body).filter((k) => k !== key);
    if (unknownBody.length) throw new HttpError(400, `Unknown field "${unknownBody[0]}" in the body`);
    items.forEach((item, index) => {
      if (!isObject(item)) return;
      const allowed = isUser ? UPSERT_USER_KEYS : UPSERT_LEAD_KEYS;
      const extra = Object.keys(item).find((k) => !allowed.includes(k));
      if (extra !== undefined) throw new HttpError(400, `Unknown field "${extra}" in ${key}[${index}]`);
      if (item.user_id !== undefined && typeof item.user_id !== 'string' && typeof item.user_id !== 'number') {
        throw new HttpError(400, `${key}[${index}].user_id must be a string`);
      }
      if (item.name !== undefined && typeof item.name !== 'string') {
        throw new HttpError(400, `${key}[${index}].name must be a string`);
      }
      if (isObject(item.attributes)) {
        for (const [k, v] of Object.entries(item.attributes)) {
          if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
            throw new HttpError(400, `${key}[${index}].attributes.${k} must be text, a number or a boolean`);
          }
        }
      }
    });
    let inserted = 0;
    let updated = 0;
    const errors: Array<{ index: number; message: string }> = [];
    const notAdded: unknown[] = [];
    (body[key] as unknown[]).forEach((item, index) => {
      if (!isObject(item)) {
        errors.push({ index, message: 'Each item must be an object' });
        return;
      }
      const email = typeof item.email === 'string' ? item.email.trim() : '';
      if (!EMAIL_RE.test(email)) {
        notAdded.push(clone(item));
        return;
      }
      if (item.attributes !== undefined && !isObject(item.attributes)) {
        errors.push({ index, message: 'attributes must be an object' });
        return;
      }
      const r = upsert(list, isUser, {
        email,
        user_id: item.user_id,
        name: item.name,
        attributes: item.attributes,
        tags: item.tags,
      });
      if (r.inserted) inserted++;
      else updated++;
    });
    return { data: { inserted, updated, errors, not_added: notAdded } };
  }

  /** `DELETE /users?email=`: removes the user; "User doesn't exist" when there is none. No body. */
  function deleteUser(query: Record<string, string>, body: unknown): unknown {
    if (body !== undefined) throw new HttpError(400, 'DELETE /users takes no body');
    const extra = Object.keys(query).find((k) => k !== 'email');
    if (extra !== undefined) throw new HttpError(400, `Unknown query parameter "${extra}"`);
    if (!query.email) throw new HttpError(400, 'Missing email');
    const found = findByEmail(users, query.email);
    if (!found) throw new HttpError(options.notFoundStatus, MESSAGES.notFound, 404);
    users.remove(found);
    return { data: { deleted: 1 } };
  }

  function resolveRef(list: ContactStore, ref: unknown): FakeContact | undefined {
    if (typeof ref === 'string') return findByEmail(list, ref);
    if (!isObject(ref)) return undefined;
    if (typeof ref.email === 'string') return findByEmail(list, ref.email);
    if (ref.user_id !== undefined && ref.user_id !== null) {
      const id = String(ref.user_id);
      return list.all.find((c) => c.user_id === id);
    }
    if (ref.crmhero_user_id !== undefined && ref.crmhero_user_id !== null) {
      const id = Number(ref.crmhero_user_id);
      return list.all.find((c) => c.crmhero_user_id === id);
    }
    return undefined;
  }

  function tagContacts(body: unknown): unknown {
    if (!isObject(body)) throw new HttpError(400, 'The body must be a JSON object');
    const extra = Object.keys(body).find((k) => !TAG_BODY_KEYS.includes(k));
    if (extra !== undefined) throw new HttpError(400, `Unknown field "${extra}" in the body`);
    if (body.untag !== undefined && typeof body.untag !== 'boolean')
      throw new HttpError(400, 'untag must be true or false');
    for (const listKey of ['users', 'leads'] as const) {
      const items = body[listKey];
      if (!Array.isArray(items)) continue;
      items.forEach((ref, index) => {
        if (typeof ref === 'string') return;
        if (!isObject(ref)) throw new HttpError(400, `${listKey}[${index}] must be an object such as {"email": …}`);
        const bad = Object.keys(ref).find((k) => !TAG_REF_KEYS.includes(k));
        if (bad !== undefined) throw new HttpError(400, `Unknown field "${bad}" in ${listKey}[${index}]`);
      });
    }
    const name = tagName(body.tag);
    if (name === undefined) throw new HttpError(400, 'Missing tag');
    const untag = body.untag === true;
    if (body.users !== undefined && !Array.isArray(body.users)) throw new HttpError(400, 'users must be an array');
    if (body.leads !== undefined && !Array.isArray(body.leads)) throw new HttpError(400, 'leads must be an array');
    if (!untag) ensureTag(name);
    const touched = new Set<FakeContact>();
    const refs: Array<[ContactStore, unknown[]]> = [
      [users, (body.users as unknown[] | undefined) ?? []],
      [leads, (body.leads as unknown[] | undefined) ?? []],
    ];
    const t = nowSec();
    for (const [list, items] of refs) {
      for (const ref of items) {
        const c = resolveRef(list, ref);
        if (!c || touched.has(c)) continue;
        touched.add(c);
        if (untag) c.tags = c.tags.filter((x) => x !== name);
        else if (!c.tags.includes(name)) c.tags.push(name);
        c.last_update = t;
      }
    }
    return { data: { tagged: touched.size } };
  }

  /**
   * One page of users or leads, `{"data":{"users":[…]}}` / `{"data":{"leads":[…]}}`. The leads key is an
   * assumption: customerly.md only says `/leads/list` works "likewise", so it mirrors the users' shape.
   */
  function listPage(list: ContactStore, call: ListCall | string | undefined): unknown {
    if (call === undefined) throw new HttpError(404, 'Not a list call');
    if (typeof call === 'string') throw new HttpError(400, call);
    const start = call.page * call.perPage;
    const rows = list
      .sorted()
      .slice(start, start + call.perPage)
      .map(listRow);
    return { data: { [call.source]: rows } };
  }

  function allTags(): string[] {
    const out = [...tags];
    const seen = new Set(out);
    for (const c of [...users.all, ...leads.all]) {
      for (const t of c.tags) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push(t);
      }
    }
    return out;
  }

  function route(
    method: string,
    rel: string,
    query: Record<string, string>,
    body: unknown,
    list: ListCall | string | undefined
  ): unknown {
    const key = `${method} ${rel}`;
    switch (key) {
      case 'GET /users':
        return lookup(users, query, true);
      case 'GET /leads':
        return lookup(leads, query, false);
      case 'POST /users':
        return bulkUpsert(users, true, body);
      case 'DELETE /users':
        return deleteUser(query, body);
      case 'POST /leads':
        return bulkUpsert(leads, false, body);
      case 'GET /tags':
        return { data: allTags() };
      case 'POST /tags':
        return tagContacts(body);
      case 'GET /users/list':
        return listPage(users, list);
      case 'GET /leads/list':
        return listPage(leads, list);
      default:
        throw new HttpError(404, `Not found: ${method} ${rel}`);
    }
  }

  // ----- HTTP plumbing -----

  function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    if (closed || res.writableEnded || res.destroyed) return;
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (closed) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  function checkAuth(headers: Record<string, string>): void {
    const authn = headers['authentication'];
    const authz = headers['authorization'];
    if (authn === undefined && authz === undefined) {
      throw new HttpError(500, MESSAGES.noToken, 0);
    }
    const viaAuthn = authn !== undefined ? /^\s*AccessToken:\s*(.*?)\s*$/i.exec(authn)?.[1] : undefined;
    const viaAuthz = authz !== undefined ? /^\s*Bearer\s+(.*?)\s*$/i.exec(authz)?.[1] : undefined;
    if (viaAuthn === token || viaAuthz === token) return;
    throw new HttpError(500, MESSAGES.badToken, 0);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');

    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fullPath = u.pathname;
    let rel = fullPath;
    const underApi = fullPath === API_PREFIX || fullPath.startsWith(`${API_PREFIX}/`);
    if (underApi) rel = fullPath.slice(API_PREFIX.length) || '/';
    if (rel.length > 1) rel = rel.replace(/\/+$/, '');
    const query: Record<string, string> = {};
    for (const [k, v] of u.searchParams) query[k] = v;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    let body: unknown = undefined;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const listCall = underApi ? parseListCall(method, rel, query, options.maxPerPage) : undefined;
    const list = typeof listCall === 'object' ? listCall : undefined;
    const record: RecordedRequest = { method, path: rel, fullPath, query, headers, body, at: Date.now() };
    if (list) record.list = { ...list };
    requests.push(record);
    res.once('finish', () => {
      record.status = res.statusCode;
    });

    // Faults, in order. Latency adds up and continues; status / rateLimit / hang end the request.
    for (const f of [...faults]) {
      if (!faults.includes(f)) continue;
      if (f.path !== undefined && !pathMatches(f.path, rel, fullPath)) continue;
      if (!methodMatches(f.method, method)) continue;
      if (!pageMatches(f.page, list)) continue;
      f.remaining -= 1;
      if (f.remaining <= 0) faults = faults.filter((x) => x !== f);
      switch (f.kind) {
        case 'latency':
          await delay(f.ms);
          if (closed) return;
          break;
        case 'status': {
          const messages: Record<number, string> = {
            500: 'Internal Server Error',
            502: 'Bad Gateway',
            503: 'Service Unavailable',
          };
          send(res, f.status, errorBody(messages[f.status] ?? 'Server error', f.status));
          return;
        }
        case 'rateLimit':
          send(res, 429, errorBody('Too many requests, slow down', 429), {
            'retry-after': String(f.retryAfter),
          });
          return;
        case 'redirect': {
          const target = f.keepPath ? f.location.replace(/\/+$/, '') + (req.url ?? '/') : f.location;
          send(res, f.status, errorBody('Moved', f.status), { location: target });
          return;
        }
        case 'respond':
          send(res, f.status, f.body, f.headers);
          return;
        case 'hang':
          return; // never answer; close() destroys the socket
      }
    }

    try {
      checkAuth(headers);
      if (!underApi) throw new HttpError(404, `Not found: ${method} ${fullPath}`);
      if (badJson) throw new HttpError(400, 'Invalid JSON body');
      send(res, 200, route(method, rel, query, body, listCall));
    } catch (err) {
      if (err instanceof HttpError) send(res, err.status, errorBody(err.message, err.code));
      else send(res, 500, errorBody(`Fake server error: ${(err as Error).message}`, 500));
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      send(res, 500, errorBody(`Fake server error: ${(err as Error).message}`, 500));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;

  const fake: FakeCustomerly = {
    url: `${origin}${API_PREFIX}`,
    origin,
    port,
    token,
    options,
    requests,
    close(): Promise<void> {
      if (closing) return closing;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      closing = new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
        sockets.clear();
      });
      return closing;
    },
    reset(): void {
      users.clear();
      leads.clear();
      tags.length = 0;
      requests.length = 0;
      faults = [];
      nextId = 1;
    },
    addUser: (c) => addContact(c, true),
    addLead: (c) => addContact(c, false),
    getUser(email) {
      const c = findByEmail(users, email);
      return c ? clone(c) : undefined;
    },
    getLead(email) {
      const c = findByEmail(leads, email);
      return c ? clone(c) : undefined;
    },
    listUsers: () => users.sorted().map(clone),
    listLeads: () => leads.sorted().map(clone),
    listTags: () => allTags(),
    seedContacts,
    count: (kind) => (kind === 'users' ? users : leads).all.length,
    fault(f: Fault): void {
      const times = f.times === undefined ? Infinity : f.times;
      if (!(times > 0)) throw new RangeError('fake-customerly: fault times must be > 0');
      faults.push({ ...f, remaining: times });
    },
    clearFaults(): void {
      faults = [];
    },
    listFaults(): Fault[] {
      return faults.map(
        ({ remaining, ...f }) => ({ ...f, ...(Number.isFinite(remaining) ? { times: remaining } : {}) }) as Fault
      );
    },
    requestsTo(method?: string, path?: string | RegExp): RecordedRequest[] {
      return requests.filter(
        (r) => methodMatches(method, r.method) && (path === undefined || pathMatches(path, r.path, r.fullPath))
      );
    },
    listRequests(source?: ContactKind): RecordedListRequest[] {
      return requests.filter(
        (r): r is RecordedListRequest => r.list !== undefined && (source === undefined || r.list.source === source)
      );
    },
    pageCounts(source: ContactKind): Record<number, number> {
      const out: Record<number, number> = {};
      for (const r of fake.listRequests(source)) out[r.list.page] = (out[r.list.page] ?? 0) + 1;
      return out;
    },
  };
  return fake;
}
