/** Builds the webhook URL of an action, as Customerly must call it. */
export interface UrlOptions {
  sendNotification: boolean;
  role: string;
}

export function webhookUrl(origin: string, path: string, action: string, key: string, opts: UrlOptions): string {
  const params = new URLSearchParams();
  params.set('action', action);
  if (action === 'add' && opts.sendNotification) params.set('send_notification', 'true');
  if ((action === 'add' || action === 'update' || action === 'update_tags') && opts.role) params.set('role', opts.role);
  // The key goes last and is not URL-encoded into something unreadable: base64url needs no escaping.
  const shownKey = /^•+$/.test(key) ? key : encodeURIComponent(key);
  return `${origin.replace(/\/$/, '')}${path}?${params.toString()}&access_key=${shownKey}`;
}

/** The origin Customerly must call: the server's public URL when set, else the one this panel is served from. */
export function publicOrigin(serverUrl: string): string {
  try {
    if (serverUrl && /^https?:\/\//.test(serverUrl)) return new URL(serverUrl).origin + new URL(serverUrl).pathname.replace(/\/$/, '');
  } catch {
    // fall through
  }
  return window.location.origin;
}

export const SAMPLE_VARS: Record<string, string> = {
  username: 'ada.lovelace@example.com',
  email: 'ada.lovelace@example.com',
  link: 'https://example.com/reset-password?code=…',
  siteName: 'example.com',
};

export function renderPreview(template: string, vars: Record<string, string>, html: boolean): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in vars ? (html ? esc(vars[name]!) : vars[name]!) : whole));
}
