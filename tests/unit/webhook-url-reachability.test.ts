/**
 * The admin's webhook URLs: which hosts Customerly (calling from the internet) cannot reach, and which origin the
 * copied URLs are built on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publicOrigin, unreachableReason, webhookUrl } from '../../admin/src/utils/webhook-url';

describe('unreachableReason', () => {
  const cases: Array<[string, ReturnType<typeof unreachableReason>]> = [
    // this machine
    ['http://localhost:1337', 'loopback'],
    ['http://LOCALHOST', 'loopback'],
    ['http://app.localhost:1337', 'loopback'],
    ['http://127.0.0.1:1337', 'loopback'],
    ['http://127.1.2.3', 'loopback'],
    ['http://127.1:1337', 'loopback'], // the URL parser normalises it to 127.0.0.1
    ['http://0x7f.0.0.1', 'loopback'],
    ['http://0.0.0.0:1337', 'loopback'],
    ['http://[::1]:1337', 'loopback'],
    ['http://[::]:1337', 'loopback'],
    ['http://[::ffff:127.0.0.1]:1337', 'loopback'],
    // private networks
    ['http://10.0.0.5', 'private'],
    ['http://10.255.255.255:8080', 'private'],
    ['http://172.16.0.1', 'private'],
    ['http://172.31.255.1', 'private'],
    ['https://192.168.1.20', 'private'],
    ['http://169.254.10.10', 'private'],
    ['http://100.64.0.1', 'private'],
    ['http://[fd12:3456::1]', 'private'],
    ['http://[fe80::1]', 'private'],
    ['http://[::ffff:192.168.0.1]', 'private'],
    // names only a local network knows
    ['http://my-laptop.local:1337', 'local-name'],
    ['http://strapi:1337', 'local-name'],
    ['http://nas.home.arpa', 'local-name'],
    ['http://strapi.internal', 'local-name'],
    ['http://strapi.lan', 'local-name'],
    ['http://my-laptop.local.:1337', 'local-name'],
    // public
    ['https://strapi.example.com', null],
    ['https://abc123.ngrok-free.app', null],
    ['http://172.15.0.1', null],
    ['http://172.32.0.1', null],
    ['http://11.0.0.1', null],
    ['http://192.169.1.1', null],
    ['http://100.128.0.1', null],
    ['http://8.8.8.8', null],
    ['http://[2001:db8::1]', null],
    ['http://localhost.example.com', null],
    ['not a url', null],
  ];
  for (const [url, expected] of cases) {
    it(`${url} → ${expected ?? 'reachable'}`, () => assert.equal(unreachableReason(url), expected));
  }
});

describe('publicOrigin (the base of the copied URLs)', () => {
  it("uses Strapi's url when it is set, even when the panel was opened on 127.0.0.1", () => {
    assert.equal(publicOrigin('https://strapi.example.com', 'http://127.0.0.1:1337'), 'https://strapi.example.com');
    assert.equal(publicOrigin('https://example.com/strapi/', 'http://127.0.0.1:1337'), 'https://example.com/strapi');
  });

  it('keeps a private server address when the panel is private too', () => {
    assert.equal(publicOrigin('http://localhost:1337', 'http://127.0.0.1:1337'), 'http://localhost:1337');
  });

  it('takes the public address the panel was opened at (a tunnel) over a private server address', () => {
    assert.equal(
      publicOrigin('http://localhost:1337', 'https://abc.trycloudflare.com'),
      'https://abc.trycloudflare.com'
    );
  });

  it("falls back to the panel's origin when the server URL is missing or not http(s)", () => {
    assert.equal(publicOrigin('', 'https://cms.example.org'), 'https://cms.example.org');
    assert.equal(publicOrigin('/strapi', 'https://cms.example.org'), 'https://cms.example.org');
  });

  it('the URL built on it carries the public host', () => {
    const url = webhookUrl(
      publicOrigin('https://strapi.example.com', 'http://127.0.0.1:1337'),
      '/api/customerly/webhook',
      'add',
      'KEY',
      {
        sendNotification: false,
        role: '',
      }
    );
    assert.equal(url, 'https://strapi.example.com/api/customerly/webhook?action=add&access_key=KEY');
    assert.equal(unreachableReason(url), null);
  });
});
