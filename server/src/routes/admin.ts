import { ACTIONS, type PluginAction } from '../../../shared/contracts/permissions';

/** Every admin route checks its RBAC action; tests/unit/settings-routes.test.ts fails on a route without one. */
const guard = (action: PluginAction) => ({
  policies: [{ name: 'admin::hasPermissions', config: { actions: [action] } }],
});

export default {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/settings', handler: 'settings.find', config: guard(ACTIONS.settingsRead) },
    { method: 'PUT', path: '/settings', handler: 'settings.update', config: guard(ACTIONS.settingsUpdate) },
    {
      method: 'POST',
      path: '/settings/access-key',
      handler: 'settings.rotateKey',
      config: guard(ACTIONS.settingsUpdate),
    },
    { method: 'POST', path: '/settings/reveal', handler: 'settings.reveal', config: guard(ACTIONS.settingsUpdate) },
    {
      method: 'POST',
      path: '/settings/test-connection',
      handler: 'settings.testConnection',
      config: guard(ACTIONS.settingsUpdate),
    },
    {
      method: 'POST',
      path: '/settings/test-email',
      handler: 'welcome-email.sendTest',
      config: guard(ACTIONS.settingsUpdate),
    },
    { method: 'GET', path: '/deliveries', handler: 'deliveries.find', config: guard(ACTIONS.deliveriesRead) },
    {
      method: 'GET',
      path: '/deliveries/:documentId',
      handler: 'deliveries.findOne',
      config: guard(ACTIONS.deliveriesRead),
    },
    {
      method: 'POST',
      path: '/deliveries/:documentId/replay',
      handler: 'deliveries.replay',
      config: guard(ACTIONS.deliveriesReplay),
    },
    { method: 'POST', path: '/jobs', handler: 'jobs.create', config: guard(ACTIONS.jobsRun) },
    { method: 'GET', path: '/jobs', handler: 'jobs.find', config: guard(ACTIONS.jobsRead) },
    { method: 'POST', path: '/jobs/preview', handler: 'jobs.preview', config: guard(ACTIONS.jobsRead) },
    { method: 'GET', path: '/jobs/:id', handler: 'jobs.findOne', config: guard(ACTIONS.jobsRead) },
    { method: 'POST', path: '/jobs/:id/cancel', handler: 'jobs.cancel', config: guard(ACTIONS.jobsRun) },
  ],
};
