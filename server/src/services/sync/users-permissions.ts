import type { Core } from '@strapi/strapi';
import { USER_UID, attributesOf } from '../../content-types';
import type { AttributeSpec } from './attribute-values';

/** The part of users-permissions' advanced settings (Settings → Users & Permissions → Advanced) the plugin reads. */
export interface AdvancedSettings {
  /** The role users-permissions gives new users (a role type). */
  default_role?: string;
  /** The page of the reset-password link. */
  email_reset_password?: string | null;
}

/** users-permissions' advanced settings, from its store. */
export async function readAdvancedSettings(strapi: Core.Strapi): Promise<AdvancedSettings> {
  const advanced = await strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' }).get();
  return advanced && typeof advanced === 'object' ? (advanced as AdvancedSettings) : {};
}

/** The type users-permissions gives new users when no Customerly default role is set. */
export const upDefaultRoleType = async (strapi: Core.Strapi): Promise<string | undefined> =>
  (await readAdvancedSettings(strapi)).default_role;

/** The users-permissions user's attributes, as the field mapping checks them (with the plugin's own additions). */
export type UserAttributes = Record<string, AttributeSpec & { [k: string]: unknown }>;
export const userAttributes = (strapi: Core.Strapi): UserAttributes => attributesOf(strapi, USER_UID) as UserAttributes;
