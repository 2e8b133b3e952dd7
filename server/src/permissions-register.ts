import type { Core } from '@strapi/strapi';
import { ACTIONS, PLUGIN_ID } from '../../shared/contracts/permissions';

/** Registers the plugin's RBAC actions (Settings → Roles → Plugins → Customerly). Called from bootstrap. */
export async function registerPermissions(strapi: Core.Strapi): Promise<void> {
  const uid = (action: string) => action.replace(`plugin::${PLUGIN_ID}.`, '');
  await strapi.service('admin::permission').actionProvider.registerMany([
    {
      section: 'plugins',
      displayName: 'Read the settings',
      uid: uid(ACTIONS.settingsRead),
      subCategory: 'settings',
      pluginName: PLUGIN_ID,
    },
    {
      section: 'plugins',
      displayName: 'Change the settings',
      uid: uid(ACTIONS.settingsUpdate),
      subCategory: 'settings',
      pluginName: PLUGIN_ID,
    },
    {
      section: 'plugins',
      displayName: 'Read the delivery log',
      uid: uid(ACTIONS.deliveriesRead),
      subCategory: 'deliveries',
      pluginName: PLUGIN_ID,
    },
    {
      section: 'plugins',
      displayName: 'Replay deliveries',
      uid: uid(ACTIONS.deliveriesReplay),
      subCategory: 'deliveries',
      pluginName: PLUGIN_ID,
    },
    {
      section: 'plugins',
      displayName: 'Read jobs and previews',
      uid: uid(ACTIONS.jobsRead),
      subCategory: 'jobs',
      pluginName: PLUGIN_ID,
    },
    {
      section: 'plugins',
      displayName: 'Start and cancel jobs',
      uid: uid(ACTIONS.jobsRun),
      subCategory: 'jobs',
      pluginName: PLUGIN_ID,
    },
  ]);
}
