import type { Context, Next } from 'koa';
import { redactUrl } from '../utils/redact';

/**
 * Keeps secret query parameters out of Strapi's request log, for every request and whatever its path.
 * It sits just inside `strapi::logger` (see register.ts), which writes `ctx.url` once the request is done: when the
 * rest of the chain has finished (or thrown), the URL is replaced by its redacted form (redactUrl: every spelling of
 * access_key, token, password…). What the app's routes see is not changed, since this happens after them.
 * The webhook route's intake redacts its URL before anything reads it as well.
 */
export default () => {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } finally {
      const url: unknown = ctx.url;
      if (typeof url === 'string' && url.includes('?')) {
        const redacted = redactUrl(url);
        if (redacted !== url) ctx.url = redacted;
      }
    }
  };
};
