import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config/schema';
import { USER_UID } from '../content-types';

export const DEFAULT_WELCOME = {
  subject: 'Welcome to {{siteName}}',
  text: [
    'Hello {{username}},',
    '',
    'An account was created for you on {{siteName}} with the email address {{email}}.',
    'Choose your password here to sign in:',
    '{{link}}',
    '',
    'If you did not expect this email, you can ignore it.',
  ].join('\n'),
  html: [
    '<p>Hello {{username}},</p>',
    '<p>An account was created for you on {{siteName}} with the email address {{email}}.</p>',
    '<p><a href="{{link}}">Choose your password</a> to sign in.</p>',
    '<p>If you did not expect this email, you can ignore it.</p>',
  ].join('\n'),
};

export type TemplateVariables = { username: string; email: string; link: string; siteName: string };

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Fills {{variable}} placeholders; unknown ones are left as they are. HTML templates get escaped values. */
export function renderTemplate(template: string, vars: TemplateVariables, html = false): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    if (!Object.hasOwn(vars, name)) return whole;
    const value = vars[name as keyof TemplateVariables];
    return html ? escapeHtml(value) : value;
  });
}

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
    const advanced = (await strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' }).get()) as
      | { email_reset_password?: string | null }
      | null;
    const serverUrl = String(strapi.config.get('server.absoluteUrl') ?? strapi.config.get('server.url') ?? '');
    const base = advanced?.email_reset_password || `${serverUrl.replace(/\/$/, '')}/reset-password`;
    const code = randomBytes(64).toString('hex');
    await strapi.db.query(USER_UID as any).update({ where: { id: user.id }, data: { resetPasswordToken: code } });

    const siteName = settings.welcomeEmail.siteName || hostOf(serverUrl) || 'our site';
    const vars: TemplateVariables = { username: user.username, email: user.email, link: resetLink(base, code), siteName };
    const t = settings.welcomeEmail;
    await strapi
      .plugin('email')
      .service('email')
      .send({
        to: user.email,
        subject: renderTemplate(t.subject || DEFAULT_WELCOME.subject, vars),
        text: renderTemplate(t.text || DEFAULT_WELCOME.text, vars),
        html: renderTemplate(t.html || DEFAULT_WELCOME.html, vars, true),
      });
  },
});

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
