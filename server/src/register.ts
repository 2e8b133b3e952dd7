import type { Core } from '@strapi/strapi';

export const INTAKE_MIDDLEWARE = 'plugin::customerly.webhook-intake';

type MiddlewareEntry = string | { name?: string; resolve?: string; config?: unknown };
const nameOf = (m: MiddlewareEntry) => (typeof m === 'string' ? m : m.name);

/**
 * Puts the webhook intake middleware just before `strapi::body`, unless the app placed it already.
 * It must run before the body parser (it reads the raw body) and it hides the access key from the request log.
 */
export function installIntakeMiddleware(strapi: Core.Strapi): void {
  const list: MiddlewareEntry[] = [...(strapi.config.get('middlewares') as MiddlewareEntry[] | undefined ?? [])];
  if (list.some((m) => nameOf(m) === INTAKE_MIDDLEWARE)) return;
  const bodyIndex = list.findIndex((m) => nameOf(m) === 'strapi::body');
  list.splice(bodyIndex === -1 ? list.length : bodyIndex, 0, INTAKE_MIDDLEWARE);
  strapi.config.set('middlewares', list);
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  installIntakeMiddleware(strapi);
};
