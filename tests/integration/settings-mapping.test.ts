import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AdminSettings } from '../../shared/contracts';
import { startStrapi, startupError, type TestStrapi } from '../helpers/strapi';
import { signedInAdmin, type AdminSession } from '../e2e/admin-api';
import { validationMessages } from '../helpers/assertions';

/**
 * Field-mapping rows are checked against the users-permissions user on save and at startup: a type its target cannot
 * take, or a target another row has, is refused naming `fieldMapping[i]`, and nothing of the save is kept.
 * The playground's user has plan (string), seats (integer), vip (boolean), trialEndsAt (datetime), birthday (date)
 * and profile (json).
 */
describe('field mapping types and targets on save (real Strapi, admin API)', () => {
  let app: TestStrapi;
  let admin: AdminSession;
  const storedSettings = () => app.strapi.store({ type: 'plugin', name: 'customerly' }).get({ key: 'settings' });

  before(async () => {
    app = await startStrapi({ pluginConfig: { fieldMapping: [{ from: 'name', to: 'firstName', type: 'string' }] } });
    admin = await signedInAdmin(app);
  });
  after(async () => app?.stop());

  it('GET /customerly/settings gives the panel each target attribute with its type (to pre-fill the row type)', async () => {
    const res = await admin.call('GET', '/customerly/settings');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const d: AdminSettings = res.json.data;
    const types = Object.fromEntries(d.meta.userAttributes.map((a) => [a.name, a.type]));
    assert.equal(types.plan, 'string');
    assert.equal(types.seats, 'integer');
    assert.equal(types.vip, 'boolean');
    assert.equal(types.trialEndsAt, 'datetime');
    assert.equal(types.profile, 'json');
    assert.deepEqual(d.meta.loginTargets, ['user_login', 'user_pass']);
  });

  /** One incompatible pair of each kind, at a different row each time. */
  const badPairs: Array<{ name: string; row: { from: string; to: string; type: string }; allowed: string }> = [
    {
      name: 'boolean → string',
      row: { from: 'attributes.vip', to: 'plan', type: 'boolean' },
      allowed: 'string or date',
    },
    { name: 'date → integer', row: { from: 'attributes.trial', to: 'seats', type: 'date' }, allowed: 'number' },
    { name: 'number → boolean', row: { from: 'attributes.seats', to: 'vip', type: 'number' }, allowed: 'boolean' },
    {
      name: 'string → datetime',
      row: { from: 'attributes.trial', to: 'trialEndsAt', type: 'string' },
      allowed: 'date',
    },
    {
      name: 'json → string',
      row: { from: 'attributes.prefs', to: 'firstName', type: 'json' },
      allowed: 'string or date',
    },
    { name: 'boolean → date', row: { from: 'attributes.vip', to: 'birthday', type: 'boolean' }, allowed: 'date' },
    {
      name: 'number → the username',
      row: { from: 'attributes.n', to: 'user_login', type: 'number' },
      allowed: 'string',
    },
  ];

  for (const [i, { name, row, allowed }] of badPairs.entries()) {
    it(`refuses ${name} with 400 naming fieldMapping[${i}], and saves nothing`, async () => {
      const before = await storedSettings();
      // Good rows before the bad one, so the index must be the bad row's; another field in the same save.
      const good = [
        { from: 'name', to: 'firstName', type: 'string' },
        { from: 'attributes.plan', to: 'plan', type: 'string' },
        { from: 'attributes.seats', to: 'seats', type: 'number' },
        { from: 'attributes.prefs', to: 'profile', type: 'json' },
        { from: 'attributes.vip', to: 'vip', type: 'boolean' },
        { from: 'attributes.trial', to: 'trialEndsAt', type: 'date' },
        { from: 'attributes.birthday', to: 'birthday', type: 'date' },
      ]
        .filter((r) => r.to !== row.to)
        .slice(0, i);
      const res = await admin.call('PUT', '/customerly/settings', {
        processing: 'queued',
        fieldMapping: [...good, row],
      });
      assert.equal(res.status, 400, JSON.stringify(res.json));
      assert.equal(res.json.error.name, 'ValidationError');
      const errors = validationMessages(res.json);
      assert.deepEqual(Object.keys(errors), [`fieldMapping.${i}.type`], JSON.stringify(errors));
      assert.match(res.json.error.message, new RegExp(`fieldMapping\\[${i}\\]\\.type`));
      assert.ok(
        errors[`fieldMapping.${i}.type`].includes(`a ${row.type} value cannot be written to "${row.to}"`),
        errors[`fieldMapping.${i}.type`]
      );
      assert.ok(errors[`fieldMapping.${i}.type`].endsWith(`use the type ${allowed}`), errors[`fieldMapping.${i}.type`]);
      assert.deepEqual(await storedSettings(), before, 'nothing of the refused save is stored');
      const effective = await app.strapi.plugin('customerly').service('settings').get();
      assert.equal(effective.processing, 'sync');
      assert.deepEqual(
        effective.fieldMapping.map((r: { to: string }) => r.to),
        ['firstName']
      );
    });
  }

  it('refuses two rows onto one target, naming the second row and the first', async () => {
    const before = await storedSettings();
    const res = await admin.call('PUT', '/customerly/settings', {
      fieldMapping: [
        { from: 'attributes.plan', to: 'plan', type: 'string' },
        { from: 'attributes.seats', to: 'seats', type: 'number' },
        { from: 'attributes.tier', to: 'plan', type: 'string' },
      ],
    });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    const errors = validationMessages(res.json);
    assert.deepEqual(Object.keys(errors), ['fieldMapping.2.to']);
    assert.match(errors['fieldMapping.2.to'], /"plan" is already the target of fieldMapping\[0\]/);
    assert.match(res.json.error.message, /fieldMapping\[2\]\.to/);
    assert.deepEqual(await storedSettings(), before);
  });

  it('two rows onto the username are refused too', async () => {
    const res = await admin.call('PUT', '/customerly/settings', {
      fieldMapping: [
        { from: 'attributes.login', to: 'user_login', type: 'string' },
        { from: 'name', to: 'user_login', type: 'string' },
      ],
    });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.deepEqual(Object.keys(validationMessages(res.json)), ['fieldMapping.1.to']);
  });

  it('names every bad row at once (type and repeat), each on its own field', async () => {
    const res = await admin.call('PUT', '/customerly/settings', {
      fieldMapping: [
        { from: 'a', to: 'seats', type: 'string' },
        { from: 'b', to: 'plan', type: 'string' },
        { from: 'c', to: 'plan', type: 'string' },
        { from: 'd', to: 'vip', type: 'date' },
      ],
    });
    assert.equal(res.status, 400);
    assert.deepEqual(Object.keys(validationMessages(res.json)).sort(), [
      'fieldMapping.0.type',
      'fieldMapping.2.to',
      'fieldMapping.3.type',
    ]);
    assert.match(
      res.json.error.message,
      /fieldMapping\[0\]\.type: .*; fieldMapping\[2\]\.to: .*; fieldMapping\[3\]\.type: /
    );
  });

  it('saves a mapping of compatible types (a date into text, anything into json)', async () => {
    const fieldMapping = [
      { from: 'attributes.plan', to: 'plan', type: 'string', writeEmpty: false },
      { from: 'attributes.trial', to: 'firstName', type: 'date', writeEmpty: false },
      { from: 'attributes.seats', to: 'seats', type: 'number', writeEmpty: false },
      { from: 'attributes.vip', to: 'vip', type: 'boolean', writeEmpty: false },
      { from: 'attributes.trial', to: 'trialEndsAt', type: 'date', writeEmpty: false },
      { from: 'attributes.seats', to: 'profile', type: 'number', writeEmpty: false },
      { from: 'attributes.login', to: 'user_login', type: 'string', writeEmpty: false },
    ];
    const res = await admin.call('PUT', '/customerly/settings', { fieldMapping });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.data.settings.fieldMapping, fieldMapping);
    const effective = await app.strapi.plugin('customerly').service('settings').get();
    assert.deepEqual(effective.fieldMapping, fieldMapping);
  });
});

/** The same checks on config/plugins: a bad mapping there stops startup, naming the key. */
describe('field mapping types and targets at startup (real Strapi)', () => {
  it('a type the target cannot take names fieldMapping.i.type and what it takes', async () => {
    const message = await startupError({
      fieldMapping: [
        { from: 'name', to: 'firstName', type: 'string' },
        { from: 'attributes.vip', to: 'plan', type: 'boolean' },
      ],
    });
    assert.match(message, /customerly/);
    assert.match(message, /"fieldMapping\.1\.type"/);
    assert.match(
      message,
      /a boolean value cannot be written to "plan" \(attribute type: string\): use the type string or date/
    );
  });

  it('two rows onto one target name the second row', async () => {
    const message = await startupError({
      fieldMapping: [
        { from: 'attributes.seats', to: 'seats', type: 'number' },
        { from: 'attributes.count', to: 'seats', type: 'number' },
      ],
    });
    assert.match(message, /"fieldMapping\.1\.to"/);
    assert.match(message, /already the target of fieldMapping\[0\]/);
  });
});
