import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KNOWN_PARAMS, parseParams, splitQuery } from '../../server/src/services/webhook/params';
import { webhookError } from '../helpers/assertions';

describe('splitQuery', () => {
  it('takes the access key out of the parameters', () => {
    const q = splitQuery('action=add&access_key=s3cret&role=editor');
    assert.equal(q.accessKey, 's3cret');
    assert.deepEqual(q.params, { action: 'add', role: 'editor' });
    assert.ok(!('access_key' in q.params));
  });

  it('decodes percent-encoding and + as a space, and accepts a leading ?', () => {
    const q = splitQuery('?email=a%40b.co&role=Site+Editor&access_key=a%2Bb');
    assert.deepEqual(q.params, { email: 'a@b.co', role: 'Site Editor' });
    assert.equal(q.accessKey, 'a+b');
  });

  it('gives no key and no parameters for an empty query', () => {
    assert.deepEqual(splitQuery(''), { accessKey: undefined, params: {} });
  });

  it('keeps an empty key as an empty string (it is then reported as missing, not ignored)', () => {
    assert.equal(splitQuery('access_key=').accessKey, '');
    assert.equal(splitQuery('action=add').accessKey, undefined);
  });

  it('keeps unknown parameters for parseParams to refuse', () => {
    assert.deepEqual(splitQuery('foo=1&action=test').params, { foo: '1', action: 'test' });
  });

  for (const qs of [
    'action=add&action=add',
    'action=add&action=update',
    'role=a&x=1&role=b',
    'foo=1&foo=1',
    'email=a%40b.co&email=c%40d.co',
  ]) {
    it(`refuses a repeated parameter: ${qs}`, () => {
      const e = webhookError(() => splitQuery(qs));
      assert.equal(e.status, 400);
      assert.equal(e.code, 'bad_parameter');
      const name = qs.split('=')[0]!;
      assert.match(e.message, new RegExp(`"${name}" appears more than once`));
    });
  }

  it('refuses a repeated access_key, without echoing the key', () => {
    const e = webhookError(() => splitQuery('access_key=k1-secret&action=test&access_key=k2-secret'));
    assert.equal(e.code, 'bad_parameter');
    assert.match(e.message, /access_key/);
    assert.ok(!e.message.includes('secret'));
  });
});

