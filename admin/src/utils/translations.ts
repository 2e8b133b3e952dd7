import { PLUGIN_ID } from '../../../shared/contracts/permissions';

/** The id of one of this plugin's messages, as registered with the admin's i18n. */
export const getTranslation = (id: string) => `${PLUGIN_ID}.${id}`;

export const prefixTranslations = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([key, value]) => [getTranslation(key), value]));
