import type { Core } from '@strapi/strapi';
import { ROLE_UID } from '../../content-types';

/** The users-permissions action of `GET /api/customerly/me`. */
export const ME_ACTION = 'plugin::customerly.me.find';
const PERMISSION_UID = 'plugin::users-permissions.permission';
const STORE_KEY = 'me-route-granted';

/**
 * Grants `GET /api/customerly/me` to the Authenticated role, once: the plugin store remembers that it did, so an
 * admin who revokes it later keeps it revoked. Returns whether it granted now.
 */
export async function grantMeRouteOnce(strapi: Core.Strapi): Promise<boolean> {
  const store = strapi.store({ type: 'plugin', name: 'customerly' });
  if (await store.get({ key: STORE_KEY })) return false;
  const role = await strapi.db.query(ROLE_UID).findOne({ where: { type: 'authenticated' }, select: ['id'] });
  // No Authenticated role yet (users-permissions makes it): try again at the next start, remember nothing.
  if (!role) return false;
  const existing = await strapi.db.query(PERMISSION_UID).count({ where: { action: ME_ACTION, role: { id: role.id } } });
  if (!existing) await strapi.db.query(PERMISSION_UID).create({ data: { action: ME_ACTION, role: role.id } });
  await store.set({ key: STORE_KEY, value: { at: new Date().toISOString(), role: 'authenticated' } });
  return true;
}
