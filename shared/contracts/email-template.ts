/**
 * The welcome email: its built-in template, its variables and the renderer. The server sends what
 * `renderWelcomeEmail` returns; the panel's preview calls the same function with sample values, so what an admin
 * previews is what a user receives.
 */
import { z } from 'zod';

export const TEMPLATE_VARIABLES = ['username', 'email', 'link', 'siteName'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateVariables = Record<TemplateVariable, string>;

/** Used for every empty field of the configured template. */
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
} as const;

/** {{siteName}} when neither the settings nor the server URL give one. */
export const FALLBACK_SITE_NAME = 'our site';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Fills {{variable}} placeholders; unknown ones are left as they are. HTML templates get escaped values. */
export function renderTemplate(template: string, vars: TemplateVariables, html = false): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    if (!Object.hasOwn(vars, name)) return whole;
    const value = vars[name as TemplateVariable];
    return html ? escapeHtml(value) : value;
  });
}

export interface WelcomeTemplate {
  subject: string;
  text: string;
  html: string;
}
export type RenderedEmail = WelcomeTemplate;

/** The email as it is sent: each empty field of the template replaced by the built-in one, then filled. */
export function renderWelcomeEmail(template: WelcomeTemplate, vars: TemplateVariables): RenderedEmail {
  return {
    subject: renderTemplate(template.subject || DEFAULT_WELCOME.subject, vars),
    text: renderTemplate(template.text || DEFAULT_WELCOME.text, vars),
    html: renderTemplate(template.html || DEFAULT_WELCOME.html, vars, true),
  };
}

/** {{siteName}}: the configured one, else the host of the server's URL, else a neutral phrase. */
export function siteNameFor(configured: string | undefined, serverUrl: string): string {
  if (configured) return configured;
  try {
    return new URL(serverUrl).host || FALLBACK_SITE_NAME;
  } catch {
    return FALLBACK_SITE_NAME;
  }
}

/**
 * users-permissions' *Reset password page*: the set-password link of the welcome email points there. Without it the
 * link would lead nowhere, so no welcome email is sent and the answer says so, naming this setting.
 */
export const RESET_PAGE_SETTING = 'Settings → Users & Permissions plugin → Advanced settings → Reset password page';
/** That settings page in the admin panel (a path under the admin's router). */
export const RESET_PAGE_SETTINGS_PATH = '/settings/users-permissions/advanced-settings';

/** The user the panel's preview and the test email are rendered for. */
export const SAMPLE_USER = { username: 'ada.lovelace@example.com', email: 'ada.lovelace@example.com' } as const;

/** The code of the sample set-password link of a test email: it resets nothing. */
export const TEST_EMAIL_CODE = 'this-is-a-test-link';
export const TEST_EMAIL_SUBJECT_PREFIX = '[Test] ';
export const TEST_EMAIL_NOTE =
  'This is a test of the welcome email, sent from Settings → Customerly. ' +
  'It was rendered for a sample user; its set-password link is a sample and sets no password.';

/**
 * A test email: the welcome email rendered for the sample user, marked as a test in the subject and in a first
 * paragraph, so nobody mistakes it for a real invitation.
 */
export function markAsTest(email: RenderedEmail): RenderedEmail {
  return {
    subject: `${TEST_EMAIL_SUBJECT_PREFIX}${email.subject}`,
    text: `${TEST_EMAIL_NOTE}\n\n${email.text}`,
    html: `<p><em>${escapeHtml(TEST_EMAIL_NOTE)}</em></p>\n${email.html}`,
  };
}

/** `POST /customerly/settings/test-email` `{ subject, text, html, siteName? }` (the form's values, saved or not). */
export type TestEmailRequest = WelcomeTemplate & { siteName?: string };
/** Its answer: sent to the signed-in admin's address. */
export const testEmailAnswer = z.object({ data: z.object({ ok: z.literal(true), to: z.string() }) });
export type TestEmailResult = z.infer<typeof testEmailAnswer>['data'];
