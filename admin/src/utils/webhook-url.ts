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

/**
 * The origin Customerly must call: Strapi's public URL (`server.absoluteUrl`, which is `url` of config/server when it
 * is set). When that address is one the internet cannot reach (no `url` set: Strapi builds it from host and port)
 * but this panel was opened at a public address (through a tunnel or a proxy), the panel's own origin is the one
 * that works.
 */
export function publicOrigin(serverUrl: string, pageOrigin: string = window.location.origin): string {
  const server = httpBase(serverUrl);
  if (!server) return pageOrigin;
  if (unreachableReason(server) && !unreachableReason(pageOrigin)) return pageOrigin;
  return server;
}

/** An http(s) URL without its trailing slash, or null when the text is not one. */
function httpBase(url: string): string | null {
  if (!/^https?:\/\//i.test(url)) return null;
  try {
    const parsed = new URL(url);
    return parsed.origin + parsed.pathname.replace(/\/$/, '');
  } catch {
    return null;
  }
}

/** Why Customerly, which calls from the internet, cannot reach a host. */
export type UnreachableReason = 'loopback' | 'private' | 'local-name';

/** Suffixes of names that only a local network resolves (mDNS, home routers, reserved names). */
const LOCAL_SUFFIXES = ['.local', '.localdomain', '.lan', '.home.arpa', '.internal', '.intranet', '.test'];

/**
 * Whether Customerly cannot reach the host of `url`: this machine (`localhost`, 127.x, ::1, 0.0.0.0), a private or
 * link-local network (10.x, 172.16–31.x, 192.168.x, 169.254.x, 100.64–127.x, fc00::/7, fe80::/10), or a name only a
 * local network knows (`*.local`, a bare name without a dot, …). Null when the host may be public, or the URL does
 * not parse.
 */
export function unreachableReason(url: string): UnreachableReason | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  host = host.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!host) return null;
  const v4 = ipv4Octets(host) ?? mappedIpv4(host);
  if (v4) return ipv4Reason(v4);
  if (host.includes(':')) return ipv6Reason(host);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (!host.includes('.') || LOCAL_SUFFIXES.some((s) => host.endsWith(s))) return 'local-name';
  return null;
}

/** The four numbers of a dotted IPv4 address (the URL parser has already normalised 127.1, 0x7f.0.0.1, …). */
function ipv4Octets(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  return octets.every((n) => n <= 255) ? octets : null;
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:7f00:1`, as the URL parser writes ::ffff:127.0.0.1). */
function mappedIpv4(host: string): number[] | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (dotted) return ipv4Octets(dotted[1]!);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!hex) return null;
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255];
}

function ipv4Reason([a, b]: number[]): UnreachableReason | null {
  if (a === 127 || a === 0) return 'loopback';
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) return 'private';
  if ((a === 169 && b === 254) || (a === 100 && b! >= 64 && b! <= 127)) return 'private';
  return null;
}

function ipv6Reason(host: string): UnreachableReason | null {
  if (host === '::1' || host === '::') return 'loopback';
  const first = parseInt(host.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80) return 'private';
  return null;
}
