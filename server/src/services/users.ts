import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { USER_UID } from '../content-types';

export interface SyncedUser {
  id: number;
  documentId: string;
  email: string;
  username: string;
  role?: { id: number; name: string; type: string } | null;
  customerlyContactId?: string | null;
  customerlyUserId?: string | null;
  [tagsField: string]: unknown;
}

/** A generated password: 32 characters of base64url from 24 random bytes. */
export const generatePassword = () => randomBytes(24).toString('base64url');

const MIN_USERNAME = 3;

/** The username a new user starts from, before collisions are resolved. */
export function baseUsername(format: 'email' | 'email-local' | 'name', email: string, name?: string): string {
  if (format === 'email-local') {
    const local = email.split('@')[0] ?? '';
    return local.length >= MIN_USERNAME ? local : email;
  }
  if (format === 'name' && name) {
    const slug = name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.+|\.+$/g, '');
    return slug.length >= MIN_USERNAME ? slug : email;
  }
  return email;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Finds the user of a contact: by Customerly id, then by external user_id, then by email (ignoring case). */
  async findForContact(
    contact: { email: string; crmheroUserId?: string; userId?: string },
    tagsField: string,
    withRole = true
  ): Promise<{ user: SyncedUser; matchedBy: 'customerly_id' | 'user_id' | 'email' } | null> {
    const populate = {
      ...(withRole ? { role: { select: ['id', 'name', 'type'] } } : {}),
      [tagsField]: { select: ['id', 'documentId', 'name'] },
    };
    const query = strapi.db.query(USER_UID as any);
    if (contact.crmheroUserId) {
      const user = await query.findOne({ where: { customerlyContactId: contact.crmheroUserId }, populate });
      if (user) return { user, matchedBy: 'customerly_id' };
    }
    if (contact.userId) {
      const user = await query.findOne({ where: { customerlyUserId: contact.userId }, populate });
      if (user) return { user, matchedBy: 'user_id' };
    }
    const users = await query.findMany({ where: { email: { $eqi: contact.email } }, populate, orderBy: { id: 'asc' }, limit: 2 });
    return users[0] ? { user: users[0], matchedBy: 'email' } : null;
  },

  /** The first free username from `base`: base, base-2, base-3, ... (ignoring case). */
  async freeUsername(base: string): Promise<string> {
    const query = strapi.db.query(USER_UID as any);
    for (let n = 1; n < 1000; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      const taken = await query.count({ where: { username: { $eqi: candidate } } });
      if (!taken) return candidate;
    }
    return `${base}-${randomBytes(4).toString('hex')}`;
  },
});
