/** Small helpers shared by the integration tests: roles, settings of users-permissions, database reads. */
export const USER_UID = 'plugin::users-permissions.user';
export const TAG_UID = 'plugin::customerly.tag';
export const DELIVERY_UID = 'plugin::customerly.delivery';
export const ROLE_UID = 'plugin::users-permissions.role';
export const CONTACT_LOCK_UID = 'plugin::customerly.contact-lock';
export const WORKER_PROCESS_UID = 'plugin::customerly.worker-process';

export async function ensureRole(strapi: any, name: string, type: string): Promise<{ id: number; name: string; type: string }> {
  const existing = await strapi.db.query(ROLE_UID).findOne({ where: { type } });
  if (existing) return existing;
  return strapi.db.query(ROLE_UID).create({ data: { name, type, description: `${name} (test)` } });
}

export async function setResetPasswordUrl(strapi: any, url: string): Promise<void> {
  const store = strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
  const advanced = (await store.get()) ?? {};
  await store.set({ value: { ...advanced, email_reset_password: url } });
}

export async function usersByEmail(strapi: any, email: string): Promise<any[]> {
  return strapi.db.query(USER_UID).findMany({
    where: { email: { $eqi: email } },
    populate: { role: true, tags: true },
  });
}

export async function oneUser(strapi: any, email: string): Promise<any> {
  const users = await usersByEmail(strapi, email);
  if (users.length !== 1) throw new Error(`expected exactly one user for ${email}, found ${users.length}`);
  return users[0];
}

export const tagNames = (user: any) => (user.tags ?? []).map((t: any) => t.name).sort();

export async function login(baseUrl: string, identifier: string, password: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/auth/local`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password }),
  });
  return res.status;
}

/** Records the events the plugin emits on Strapi's event hub. */
export function recordEvents(strapi: any, names: string[]): Array<{ name: string; payload: any }> {
  const seen: Array<{ name: string; payload: any }> = [];
  for (const name of names) strapi.eventHub.on(name, (payload: any) => seen.push({ name, payload }));
  return seen;
}
