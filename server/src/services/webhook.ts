import type { Core } from '@strapi/strapi';
import type { WebhookIntake } from '../webhook/intake-state';
import { parseJsonBody } from '../webhook/body';
import { parseParams, splitQuery } from '../webhook/params';
import { secureEqual } from '../utils/secure-compare';
import { WebhookError, isWebhookError } from '../utils/webhook-error';

export const ACCESS_KEY_HEADER = 'x-customerly-access-key';

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const errorAnswer = (e: WebhookError): WebhookAnswer => ({
  status: e.status,
  headers: e.headers,
  body: { ok: false, error: { status: e.status, code: e.code, message: e.message } },
});

/** Checks the access key: 503 when none is configured, 401 when it is missing or wrong. */
export function checkAccessKey(configured: string, given: string | undefined): void {
  if (!configured) {
    throw new WebhookError(
      503,
      'not_configured',
      'The Customerly webhook has no access key yet: set one in Settings → Customerly or in CUSTOMERLY_WEBHOOK_KEY.'
    );
  }
  if (!given) {
    throw new WebhookError(
      401,
      'missing_access_key',
      `The access key is missing: add access_key=… to the webhook URL or send it in the ${ACCESS_KEY_HEADER} header.`
    );
  }
  if (!secureEqual(given, configured)) {
    throw new WebhookError(401, 'invalid_access_key', 'The access key is wrong: copy the webhook URL again from Settings → Customerly.');
  }
}

/** The webhook's whole pipeline, from the raw request to the answer. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async receive(intake: WebhookIntake): Promise<WebhookAnswer> {
    try {
      const settings = await strapi.plugin('customerly').service('settings').get();
      const { accessKey, params: rawParams } = splitQuery(intake.querystring);
      const headerKey = intake.headers[ACCESS_KEY_HEADER];
      checkAccessKey(settings.webhookKey, accessKey ?? (typeof headerKey === 'string' ? headerKey : undefined));

      const body = parseJsonBody(intake.body);
      const params = parseParams(rawParams);

      if (params.action === 'test') {
        return { status: 200, body: { ok: true } };
      }
      void body;
      throw new WebhookError(501, 'not_implemented', `The action "${params.action}" is not available yet.`);
    } catch (e) {
      if (isWebhookError(e)) return errorAnswer(e);
      strapi.log.error(`[customerly] webhook failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`);
      return {
        status: 500,
        body: { ok: false, error: { status: 500, code: 'internal_error', message: 'The plugin failed unexpectedly: see the Strapi log for details.' } },
      };
    }
  },
});
