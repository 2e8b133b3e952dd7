/** Small helpers shared by the integration tests: roles, settings of users-permissions, database reads. */
import type { Core } from '@strapi/strapi';

export const USER_UID = 'plugin::users-permissions.user';
export const TAG_UID = 'plugin::customerly.tag';
export const DELIVERY_UID = 'plugin::customerly.delivery';
export const ROLE_UID = 'plugin::users-permissions.role';
export const CONTACT_LOCK_UID = 'plugin::customerly.contact-lock';
export const WORKER_PROCESS_UID = 'plugin::customerly.worker-process';

export async function ensureRole(
  strapi: Core.Strapi,
  name: string,
  type: string
): Promise<{ id: number; name: string; type: string }> {
  const existing = await strapi.db.query(ROLE_UID).findOne({ where: { type } });
  if (existing) return existing;
  return strapi.db.query(ROLE_UID).create({ data: { name, type, description: `${name} (test)` } });
}

export async function setResetPasswordUrl(strapi: Core.Strapi, url: string): Promise<void> {
  const store = strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
  const advanced = (await store.get()) ?? {};
  await store.set({ value: { ...advanced, email_reset_password: url } });
}

/** A users-permissions user as the database returns it, with its role and tags populated. */
export interface TestUser {
  id: number;
  documentId: string;
  email: string;
  username: string;
  password: string;
  provider?: string | null;
  confirmed?: boolean | null;
  blocked?: boolean | null;
  role: { id: number; name: string; type: string };
  /** Populated by every read of users in these tests. */
  tags: TestTag[];
  /** The app's own attributes (what the field mapping writes). */
  [attribute: string]: unknown;
}

export interface TestTag {
  id: number;
  name: string;
}

export async function usersByEmail(strapi: Core.Strapi, email: string): Promise<TestUser[]> {
  return strapi.db.query(USER_UID).findMany({
    where: { email: { $eqi: email } },
    populate: { role: true, tags: true },
  });
}

export async function oneUser(strapi: Core.Strapi, email: string): Promise<TestUser> {
  const users = await usersByEmail(strapi, email);
  if (users.length !== 1) throw new Error(`expected exactly one user for ${email}, found ${users.length}`);
  return users[0];
}

export const tagNames = (user: Pick<TestUser, 'tags'>) => (user.tags ?? []).map((t) => t.name).sort();

export async function login(baseUrl: string, identifier: string, password: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/auth/local`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password }),
  });
  return res.status;
}

/** An event the plugin emitted on Strapi's event hub, with its payload. */
export interface RecordedEvent {
  name: string;
  payload: {
    user: { email: string; [field: string]: unknown };
    eventId?: string;
    /** `added`, `removed` and `tags`: on customerly.tags.changed only. */
    added: string[];
    removed: string[];
    tags: string[];
  };
}

/** A contact in the body of a write the plugin sent to (fake) Customerly: `POST /users` or `POST /leads`. */
export interface ContactWrite {
  email?: string;
  user_id?: string;
  attributes: Record<string, unknown>;
}

/** Records the events the plugin emits on Strapi's event hub. */
export function recordEvents(strapi: Core.Strapi, names: string[]): RecordedEvent[] {
  const seen: RecordedEvent[] = [];
  for (const name of names)
    strapi.eventHub.on(name, async (payload: RecordedEvent['payload']) => {
      seen.push({ name, payload });
    });
  return seen;
}
