import type { StrapiApp } from '@strapi/strapi/admin';
import { ACTIONS, PLUGIN_ID } from '../../shared/contracts/permissions';
import { PluginIcon } from './components/PluginIcon';
import { getTranslation, prefixTranslations } from './utils/translations';

export default {
  register(app: StrapiApp) {
    app.registerPlugin({ id: PLUGIN_ID, name: 'Customerly' });

    // Customerly → Deliveries, in the main menu.
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: PluginIcon,
      intlLabel: { id: getTranslation('plugin.name'), defaultMessage: 'Customerly' },
      permissions: [{ action: ACTIONS.deliveriesRead, subject: null }],
      Component: () => import('./pages/Deliveries'),
    });

    // Settings → Customerly.
    app.addSettingsLink('global', {
      id: PLUGIN_ID,
      to: PLUGIN_ID,
      intlLabel: { id: getTranslation('settings.title'), defaultMessage: 'Customerly' },
      permissions: [{ action: ACTIONS.settingsRead, subject: null }],
      Component: () => import('./pages/Settings'),
    });
  },
  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = await import(`./translations/${locale}.json`);
          return { data: prefixTranslations(data), locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};
