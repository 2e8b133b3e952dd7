/**
 * The playground's admin panel: English (always there) and Italian, the two languages of the Customerly panel.
 * An admin picks the language in their profile (Profile → Interface language).
 */
export default {
  config: { locales: ['it'] },
  bootstrap() {},
};
