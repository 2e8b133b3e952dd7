import type { Core } from '@strapi/strapi';
import { tagsFieldOf } from './config/read';
import { pluginConfigSchema } from './config/schema';
import { TAG_UID, USER_UID } from './content-types';
import { checkHasTagsPolicies } from './services/access/route-policies';

export const INTAKE_MIDDLEWARE = 'plugin::customerly.webhook-intake';
export const REDACT_LOG_MIDDLEWARE = 'plugin::customerly.redact-request-log';

/** User attributes the plugin adds to hold the Customerly identity of a user. */
export const IDENTITY_ATTRIBUTES = {
  customerlyContactId: { type: 'string', private: true, configurable: false, column: { unique: true } },
  customerlyUserId: { type: 'string', private: true, configurable: false },
  /** Set on the users the plugin created: a lead payload may only ever change those (see sync/user-match.ts). */
  customerlyCreated: { type: 'boolean', private: true, configurable: false, default: false },
} as const;

type MiddlewareEntry = string | { name?: string; resolve?: string; config?: unknown };
const nameOf = (m: MiddlewareEntry) => (typeof m === 'string' ? m : m.name);

/** Strapi's own list when the app has no config/middlewares (core/dist/services/server/register-middlewares.js). */
const STRAPI_DEFAULT_MIDDLEWARES: MiddlewareEntry[] = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::session',
  'strapi::query',
  'strapi::body',
  'strapi::favicon',
  'strapi::public',
];

/**
 * Adds the plugin's two global middlewares to the app's list, each unless the app placed it already:
 *  - the webhook intake, just before `strapi::body`: it must run before the body parser (it reads the raw body)
 *    and it hides the access key from the request log;
 *  - the request-log redaction, just inside `strapi::logger` (first when there is none): for every request, the
 *    logger then writes the URL with secret query parameters replaced, whichever middleware answered.
 * An app without config/middlewares gets Strapi's default list with them.
 */
export function installIntakeMiddleware(strapi: Core.Strapi): void {
  const configured = strapi.config.get('middlewares') as MiddlewareEntry[] | undefined;
  const list: MiddlewareEntry[] = [...(Array.isArray(configured) ? configured : STRAPI_DEFAULT_MIDDLEWARES)];
  if (!list.some((m) => nameOf(m) === INTAKE_MIDDLEWARE)) {
    const bodyIndex = list.findIndex((m) => nameOf(m) === 'strapi::body');
    list.splice(bodyIndex === -1 ? list.length : bodyIndex, 0, INTAKE_MIDDLEWARE);
  }
  if (!list.some((m) => nameOf(m) === REDACT_LOG_MIDDLEWARE)) {
    const loggerIndex = list.findIndex((m) => nameOf(m) === 'strapi::logger');
    list.splice(loggerIndex + 1, 0, REDACT_LOG_MIDDLEWARE);
  }
  strapi.config.set('middlewares', list);
}

/**
 * Adds to the users-permissions user the `tags` relation (name set by `userTagsField`) and the Customerly identity.
 * An attribute the app already has under one of these names stops startup: the plugin must not take it over.
 */
/** The user content type as register may still change it: its attributes, and the schema Strapi keeps beside them. */
interface MutableSchema {
  attributes: Record<string, unknown>;
  __schema__?: { attributes?: Record<string, unknown> };
}

export function extendUserSchema(strapi: Core.Strapi, tagsField: string): void {
  const user = strapi.contentType(USER_UID) as unknown as MutableSchema;
  const additions: Record<string, unknown> = {
    // One-way on purpose: an inverse side would make Strapi renumber the order of every user of a tag each time
    // one user's tags change (slow for popular tags, and a source of deadlocks under concurrent deliveries).
    [tagsField]: { type: 'relation', relation: 'manyToMany', target: TAG_UID },
    ...IDENTITY_ATTRIBUTES,
  };
  for (const name of Object.keys(additions)) {
    if (name in user.attributes) {
      const hint =
        name === tagsField
          ? ' Set the plugin config option "userTagsField" (config/plugins, customerly.config) to another attribute name.'
          : '';
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
  extendUserSchema(strapi, tagsFieldOf(strapi));
  // Routes that use the has-tags policy: a bad config stops startup here, naming the route.
  checkHasTagsPolicies(strapi);
};
