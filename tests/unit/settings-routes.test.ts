import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import routes from '../../server/src/routes';
import { ACTIONS } from '../../shared/contracts/permissions';

/** Every admin route, and the RBAC action it must check. A new route without an entry here fails the test. */
const EXPECTED: Record<string, string> = {
  'GET /settings': ACTIONS.settingsRead,
  'PUT /settings': ACTIONS.settingsUpdate,
  'POST /settings/access-key': ACTIONS.settingsUpdate,
  'POST /settings/reveal': ACTIONS.settingsUpdate,
  'POST /settings/test-connection': ACTIONS.settingsUpdate,
  'POST /settings/test-email': ACTIONS.settingsUpdate,
  'GET /deliveries': ACTIONS.deliveriesRead,
  'GET /deliveries/:documentId': ACTIONS.deliveriesRead,
  'POST /deliveries/:documentId/replay': ACTIONS.deliveriesReplay,
  'POST /jobs': ACTIONS.jobsRun,
  'GET /jobs': ACTIONS.jobsRead,
  'POST /jobs/preview': ACTIONS.jobsRead,
  'GET /jobs/:id': ACTIONS.jobsRead,
  'POST /jobs/:id/cancel': ACTIONS.jobsRun,
};

type Route = {
  method: string;
  path: string;
  handler: string;
  config?: { auth?: unknown; policies?: Array<string | { name: string; config?: { actions?: string[] } }> };
};

const routers = routes as Record<string, { type?: string; routes: Route[] }>;

const adminRoutes = (): Route[] =>
  Object.values(routers)
    .filter((r) => r.type === 'admin')
    .flatMap((r) => r.routes);

describe('admin routes and their RBAC actions', () => {
  it('every admin route checks exactly its expected action with admin::hasPermissions', () => {
    const seen = new Set<string>();
    for (const route of adminRoutes()) {
      const id = `${route.method} ${route.path}`;
      seen.add(id);
      assert.ok(id in EXPECTED, `${id} has no expected action in this test: add it (and guard the route)`);
      assert.notEqual(route.config?.auth, false, `${id} must not turn authentication off`);
      const guards = (route.config?.policies ?? []).filter(
        (p): p is { name: string; config?: { actions?: string[] } } =>
          typeof p === 'object' && p.name === 'admin::hasPermissions'
      );
      assert.equal(guards.length, 1, `${id} needs one admin::hasPermissions policy`);
      assert.deepEqual(guards[0]!.config?.actions, [EXPECTED[id]], `${id} checks ${EXPECTED[id]}`);
    }
    for (const id of Object.keys(EXPECTED)) assert.ok(seen.has(id), `${id} is expected but not routed`);
  });

  it('the actions are the plugin ids the admin panel uses', () => {
    for (const action of Object.values(ACTIONS))
      assert.match(action, /^plugin::customerly\.(settings|deliveries|jobs)\.[a-z]+$/);
  });

  it('the content-API routes: the public webhook, and /me behind users-permissions auth', () => {
    const contentApi = routers['content-api']!.routes as Array<{
      method: string;
      path: string;
      config?: { auth?: unknown };
    }>;
    assert.deepEqual(
      contentApi.map((r) => `${r.method} ${r.path}`),
      ['POST /webhook', 'GET /me']
    );
    // Only the webhook skips auth: /me must never be public.
    assert.deepEqual(
      contentApi.filter((r) => r.config?.auth === false).map((r) => r.path),
      ['/webhook']
    );
  });
});
