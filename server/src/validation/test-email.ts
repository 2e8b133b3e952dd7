import { settingsUpdateSchema } from './settings';

/**
 * `POST /customerly/settings/test-email`: the welcome email's template as the form holds it (saved or not), with the
 * same limits as a save. Empty fields mean the built-in template.
 */
export const testEmailSchema = settingsUpdateSchema.shape.welcomeEmail.unwrap().omit({ always: true });
