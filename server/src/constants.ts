/**
 * Lists only the server uses, each defined once. Lists the admin panel needs too (actions, statuses, contact kinds,
 * settings enums, secret keys) live in shared/contracts.
 */

/** Words a flag parameter (`send_notification`, `async`) and a `boolean` field mapping read as true or false. */
export const TRUE_WORDS = ['true', '1', 'yes'] as const;
export const FALSE_WORDS = ['false', '0', 'no'] as const;

/** Contact fields that identify it or its tags: stored in clear, never redacted, never a password source. */
export const IDENTITY_FIELDS = ['email', 'crmhero_user_id', 'user_id', 'tags', 'is_user'] as const;

/** Field-mapping targets that are not user attributes: the username and the password given to a new user. */
export const LOGIN_TARGET = 'user_login';
export const PASSWORD_TARGET = 'user_pass';

/** User attribute types the field mapping cannot write (nor the panel offer as a target). */
export const NON_WRITABLE_ATTRIBUTE_TYPES = ['relation', 'component', 'dynamiczone', 'media'] as const;

/** Environment variables that set a setting; they win over the panel and config/plugins, and lock the field. */
export const ENV_OVERRIDES = {
  webhookKey: 'CUSTOMERLY_WEBHOOK_KEY',
  apiToken: 'CUSTOMERLY_API_TOKEN',
  apiUrl: 'CUSTOMERLY_API_URL',
} as const;
export type EnvOverridable = keyof typeof ENV_OVERRIDES;

export const DEFAULT_API_URL = 'https://api.customerly.io/v1';

/** "a, b or c": a list as the answers and errors spell it. */
export const orList = (items: readonly string[]): string =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

export const includes = <T extends string>(list: readonly T[], value: unknown): value is T =>
  (list as readonly unknown[]).includes(value);
