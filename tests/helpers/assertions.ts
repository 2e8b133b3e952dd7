import assert from 'node:assert/strict';
import { WebhookError } from '../../server/src/services/webhook/answers';
import type { AnswerJson } from './strapi';

/** Runs `fn`, which must throw a WebhookError, and returns it (for its status, code and message). */
export function webhookError(fn: () => unknown): WebhookError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WebhookError, `a WebhookError, not ${String(e)}`);
    return e;
  }
  assert.fail('expected a WebhookError');
}

/** The field paths ("fieldMapping.1.type") of a Strapi ValidationError answer's `details.errors`. */
export const validationPaths = (json: AnswerJson): string[] =>
  (json?.error?.details?.errors ?? []).map((e: { path: string[] }) => e.path.join('.'));

/** The `details.errors` of a Strapi ValidationError answer, as path → message. */
export const validationMessages = (json: AnswerJson): Record<string, string> =>
  Object.fromEntries(
    (json?.error?.details?.errors ?? []).map((e: { path: string[]; message: string }) => [e.path.join('.'), e.message])
  );
