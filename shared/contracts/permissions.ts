/**
 * The plugin id and its admin RBAC actions, defined once. The server registers the actions and guards its admin
 * routes with them; the admin panel uses the same ids to show, hide or disable what an admin may not do.
 */
export const PLUGIN_ID = 'customerly';

/** Written out in full so that a search for an action id finds this file. */
export const ACTIONS = {
  settingsRead: 'plugin::customerly.settings.read',
  settingsUpdate: 'plugin::customerly.settings.update',
  deliveriesRead: 'plugin::customerly.deliveries.read',
  deliveriesReplay: 'plugin::customerly.deliveries.replay',
  jobsRead: 'plugin::customerly.jobs.read',
  jobsRun: 'plugin::customerly.jobs.run',
} as const;

export type PluginAction = (typeof ACTIONS)[keyof typeof ACTIONS];
