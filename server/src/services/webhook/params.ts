import { z } from 'zod';
import { WEBHOOK_ACTIONS } from '../../../../shared/contracts/webhook';
import { FALSE_WORDS, TRUE_WORDS, includes, orList } from '../../constants';
import { WebhookError } from './answers';
import { hasNul } from './clean-json';

/** Query parameters the route accepts; anything else is refused so that typos do not pass silently. */
export const KNOWN_PARAMS = [
  'action',
  'wpf_action',
  'access_key',
  'send_notification',
  'role',
  'email',
  'async',
] as const;

/** "true, false, 1, 0, yes or no". */
const FLAG_WORDS = orList(TRUE_WORDS.flatMap((word, i) => [word, FALSE_WORDS[i]!]));

const flag = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const v = value.trim().toLowerCase();
      if (includes(TRUE_WORDS, v)) return true;
      if (includes(FALSE_WORDS, v)) return false;
      ctx.addIssue({ code: 'custom', message: `The parameter ${name} must be ${FLAG_WORDS}, not "${value}"` });
      return z.NEVER;
    });

const paramsSchema = z.object({
  action: z.enum(WEBHOOK_ACTIONS, {
    error: (issue) =>
      issue.input === undefined
        ? `The URL has no action: add action=${orList(WEBHOOK_ACTIONS)}`
        : `Unknown action "${String(issue.input)}": use ${orList(WEBHOOK_ACTIONS)}`,
  }),
  send_notification: flag('send_notification'),
  async: flag('async'),
  role: z
    .string()
    .trim()
    .min(1, 'The parameter role is empty: give a role name or type, or leave the parameter out')
    .max(100, 'The parameter role is too long (100 characters at most)')
    .optional(),
  email: z
    .string()
    .trim()
    .min(1, 'The parameter email is empty: give an address or leave the parameter out')
    .optional(),
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
  const unknown = Object.keys(raw).filter((k) => !includes(KNOWN_PARAMS, k));
  if (unknown.length) {
    throw new WebhookError(
      400,
      'unknown_parameter',
      `Unknown parameter ${unknown.map((k) => `"${k}"`).join(', ')}: the webhook accepts ${KNOWN_PARAMS.join(', ')}.`
    );
  }
  const withNul = Object.keys(raw).find((k) => hasNul(raw[k]!));
  if (withNul) {
    throw new WebhookError(
      400,
      'bad_parameter',
      `The parameter ${withNul} holds a NUL character (%00): remove it from the URL.`
    );
  }
  const { wpf_action, ...rest } = raw;
  if (wpf_action !== undefined && rest.action !== undefined && wpf_action !== rest.action) {
    throw new WebhookError(
      400,
      'bad_parameter',
      'The parameters action and wpf_action disagree: give only one of them.'
    );
  }
  const result = paramsSchema.safeParse({ ...rest, action: rest.action ?? wpf_action });
  if (!result.success) {
    const issue = result.error.issues[0];
    const code = issue?.path[0] === 'action' ? 'bad_action' : 'bad_parameter';
    throw new WebhookError(400, code, `${issue?.message ?? 'A parameter is not valid'}.`);
  }
  return result.data;
}
