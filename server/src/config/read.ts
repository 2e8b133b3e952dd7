import type { Core } from '@strapi/strapi';
import { pluginConfigSchema, type PluginConfig } from './schema';

/**
 * The plugin config from config/plugins, as register.ts stored it: validated, every default filled in. For what only
 * config/plugins sets (queue tuning, the tags field, the rate limit); the settings the panel may change come from the
 * settings service.
 */
export const pluginConfig = (strapi: Core.Strapi): PluginConfig =>
  strapi.config.get('plugin::customerly') as PluginConfig;

/** The same, parsed again (the settings service merges the panel's values on top of it). */
export const parsedPluginConfig = (strapi: Core.Strapi): PluginConfig =>
  pluginConfigSchema.parse(strapi.config.get('plugin::customerly') ?? {});

/** The name of the users-permissions user's relation to the plugin's tags (config `userTagsField`). */
export const tagsFieldOf = (strapi: Core.Strapi): string => pluginConfig(strapi)?.userTagsField ?? 'tags';
