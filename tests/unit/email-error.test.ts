import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Core } from '@strapi/strapi';
import { describeEmailError } from '../../server/src/services/sync/email-error';
import { TEST_EMAIL_NOTE, markAsTest } from '../../shared/contracts/email-template';

/** Just enough of Strapi for describeEmailError: the email plugin's config. */
const strapiWith = (providerOptions: unknown) =>
  ({
    config: { get: (key: string) => (key === 'plugin::email' ? { providerOptions } : undefined) },
  }) as unknown as Core.Strapi;

describe('describeEmailError', () => {
  it('replaces every value of the provider options quoted by the error, and URL passwords', () => {
    const strapi = strapiWith({ host: 'mail.example.test', auth: { user: 'mailer', pass: 'S3cret-pass' }, port: 2525 });
    const text = describeEmailError(
      strapi,
      new Error('Invalid login for mailer (S3cret-pass) at smtp://bob:other-secret@mail.example.test:2525')
    );
    assert.ok(!text.includes('S3cret-pass'), text);
    assert.ok(!text.includes('other-secret'), text);
    assert.ok(!text.includes('mail.example.test'), text);
    assert.match(text, /^Invalid login for \[redacted\] \(\[redacted\]\) at smtp:\/\/bob:\[redacted\]@/);
  });

  it('keeps the message of an error that quotes nothing configured, and works without an email config', () => {
    assert.equal(describeEmailError(strapiWith(undefined), new Error('connect ECONNREFUSED')), 'connect ECONNREFUSED');
    assert.equal(describeEmailError(strapiWith({ jsonTransport: true }), 'plain'), 'plain');
  });
});

describe('markAsTest', () => {
  it('marks the subject, and opens the text and the HTML with the note (escaped in HTML)', () => {
    const email = markAsTest({ subject: 'Welcome', text: 'Hello', html: '<p>Hello</p>' });
    assert.equal(email.subject, '[Test] Welcome');
    assert.equal(email.text, `${TEST_EMAIL_NOTE}\n\nHello`);
    assert.ok(email.html.startsWith('<p><em>This is a test'));
    assert.ok(email.html.endsWith('\n<p>Hello</p>'));
  });
});
