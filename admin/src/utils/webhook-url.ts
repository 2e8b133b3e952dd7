import { ACTIONS_WITH_NOTIFICATION, ACTIONS_WITH_ROLE, type WebhookAction } from '../../../shared/contracts/webhook';

/** Options an admin picks once for every URL. */
export interface UrlOptions {
  sendNotification: boolean;
  role: string;
}

/** Shown in place of the key while it is hidden. */
export const HIDDEN_KEY = '••••••••';

/** Builds the webhook URL of an action, as Customerly must call it. */
export function webhookUrl(origin: string, path: string, action: string, key: string, opts: UrlOptions): string {
  const params = new URLSearchParams();
  params.set('action', action);
  const is = (list: readonly WebhookAction[]) => (list as readonly string[]).includes(action);
  if (is(ACTIONS_WITH_NOTIFICATION) && opts.sendNotification) params.set('send_notification', 'true');
  if (is(ACTIONS_WITH_ROLE) && opts.role) params.set('role', opts.role);
  // The key goes last and is not URL-encoded into something unreadable: base64url needs no escaping.
  const shownKey = /^•+$/.test(key) ? key : encodeURIComponent(key);
  return `${origin.replace(/\/$/, '')}${path}?${params.toString()}&access_key=${shownKey}`;
}

/** The origin Customerly must call: the server's public URL when set, else the one this panel is served from. */
export function publicOrigin(serverUrl: string): string {
  try {
    if (serverUrl && /^https?:\/\//.test(serverUrl)) {
      const url = new URL(serverUrl);
      return url.origin + url.pathname.replace(/\/$/, '');
    }
  } catch {
    // not a URL: fall through
  }
  return window.location.origin;
}
