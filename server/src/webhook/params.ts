import { z } from 'zod';
import { WebhookError } from '../utils/webhook-error';
import { hasNul } from './clean-json';

export const WEBHOOK_ACTIONS = ['add', 'update', 'update_tags', 'test'] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/** Query parameters the route accepts; anything else is refused so that typos do not pass silently. */
export const KNOWN_PARAMS = ['action', 'wpf_action', 'access_key', 'send_notification', 'role', 'email', 'async'] as const;

const TRUE_WORDS = ['true', '1', 'yes'];
const FALSE_WORDS = ['false', '0', 'no'];

const flag = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const v = value.trim().toLowerCase();
      if (TRUE_WORDS.includes(v)) return true;
      if (FALSE_WORDS.includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `The parameter ${name} must be true, false, 1, 0, yes or no, not "${value}"` });
      return z.NEVER;
    });

const paramsSchema = z.object({
  action: z.enum(WEBHOOK_ACTIONS, {
    error: (issue) =>
      issue.input === undefined
        ? 'The URL has no action: add action=add, update, update_tags or test'
        : `Unknown action "${String(issue.input)}": use add, update, update_tags or test`,
  }),
  send_notification: flag('send_notification'),
  async: flag('async'),
  role: z
    .string()
    .trim()
    .min(1, 'The parameter role is empty: give a role name or type, or leave the parameter out')
    .max(100, 'The parameter role is too long (100 characters at most)')
    .optional(),
  email: z.string().trim().min(1, 'The parameter email is empty: give an address or leave the parameter out').optional(),
});

export type WebhookParams = z.output<typeof paramsSchema>;

export interface ParsedQuery {
  /** The access key as given in the URL, if any. */
  accessKey?: string;
  params: Record<string, string>;
}

/** Splits a raw query string, refusing repeated parameters (which would be ambiguous). */
export function splitQuery(querystring: string): ParsedQuery {
  const search = new URLSearchParams(querystring);
  const params: Record<string, string> = {};
  let accessKey: string | undefined;
  for (const [key, value] of search) {
    if (key in params || (key === 'access_key' && accessKey !== undefined)) {
      throw new WebhookError(400, 'bad_parameter', `The parameter "${key}" appears more than once: give it once.`);
    }
    if (key === 'access_key') accessKey = value;
    else params[key] = value;
  }
  return { accessKey, params };
}

/** Validates the non-secret parameters. `wpf_action` (WP Fusion's name) is an alias of `action`. */
export function parseParams(raw: Record<string, string>): WebhookParams {
  const unknown = Object.keys(raw).filter((k) => !(KNOWN_PARAMS as readonly string[]).includes(k));
  if (unknown.length) {
    throw new WebhookError(
      400,
      'unknown_parameter',
      `Unknown parameter ${unknown.map((k) => `"${k}"`).join(', ')}: the webhook accepts ${KNOWN_PARAMS.join(', ')}.`
    );
  }
  const withNul = Object.keys(raw).find((k) => hasNul(raw[k]!));
  if (withNul) {
    throw new WebhookError(400, 'bad_parameter', `The parameter ${withNul} holds a NUL character (%00): remove it from the URL.`);
  }
  const { wpf_action, ...rest } = raw;
  if (wpf_action !== undefined && rest.action !== undefined && wpf_action !== rest.action) {
    throw new WebhookError(400, 'bad_parameter', 'The parameters action and wpf_action disagree: give only one of them.');
  }
  const result = paramsSchema.safeParse({ ...rest, action: rest.action ?? wpf_action });
  if (!result.success) {
    const issue = result.error.issues[0];
    const code = issue?.path[0] === 'action' ? 'bad_action' : 'bad_parameter';
    throw new WebhookError(400, code, `${issue?.message ?? 'A parameter is not valid'}.`);
  }
  return result.data;
}
