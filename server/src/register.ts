import type { Core } from '@strapi/strapi';
import { pluginConfigSchema } from './config/schema';
import { TAG_UID, USER_UID } from './content-types';

export const INTAKE_MIDDLEWARE = 'plugin::customerly.webhook-intake';

/** User attributes the plugin adds to hold the Customerly identity of a user. */
export const IDENTITY_ATTRIBUTES = {
  customerlyContactId: { type: 'string', private: true, configurable: false, column: { unique: true } },
  customerlyUserId: { type: 'string', private: true, configurable: false },
} as const;

type MiddlewareEntry = string | { name?: string; resolve?: string; config?: unknown };
const nameOf = (m: MiddlewareEntry) => (typeof m === 'string' ? m : m.name);

/**
 * Puts the webhook intake middleware just before `strapi::body`, unless the app placed it already.
 * It must run before the body parser (it reads the raw body) and it hides the access key from the request log.
 */
export function installIntakeMiddleware(strapi: Core.Strapi): void {
  const list: MiddlewareEntry[] = [...((strapi.config.get('middlewares') as MiddlewareEntry[] | undefined) ?? [])];
  if (list.some((m) => nameOf(m) === INTAKE_MIDDLEWARE)) return;
  const bodyIndex = list.findIndex((m) => nameOf(m) === 'strapi::body');
  list.splice(bodyIndex === -1 ? list.length : bodyIndex, 0, INTAKE_MIDDLEWARE);
  strapi.config.set('middlewares', list);
}

/**
 * Adds to the users-permissions user the `tags` relation (name set by `userTagsField`) and the Customerly identity.
 * An attribute the app already has under one of these names stops startup: the plugin must not take it over.
 */
export function extendUserSchema(strapi: Core.Strapi, tagsField: string): void {
  const user = strapi.contentType(USER_UID) as any;
  const additions: Record<string, unknown> = {
    // One-way on purpose: an inverse side would make Strapi renumber the order of every user of a tag each time
    // one user's tags change (slow for popular tags, and a source of deadlocks under concurrent deliveries).
    [tagsField]: { type: 'relation', relation: 'manyToMany', target: TAG_UID },
    ...IDENTITY_ATTRIBUTES,
  };
  for (const name of Object.keys(additions)) {
    if (name in user.attributes) {
      const hint = name === tagsField ? ' Set the plugin config option "userTagsField" (config/plugins, customerly.config) to another attribute name.' : '';
      throw new Error(
        `[customerly] The users-permissions user already has an attribute "${name}", which the Customerly plugin needs to add.${hint}`
      );
    }
  }
  for (const [name, attribute] of Object.entries(additions)) {
    user.attributes[name] = attribute;
    if (user.__schema__?.attributes) user.__schema__.attributes[name] = attribute;
  }
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  // The config was validated when it was loaded; store it with every default filled in, so the rest of the
  // plugin reads complete values.
  strapi.config.set('plugin::customerly', pluginConfigSchema.parse(strapi.config.get('plugin::customerly')));
  installIntakeMiddleware(strapi);
  extendUserSchema(strapi, strapi.plugin('customerly').config('userTagsField') ?? 'tags');
};
