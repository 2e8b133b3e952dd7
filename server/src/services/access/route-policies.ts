import type { Core } from '@strapi/strapi';
import { requirementProblem } from './tag-requirement';

export const HAS_TAGS_POLICY = 'plugin::customerly.has-tags';

interface RouteLike {
  method?: string;
  path?: string;
  config?: { policies?: unknown[] };
}

/** A router's routes, whichever of Strapi's shapes it has (an array, `{ routes }`, or a map of routers). */
function routesOf(router: unknown): RouteLike[] {
  if (Array.isArray(router)) return router as RouteLike[];
  if (!router || typeof router !== 'object') return [];
  const maybe = (router as { routes?: unknown }).routes;
  if (Array.isArray(maybe)) return maybe as RouteLike[];
  if (maybe && typeof maybe === 'object') return Object.values(maybe).flatMap(routesOf);
  return Object.values(router as Record<string, unknown>).flatMap(routesOf);
}

const isHasTags = (name: unknown) => name === HAS_TAGS_POLICY || name === 'customerly.has-tags';

/**
 * Every route of the app's APIs and of the plugins that uses `plugin::customerly.has-tags`, checked before Strapi
 * mounts them: a bad config stops startup with a message naming the route and what is wrong.
 */
export function checkHasTagsPolicies(strapi: Core.Strapi): number {
  const owners: Array<[string, unknown]> = [
    ...Object.entries(strapi.apis ?? {}).map(
      ([n, a]) => [`api::${n}`, (a as { routes?: unknown }).routes] as [string, unknown]
    ),
    ...Object.entries(strapi.plugins ?? {}).map(
      ([n, p]) => [`plugin::${n}`, (p as { routes?: unknown }).routes] as [string, unknown]
    ),
  ];
  let count = 0;
  for (const [owner, routes] of owners) {
    for (const route of routesOf(routes)) {
      for (const policy of route.config?.policies ?? []) {
        const name = typeof policy === 'string' ? policy : (policy as { name?: unknown })?.name;
        if (!isHasTags(name)) continue;
        count += 1;
        const config = typeof policy === 'string' ? {} : (policy as { config?: unknown }).config;
        const problem = requirementProblem(config);
        if (problem) {
          throw new Error(
            `[customerly] The route ${route.method ?? '?'} ${route.path ?? '?'} (${owner}) uses the policy ` +
              `"${HAS_TAGS_POLICY}" with a bad config: ${problem}. Expected { any?: string[], all?: string[] }, ` +
              'at least one non-empty list of tag names.'
          );
        }
      }
    }
  }
  return count;
}
