/**
 * The plugin's admin RBAC actions live in shared/contracts/permissions.ts (the admin panel uses them too).
 * Re-exported here so that server code keeps importing them from one place inside server/src.
 */
export { ACTIONS, PLUGIN_ID, type PluginAction } from '../../shared/contracts/permissions';
