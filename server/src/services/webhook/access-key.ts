import { ENV_OVERRIDES } from '../../constants';
import { secureEqual } from '../../utils/secure-compare';
import { WebhookError } from './answers';

/** The header that may carry the access key instead of the URL. */
export const ACCESS_KEY_HEADER = 'x-customerly-access-key';

/** The access key a request gives: `access_key=` in the URL wins over the header. */
export function givenAccessKey(
  fromUrl: string | undefined,
  headers: Record<string, string | string[] | undefined>
): string | undefined {
  const header = headers[ACCESS_KEY_HEADER];
  return fromUrl ?? (typeof header === 'string' ? header : undefined);
}

/** Checks the access key: 503 when none is configured, 401 when it is missing or wrong. */
export function checkAccessKey(configured: string, given: string | undefined): void {
  if (!configured) {
    throw new WebhookError(
      503,
      'not_configured',
      `The Customerly webhook has no access key yet: set one in Settings → Customerly or in ${ENV_OVERRIDES.webhookKey}.`
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
    throw new WebhookError(
      401,
      'invalid_access_key',
      'The access key is wrong: copy the webhook URL again from Settings → Customerly.'
    );
  }
}
