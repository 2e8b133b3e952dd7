import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { UsernameFormat } from '../../../../shared/contracts/settings';
import { USER_UID } from '../../content-types';
import type { UserCandidates } from './user-match';

export interface SyncedUser {
  id: number;
  documentId: string;
  email: string;
  username: string;
  role?: { id: number; name: string; type: string } | null;
  customerlyContactId?: string | null;
  customerlyUserId?: string | null;
  /** True for users the plugin created (a lead may only ever change those). */
  customerlyCreated?: boolean | null;
  [tagsField: string]: unknown;
}

/** A generated password: 32 characters of base64url from 24 random bytes. */
export const generatePassword = () => randomBytes(24).toString('base64url');

const MIN_USERNAME = 3;
const MAX_USERNAME = 255;

/** The username a new user starts from, before collisions are resolved. */
export function baseUsername(format: UsernameFormat, email: string, name?: string): string {
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
  /**
   * The users a contact could be: the one linked to its crmhero_user_id, and the one with its email (ignoring case).
   * Which of them the delivery may change is decided by matchUser (user-match.ts).
   */
  async findCandidates(
    contact: { email: string; crmheroUserId?: string },
    tagsField: string,
    withRole = true
  ): Promise<UserCandidates> {
    const populate = {
      ...(withRole ? { role: { select: ['id', 'name', 'type'] } } : {}),
      [tagsField]: { select: ['id', 'documentId', 'name'] },
    };
    const query = strapi.db.query(USER_UID);
    const byContactId: SyncedUser | undefined = contact.crmheroUserId
      ? ((await query.findOne({ where: { customerlyContactId: contact.crmheroUserId }, populate })) ?? undefined)
      : undefined;
    if (byContactId && byContactId.email.toLowerCase() === contact.email) return { byContactId, byEmail: byContactId };
    const byEmail: SyncedUser | undefined =
      (
        await query.findMany({ where: { email: { $eqi: contact.email } }, populate, orderBy: { id: 'asc' }, limit: 1 })
      )[0] ?? undefined;
    return { byContactId, byEmail };
  },

  /** The first free username from `base`: base, base-2, base-3, ... (ignoring case). */
  async freeUsername(wanted: string): Promise<string> {
    // Room for a "-NNN" suffix within the 255 characters of the username column.
    const base = wanted.slice(0, MAX_USERNAME - 8);
    const query = strapi.db.query(USER_UID);
    for (let n = 1; n < 1000; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      const taken = await query.count({ where: { username: { $eqi: candidate } } });
      if (!taken) return candidate;
    }
    return `${base}-${randomBytes(4).toString('hex')}`;
  },
});
