import type { Core } from '@strapi/strapi';
import { REDACTED } from '../../utils/redact';
import { describeError } from '../../utils/describe-error';

/** Every string of the email provider's options (host, user, password, API key…), longest first. */
function providerValues(strapi: Core.Strapi): string[] {
  const config = strapi.config.get('plugin::email') as { providerOptions?: unknown } | undefined;
  const found = new Set<string>();
  const walk = (value: unknown, depth: number) => {
    if (depth > 8 || value === null || value === undefined) return;
    if (typeof value === 'string' || typeof value === 'number') {
      const text = String(value);
      if (text.length >= 4) found.add(text);
    } else if (typeof value === 'object') {
      for (const v of Object.values(value as Record<string, unknown>)) walk(v, depth + 1);
    }
  };
  walk(config?.providerOptions, 0);
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * Why the email provider failed, safe for an answer or a stored delivery: the error's own words (as describeError
 * cuts them) with every value of the provider's options and every password of a URL (`smtp://user:pass@host`)
 * replaced by "[redacted]". Providers may quote their configuration in their errors.
 */
export function describeEmailError(strapi: Core.Strapi, e: unknown): string {
  let text = describeError(e).replace(/(\/\/[^\s/:@]*:)[^\s/@]*@/g, `$1${REDACTED}@`);
  for (const value of providerValues(strapi)) text = text.split(value).join(REDACTED);
  return text;
}
