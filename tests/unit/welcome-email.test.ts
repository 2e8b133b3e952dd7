import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_WELCOME,
  renderTemplate,
  resetLink,
  type TemplateVariables,
} from '../../server/src/services/sync/welcome-email';

const VARS: TemplateVariables = {
  username: 'ann',
  email: 'ann@example.com',
  link: 'https://front.example/reset-password?code=abc123',
  siteName: 'Example Shop',
};

describe('renderTemplate', () => {
  it('fills every variable, also with blanks inside the braces and when repeated', () => {
    assert.equal(
      renderTemplate('Hi {{username}} <{{ email }}> at {{siteName}}: {{link}} ({{username}})', VARS),
      'Hi ann <ann@example.com> at Example Shop: https://front.example/reset-password?code=abc123 (ann)'
    );
  });

  it('leaves unknown variables as they are', () => {
    assert.equal(
      renderTemplate('{{username}} {{password}} {{ firstName }} {{}}', VARS),
      'ann {{password}} {{ firstName }} {{}}'
    );
  });

  it('is case-sensitive about variable names', () => {
    assert.equal(renderTemplate('{{Username}} {{EMAIL}}', VARS), '{{Username}} {{EMAIL}}');
  });

  it('does not touch text without placeholders, nor single braces', () => {
    assert.equal(renderTemplate('plain {username} { {email} }', VARS), 'plain {username} { {email} }');
  });

  it('in HTML, escapes the values (& < > " \') but not the template', () => {
    const vars = {
      ...VARS,
      username: `<script>alert("x")</script> & 'co'`,
      link: 'https://x.example/r?code=1&next="/"',
    };
    assert.equal(
      renderTemplate('<p class="u">{{username}}</p><a href="{{link}}">go</a>', vars, true),
      '<p class="u">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p><a href="https://x.example/r?code=1&amp;next=&quot;/&quot;">go</a>'
    );
  });

  it('in text, leaves the values as they are', () => {
    assert.equal(renderTemplate('{{username}}', { ...VARS, username: '<b>&</b>' }), '<b>&</b>');
  });

  it('does not expand placeholders that come from a value', () => {
    assert.equal(
      renderTemplate('{{username}} / {{email}}', { ...VARS, username: '{{email}}' }),
      '{{email}} / ann@example.com'
    );
  });

  it('renders the default templates with no placeholder left, and the HTML one escaped', () => {
    for (const [name, template] of Object.entries(DEFAULT_WELCOME)) {
      const out = renderTemplate(template, { ...VARS, username: 'a<b' }, name === 'html');
      assert.ok(!out.includes('{{'), `${name}: ${out}`);
      assert.ok(out.includes(name === 'html' ? 'a&lt;b' : 'a<b') || name === 'subject', `${name}: ${out}`);
      if (name !== 'subject')
        assert.ok(
          out.includes(name === 'html' ? VARS.link.replace(/&/g, '&amp;') : VARS.link),
          `${name} carries the link`
        );
    }
    assert.equal(renderTemplate(DEFAULT_WELCOME.subject, VARS), 'Welcome to Example Shop');
  });

  it('leaves names of Object.prototype members ({{constructor}}, {{toString}}) as they are', {}, () => {
    assert.equal(renderTemplate('{{constructor}} {{toString}}', VARS), '{{constructor}} {{toString}}');
    assert.equal(renderTemplate('<p>{{constructor}}</p>', VARS, true), '<p>{{constructor}}</p>');
  });
});

describe('resetLink', () => {
  it('adds the code as a query parameter', () => {
    assert.equal(
      resetLink('https://front.example/reset-password', 'c0de'),
      'https://front.example/reset-password?code=c0de'
    );
  });

  it('appends with & when the base already has a query', () => {
    assert.equal(
      resetLink('https://front.example/auth?step=reset', 'c0de'),
      'https://front.example/auth?step=reset&code=c0de'
    );
  });

  it('keeps a hex code of users-permissions length as it is', () => {
    const code = 'ab'.repeat(64);
    const url = new URL(resetLink('http://127.0.0.1:1337/reset-password', code));
    assert.equal(url.searchParams.get('code'), code);
    assert.equal(url.pathname, '/reset-password');
  });
});
