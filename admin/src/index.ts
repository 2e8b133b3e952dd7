import { PLUGIN_ID } from '../../server/src/permissions';
import { prefixTranslations } from './utils/translations';

export default {
  register(app: any) {
    app.registerPlugin({ id: PLUGIN_ID, name: 'Customerly' });
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
