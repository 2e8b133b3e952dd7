import type { Core } from '@strapi/strapi';
import { RESET_PAGE_SETTING } from '../../../../shared/contracts/email-template';
import type { PluginConfig } from '../../config/schema';
import type { CustomerlyClient } from '../../customerly';
import { getService } from '../../utils/get-service';
import { describeEmailError } from './email-error';
import type { ContactInput } from '../webhook/contact';
import type { WrittenUser } from './write-user';
import type { SyncNotes, SyncRequest } from './types';

/**
 * `welcomeEmail` and `passwordReturn` of the answer. `welcomeEmail`: `not-requested` (neither send_notification nor
 * `always`), `not-sent-existing-user`, `not-sent` (it could not be sent as configured: a warning says why and what to
 * set), `sent`, `failed` (the email provider refused it: a warning says why).
 */
export interface AfterAdd {
  welcomeEmail: 'not-requested' | 'not-sent-existing-user' | 'not-sent' | 'sent' | 'failed';
  passwordReturn: 'not-enabled' | 'not-created' | 'not-generated' | 'written' | 'failed';
}

const welcomeRequested = (req: SyncRequest, settings: PluginConfig): boolean =>
  !!(req.params.send_notification ?? settings.welcomeEmail.always);

/** An import returns passwords only when the job asked, to the attribute of the settings (enabled or not there). */
const passwordReturnEnabled = (req: SyncRequest, settings: PluginConfig): boolean =>
  req.origin?.source === 'import'
    ? req.origin.returnPassword && settings.returnPassword.attribute.trim() !== ''
    : settings.returnPassword.enabled;

/**
 * Whether step 5 may call out (the email provider, Customerly's API) for a user it creates. When it may not, the
 * sync writes the user and records the delivery's outcome in one transaction (sync/index.ts); when it may, step 5
 * runs after the write is committed, never while a transaction is held open.
 */
export const afterAddCallsOut = (req: SyncRequest, settings: PluginConfig): boolean =>
  req.action === 'add' && (welcomeRequested(req, settings) || passwordReturnEnabled(req, settings));

/**
 * Step 5, after an `add` saved the user: the welcome email, and the generated password written back to Customerly.
 * Their failures do not undo the user: they are warnings.
 */
export async function afterAdd(
  strapi: Core.Strapi,
  req: SyncRequest,
  contact: ContactInput,
  written: WrittenUser,
  settings: PluginConfig,
  client: CustomerlyClient | null,
  notes: SyncNotes
): Promise<AfterAdd> {
  return {
    welcomeEmail: await sendWelcome(strapi, req, written, settings, notes),
    passwordReturn: await returnPassword(settings, client, contact, written.password, notes, req),
  };
}

async function sendWelcome(
  strapi: Core.Strapi,
  req: SyncRequest,
  written: WrittenUser,
  settings: PluginConfig,
  notes: SyncNotes
): Promise<AfterAdd['welcomeEmail']> {
  if (!welcomeRequested(req, settings)) return 'not-requested';
  if (!written.created) return 'not-sent-existing-user';
  try {
    if ((await getService(strapi, 'welcome-email').send(written.user, settings)) === 'no-reset-page') {
      notes.warnings.push(
        `the welcome email was not sent: its set-password link needs a page of your site, set in ${RESET_PAGE_SETTING}`
      );
      return 'not-sent';
    }
    return 'sent';
  } catch (e) {
    notes.warnings.push(`the welcome email could not be sent: ${describeEmailError(strapi, e)}`);
    return 'failed';
  }
}

async function returnPassword(
  settings: PluginConfig,
  client: CustomerlyClient | null,
  contact: ContactInput,
  password: WrittenUser['password'],
  notes: SyncNotes,
  req: SyncRequest
): Promise<AfterAdd['passwordReturn']> {
  if (!passwordReturnEnabled(req, settings)) return 'not-enabled';
  if (!password) return 'not-created';
  if (!password.generated) return 'not-generated';
  if (!client) {
    notes.warnings.push('the password could not be returned: no Customerly API token is set');
    return 'failed';
  }
  try {
    await client.writeAttributes(contact.kind, contact.email, { [settings.returnPassword.attribute]: password.value });
    return 'written';
  } catch (e) {
    notes.warnings.push(`the password could not be returned to Customerly: ${(e as Error).message}`);
    return 'failed';
  }
}
