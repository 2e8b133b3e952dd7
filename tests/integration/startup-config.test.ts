import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startupError } from '../helpers/strapi';

/** A bad plugin config stops Strapi at startup, with a message that names the key and what is expected. */
describe('plugin config is validated at startup (real Strapi)', () => {
  it('an unknown processing mode names the key', async () => {
    const message = await startupError({ processing: 'fast' });
    assert.match(message, /customerly/);
    assert.match(message, /"processing"/);
  });

  it('returnPassword enabled without an attribute names the key', async () => {
    assert.match(await startupError({ returnPassword: { enabled: true, attribute: '' } }), /returnPassword/);
  });

  it('a field mapping onto a protected attribute names the row', async () => {
    const message = await startupError({ fieldMapping: [{ from: 'attributes.r', to: 'role' }] });
    assert.match(message, /fieldMapping\.0/);
    assert.match(message, /protected/);
  });

  it('a field mapping onto an attribute the user does not have names the row', async () => {
    assert.match(await startupError({ fieldMapping: [{ from: 'name', to: 'nickname' }] }), /no attribute "nickname"/);
  });
});
