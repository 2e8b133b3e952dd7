import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startStrapi } from '../helpers/strapi';

/** A bad plugin config stops Strapi at startup, with a message that names the key and what is expected. */
describe('plugin config is validated at startup (real Strapi)', () => {
  const bootFails = async (pluginConfig: Record<string, unknown>) => {
    try {
      const app = await startStrapi({ pluginConfig });
      await app.stop();
    } catch (e) {
      return (e as Error).message;
    }
    assert.fail('Strapi started with a bad config');
  };

  it('an unknown processing mode names the key', async () => {
    const message = await bootFails({ processing: 'fast' });
    assert.match(message, /customerly/);
    assert.match(message, /"processing"/);
  });

  it('returnPassword enabled without an attribute names the key', async () => {
    assert.match(await bootFails({ returnPassword: { enabled: true, attribute: '' } }), /returnPassword/);
  });

  it('a field mapping onto a protected attribute names the row', async () => {
    const message = await bootFails({ fieldMapping: [{ from: 'attributes.r', to: 'role' }] });
    assert.match(message, /fieldMapping\.0/);
    assert.match(message, /protected/);
  });

  it('a field mapping onto an attribute the user does not have names the row', async () => {
    assert.match(await bootFails({ fieldMapping: [{ from: 'name', to: 'nickname' }] }), /no attribute "nickname"/);
  });
});
