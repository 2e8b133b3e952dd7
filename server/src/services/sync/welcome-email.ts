import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { renderWelcomeEmail, siteNameFor, type TemplateVariables } from '../../../../shared/contracts/email-template';
import type { PluginConfig } from '../../config/schema';
import { USER_UID } from '../../content-types';
import { readAdvancedSettings } from './users-permissions';

// The template, its defaults and the renderer are shared with the admin panel's preview.
export { DEFAULT_WELCOME, renderTemplate, type TemplateVariables } from '../../../../shared/contracts/email-template';

/** The set-password link: users-permissions' reset-password page with a fresh reset code. */
export function resetLink(base: string, code: string): string {
  return `${base}${base.includes('?') ? '&' : '?'}code=${code}`;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * Sends the welcome email with a set-password link built on users-permissions' reset-password mechanism:
   * a reset code is stored on the user and the link points at the configured reset-password page.
   * The email never carries a password.
   */
  async send(user: { id: number; email: string; username: string }, settings: PluginConfig): Promise<void> {
    const advanced = await readAdvancedSettings(strapi);
    const serverUrl = String(strapi.config.get('server.absoluteUrl') ?? strapi.config.get('server.url') ?? '');
    const base = advanced.email_reset_password || `${serverUrl.replace(/\/$/, '')}/reset-password`;
    const code = randomBytes(64).toString('hex');
    await strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { resetPasswordToken: code } });

    const siteName = siteNameFor(settings.welcomeEmail.siteName, serverUrl);
    const vars: TemplateVariables = {
      username: user.username,
      email: user.email,
      link: resetLink(base, code),
      siteName,
    };
    await strapi
      .plugin('email')
      .service('email')
      .send({ to: user.email, ...renderWelcomeEmail(settings.welcomeEmail, vars) });
  },
});
