/**
 * Admin API helpers shared by the admin integration tests and the browser tests: create admins and roles through
 * Strapi's own services, log in over HTTP, call the plugin's admin routes with the JWT.
 */
import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { AnswerJson } from '../helpers/strapi';

export interface AdminSession {
  email: string;
  password: string;
  token: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: AnswerJson; headers: Headers }>;
}

export const strongPassword = () => `Aa1!${randomBytes(9).toString('base64url')}`;

/** An admin role with exactly these actions (plugin actions have no subject). */
export async function createRole(strapi: Core.Strapi, name: string, actions: string[]): Promise<{ id: number }> {
  const role = await strapi.service('admin::role').create({ name, description: `test role ${name}` });
  if (actions.length) {
    await strapi.service('admin::role').assignPermissions(
      role.id,
      actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] }))
    );
  }
  return role;
}

/** An active admin user with the given role (the super admin role when none is given). */
export async function createAdmin(
  strapi: Core.Strapi,
  opts: { email?: string; roleId?: number } = {}
): Promise<{ email: string; password: string }> {
  const roleId = opts.roleId ?? (await strapi.service('admin::role').getSuperAdmin()).id;
  const email = opts.email ?? `admin-${randomBytes(4).toString('hex')}@example.test`;
  const password = strongPassword();
  await strapi
    .service('admin::user')
    .create({ email, firstname: 'Test', lastname: 'Admin', password, isActive: true, roles: [roleId] });
  return { email, password };
}

/** A new admin (see createAdmin), logged in over HTTP: its admin API session. */
export async function signedInAdmin(
  app: { strapi: Core.Strapi; baseUrl: string },
  opts: { email?: string; roleId?: number } = {}
): Promise<AdminSession> {
  const creds = await createAdmin(app.strapi, opts);
  return login(app.baseUrl, creds.email, creds.password);
}

export async function login(baseUrl: string, email: string, password: string): Promise<AdminSession> {
  const res = await fetch(`${baseUrl}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const json = (await res.json()) as { data?: { token?: string } } | null;
  if (res.status !== 200 || !json?.data?.token)
    throw new Error(`admin login failed: HTTP ${res.status} ${JSON.stringify(json)}`);
  const token = json.data.token;
  return {
    email,
    password,
    token,
    async call(method, path, body) {
      const r = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      let parsed: AnswerJson;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = { notJson: text };
      }
      return { status: r.status, json: parsed, headers: r.headers };
    },
  };
}

/**
 * Invites an admin into a role through the admin API (as `inviter`) and completes the registration through
 * `/admin/register`, as the invited person would: their password, to sign in with.
 */
export async function inviteAdmin(
  inviter: AdminSession,
  baseUrl: string,
  person: { firstname: string; lastname: string; email: string; roleId: number }
): Promise<string> {
  const { firstname, lastname, email, roleId } = person;
  const created = await inviter.call('POST', '/admin/users', { firstname, lastname, email, roles: [roleId] });
  if (created.status !== 201) throw new Error(`inviting ${email}: ${created.status} ${JSON.stringify(created.json)}`);
  const password = strongPassword();
  const reg = await fetch(`${baseUrl}/admin/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      registrationToken: created.json.data.registrationToken,
      userInfo: { firstname, lastname, password },
    }),
  });
  if (reg.status !== 200) throw new Error(`registering ${email}: ${reg.status} ${await reg.text()}`);
  return password;
}
