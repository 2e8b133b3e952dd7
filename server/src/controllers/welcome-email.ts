import type { Context } from 'koa';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils/get-service';
import { describeEmailError } from '../services/sync/email-error';
import { parseInput } from '../validation/errors';
import { testEmailSchema } from '../validation/test-email';

/** Thin: the panel's "Send test email", to the signed-in admin. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async sendTest(ctx: Context) {
    const template = parseInput(
      testEmailSchema,
      ctx.request.body ?? {},
      'The email template is not valid: see the highlighted fields.'
    );
    const to = (ctx.state.user as { email?: unknown } | undefined)?.email;
    if (typeof to !== 'string' || !to) {
      throw new errors.ApplicationError('Your admin account has no email address to send the test email to.');
    }
    try {
      await getService(strapi, 'welcome-email').sendTest(to, template);
    } catch (e) {
      const reason = describeEmailError(strapi, e).replace(/[.\s]+$/, '');
      strapi.log.warn(`[customerly] the test email could not be sent: ${reason}`);
      ctx.status = 502;
      ctx.body = {
        data: null,
        error: {
          status: 502,
          name: 'EmailProviderError',
          message: `The email provider could not send the test email: ${reason}. Check the email plugin's provider settings (config/plugins).`,
          details: {},
        },
      };
      return;
    }
    ctx.body = { data: { ok: true, to } };
  },
});
