import type { Core } from '@strapi/strapi';

/**
 * The webhook route's path under the REST prefix (`api.rest.prefix`, '/api' by default): the plugin's content-API
 * routes are mounted at '/customerly', and the route itself is '/webhook' (routes/content-api.ts).
 */
export const WEBHOOK_ROUTE = '/customerly/webhook';

/** Strapi's default REST prefix (`config/api` → `rest.prefix`). */
export const DEFAULT_REST_PREFIX = '/api';

/**
 * The path Strapi registers the webhook route under: the REST prefix, then the plugin's route path, glued as
 * @koa/router glues prefixes (plain concatenation: a prefix '/v2/' gives '/v2//customerly/webhook', and that is
 * what the router then serves).
 */
export const webhookRoutePath = (prefix: string) => `${prefix}${WEBHOOK_ROUTE}`;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * What path-to-regexp 6 (used by @koa/router 12 with its defaults sensitive: false, strict: false, end: true)
 * builds for a path without parameters: the path in any ASCII case, then at most one delimiter ('/', '#' or '?').
 * tests/integration/webhook-intake-paths.test.ts checks it against path-to-regexp itself.
 */
export function literalRouteRegExp(path: string): RegExp {
  return new RegExp(`^${escapeRegExp(path)}[\\/#\\?]?$`, 'i');
}

interface RouterLayer {
  path?: unknown;
  methods?: unknown;
  regexp?: unknown;
}

/**
 * The regexp of the router layer that serves `POST <path>`, from Strapi's content-API router: this is exactly
 * what the router tests `ctx.path` against (a prefix with parameters, such as '/:tenant/api', included).
 * `undefined` when it cannot be found (routes not registered yet, or Strapi's internals changed).
 */
export function routerRegExp(strapi: Core.Strapi, path: string): RegExp | undefined {
  try {
    // Guarded at each step: should Strapi's internals change, the literal regexp is used instead.
    const layers: RouterLayer[] = strapi.server?.api?.('content-api')?.listRoutes?.() ?? [];
    const layer = layers.find(
      (l) => l.path === path && Array.isArray(l.methods) && l.methods.includes('POST') && l.regexp instanceof RegExp
    );
    if (!layer) return undefined;
    const re = layer.regexp as RegExp;
    // A global or sticky regexp would carry lastIndex from one test() to the next.
    return re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
  } catch {
    return undefined;
  }
}

/**
 * Decides whether a request path goes to the webhook route, the way Strapi's router decides it: under the REST
 * prefix configured now, in any case, with or without a trailing slash. The router compares the raw `ctx.path`
 * (not percent-decoded, doubled slashes kept), so so does this: `/api/customerly/%77ebhook` or
 * `/api//customerly/webhook` reach no route, and are not the webhook here either.
 *
 * The router's own layer is used once the routes are registered; until then (and should Strapi's internals ever
 * change) an equivalent regexp for the literal path.
 */
export function createWebhookRouteMatcher(strapi: Core.Strapi): (path: string) => boolean {
  let cached: { prefix: string; regexp: RegExp; fromRouter: boolean; at: number } | undefined;
  return (path: string) => {
    const prefix = String(strapi.config.get('api.rest.prefix', DEFAULT_REST_PREFIX) ?? DEFAULT_REST_PREFIX);
    const now = Date.now();
    // Look the layer up again when the prefix changed, or (at most once a second) while it was not found.
    if (!cached || cached.prefix !== prefix || (!cached.fromRouter && now - cached.at >= 1000)) {
      const full = webhookRoutePath(prefix);
      const fromRouter = routerRegExp(strapi, full);
      cached = { prefix, regexp: fromRouter ?? literalRouteRegExp(full), fromRouter: Boolean(fromRouter), at: now };
    }
    return cached.regexp.test(path);
  };
}
