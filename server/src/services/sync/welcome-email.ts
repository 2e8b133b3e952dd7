import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import {
  SAMPLE_USER,
  TEST_EMAIL_CODE,
  markAsTest,
  renderWelcomeEmail,
  siteNameFor,
  type RenderedEmail,
  type TemplateVariables,
  type TestEmailRequest,
} from '../../../../shared/contracts/email-template';
import type { PluginConfig } from '../../config/schema';
import { USER_UID } from '../../content-types';
import { readAdvancedSettings } from './users-permissions';

// The template, its defaults and the renderer are shared with the admin panel's preview.
export { DEFAULT_WELCOME, renderTemplate, type TemplateVariables } from '../../../../shared/contracts/email-template';

/** The set-password link: users-permissions' reset-password page with a fresh reset code. */
export function resetLink(base: string, code: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}code=${code}`;
}

/** The set-password link of a test email when no reset-password page is set: a sample, like the preview's. */
const SAMPLE_RESET_PAGE = 'https://example.com/reset-password';

/** What `send` did: sent, or not sent because users-permissions has no reset-password page to link to. */
export type WelcomeSendResult = 'sent' | 'no-reset-page';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const serverUrl = () => String(strapi.config.get('server.absoluteUrl') ?? strapi.config.get('server.url') ?? '');

  /** users-permissions' *Reset password page* (Settings → Users & Permissions plugin → Advanced settings), or null. */
  const resetPasswordPage = async (): Promise<string | null> => {
    const page = (await readAdvancedSettings(strapi)).email_reset_password;
    return typeof page === 'string' && page.trim() ? page.trim() : null;
  };

  const deliver = (to: string, email: RenderedEmail) =>
    strapi
      .plugin('email')
      .service('email')
      .send({ to, ...email });

  const variables = (
    user: { username: string; email: string },
    link: string,
    siteName?: string
  ): TemplateVariables => ({
    username: user.username,
    email: user.email,
    link,
    siteName: siteNameFor(siteName, serverUrl()),
  });

  return {
    resetPasswordPage,

    /**
     * Sends the welcome email with a set-password link built on users-permissions' reset-password mechanism:
     * a reset code is stored on the user and the link points at the configured reset-password page. Without that
     * page the link would lead nowhere: nothing is sent (and no code stored). The email never carries a password.
     */
    async send(
      user: { id: number; email: string; username: string },
      settings: PluginConfig
    ): Promise<WelcomeSendResult> {
      const page = await resetPasswordPage();
      if (!page) return 'no-reset-page';
      const code = randomBytes(64).toString('hex');
      await strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { resetPasswordToken: code } });
      const vars = variables(user, resetLink(page, code), settings.welcomeEmail.siteName);
      await deliver(user.email, renderWelcomeEmail(settings.welcomeEmail, vars));
      return 'sent';
    },

    /**
     * The panel's "Send test email": `template` (the form's values, saved or not) rendered for the sample user
     * with a sample set-password link, marked as a test, sent to `to`. Stores nothing.
     */
    async sendTest(to: string, template: TestEmailRequest): Promise<void> {
      const link = resetLink((await resetPasswordPage()) ?? SAMPLE_RESET_PAGE, TEST_EMAIL_CODE);
      await deliver(to, markAsTest(renderWelcomeEmail(template, variables(SAMPLE_USER, link, template.siteName))));
    },
  };
};
