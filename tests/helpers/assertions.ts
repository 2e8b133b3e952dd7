import assert from 'node:assert/strict';
import { WebhookError } from '../../server/src/services/webhook/answers';

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
