import type { StrapiApp } from '@strapi/strapi/admin';
import { ACTIONS, PLUGIN_ID } from '../../shared/contracts/permissions';
import { JobsIcon, PluginIcon } from './components/PluginIcon';
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

    // Customerly jobs, next to it (its own path: a link under plugins/customerly would light both up).
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}-jobs`,
      icon: JobsIcon,
      intlLabel: { id: getTranslation('jobs.menu'), defaultMessage: 'Customerly jobs' },
      permissions: [{ action: ACTIONS.jobsRead, subject: null }],
      Component: () => import('./pages/Jobs'),
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
