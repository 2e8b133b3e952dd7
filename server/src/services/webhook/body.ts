import type { RawBody } from './intake-state';
import { WebhookError } from './answers';
import { cleanJsonPayload } from './clean-json';

/**
 * Turns the raw body into a JSON object. An empty body gives `undefined` (the `test` action needs none);
 * everything else must be a JSON object. The object is cleaned (see clean-json.ts) before anything reads it.
 */
export function parseJsonBody(body: RawBody): Record<string, unknown> | undefined {
  switch (body.kind) {
    case 'empty':
      return undefined;
    case 'too-large':
      throw new WebhookError(
        413,
        'body_too_large',
        `The body is larger than ${body.limit} bytes: send one contact per webhook, or raise the plugin's maxBodyBytes.`
      );
    case 'unreadable':
      throw new WebhookError(400, 'body_unreadable', `The body could not be read (${body.reason}): send it again.`);
    case 'text': {
      let value: unknown;
      try {
        value = JSON.parse(body.text);
      } catch {
        throw new WebhookError(
          400,
          'invalid_json',
          'The body is not valid JSON: send the Customerly webhook payload as JSON.'
        );
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new WebhookError(
          400,
          'invalid_body',
          'The body must be a JSON object, as Customerly sends it, not an array or a single value.'
        );
      }
      cleanJsonPayload(value);
      return value as Record<string, unknown>;
    }
  }
}