describe('parseParams', () => {
  it('accepts each action', () => {
    for (const action of ['add', 'update', 'update_tags', 'test']) assert.equal(parseParams({ action }).action, action);
  });

  it('takes wpf_action as an alias of action, and leaves no wpf_action in the result', () => {
    const p = parseParams({ wpf_action: 'update_tags' });
    assert.equal(p.action, 'update_tags');
    assert.ok(!('wpf_action' in p));
  });

  it('accepts action and wpf_action together when they agree', () => {
    assert.equal(parseParams({ action: 'add', wpf_action: 'add' }).action, 'add');
  });

  it('refuses action and wpf_action that disagree', () => {
    const e = webhookError(() => parseParams({ action: 'add', wpf_action: 'update' }));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'bad_parameter');
    assert.match(e.message, /action and wpf_action disagree/);
  });

  it('refuses a missing action, saying how to add one', () => {
    const e = webhookError(() => parseParams({}));
    assert.equal(e.code, 'bad_action');
    assert.match(e.message, /no action/);
    assert.match(e.message, /add, update, update_tags or test/);
  });

  for (const action of ['delete', 'ADD', ' add', '', 'update-tags']) {
    it(`refuses the unknown action ${JSON.stringify(action)}, naming it`, () => {
      const e = webhookError(() => parseParams({ action }));
      assert.equal(e.status, 400);
      assert.equal(e.code, 'bad_action');
      assert.ok(e.message.includes(`"${action}"`), e.message);
    });
  }

  it('refuses an unknown wpf_action with bad_action', () => {
    assert.equal(webhookError(() => parseParams({ wpf_action: 'subscribe' })).code, 'bad_action');
  });

  it('refuses unknown parameters, naming every one and listing the known ones', () => {
    const e = webhookError(() => parseParams({ action: 'add', foo: '1', Action: 'add' }));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'unknown_parameter');
    assert.match(e.message, /"foo"/);
    assert.match(e.message, /"Action"/);
    for (const k of KNOWN_PARAMS) assert.ok(e.message.includes(k), `lists ${k}`);
  });

  it('checks unknown parameters before the action', () => {
    assert.equal(webhookError(() => parseParams({ action: 'nope', foo: '1' })).code, 'unknown_parameter');
  });

  const TRUE = ['true', '1', 'yes', 'TRUE', 'Yes', ' true '];
  const FALSE = ['false', '0', 'no', 'FALSE', 'No', ' 0 '];
  for (const flag of ['send_notification', 'async'] as const) {
    for (const v of TRUE)
      it(`${flag}=${JSON.stringify(v)} is true`, () =>
        assert.equal(parseParams({ action: 'add', [flag]: v })[flag], true));
    for (const v of FALSE)
      it(`${flag}=${JSON.stringify(v)} is false`, () =>
        assert.equal(parseParams({ action: 'add', [flag]: v })[flag], false));
    it(`${flag} left out is undefined`, () => assert.equal(parseParams({ action: 'add' })[flag], undefined));
    for (const v of ['', 'maybe', '2', 'on', 'y', 'truee', '-1']) {
      it(`${flag}=${JSON.stringify(v)} is refused, naming the parameter and the value`, () => {
        const e = webhookError(() => parseParams({ action: 'add', [flag]: v }));
        assert.equal(e.status, 400);
        assert.equal(e.code, 'bad_parameter');
        assert.match(e.message, new RegExp(flag, 'i'));
        assert.ok(e.message.includes(`"${v}"`), e.message);
        assert.match(e.message, /true, false, 1, 0, yes or no/);
      });
    }
  }

  it('trims the role and accepts up to 100 characters', () => {
    assert.equal(parseParams({ action: 'add', role: '  Editor ' }).role, 'Editor');
    assert.equal(parseParams({ action: 'add', role: 'r'.repeat(100) }).role, 'r'.repeat(100));
  });

  for (const [name, role, says] of [
    ['empty', '', /role is empty/i],
    ['blank', '   ', /role is empty/i],
    ['101 characters', 'r'.repeat(101), /too long/],
  ] as const) {
    it(`refuses a role that is ${name}`, () => {
      const e = webhookError(() => parseParams({ action: 'add', role }));
      assert.equal(e.code, 'bad_parameter');
      assert.match(e.message, says);
    });
  }

  it('trims the email parameter and refuses an empty one', () => {
    assert.equal(parseParams({ action: 'add', email: ' a@b.co ' }).email, 'a@b.co');
    for (const email of ['', '  ']) {
      const e = webhookError(() => parseParams({ action: 'add', email }));
      assert.equal(e.code, 'bad_parameter');
      assert.match(e.message, /email is empty/i);
    }
  });

  it('leaves the email unchecked as an address (extractContact checks it)', () => {
    assert.equal(parseParams({ action: 'add', email: 'not-an-address' }).email, 'not-an-address');
  });

  it('accepts access_key as a known parameter and drops it from the result', () => {
    const p = parseParams({ action: 'test', access_key: 'k' });
    assert.equal(p.action, 'test');
    assert.ok(!('access_key' in p));
  });

  it('gives every message as one sentence', () => {
    const messages = [
      webhookError(() => parseParams({})).message,
      webhookError(() => parseParams({ action: 'x' })).message,
      webhookError(() => parseParams({ action: 'add', foo: '1' })).message,
      webhookError(() => parseParams({ action: 'add', role: '' })).message,
      webhookError(() => parseParams({ action: 'add', send_notification: 'x' })).message,
    ];
    for (const m of messages) assert.match(m, /^[A-Z][^\n]*\.$/, m);
  });
});
