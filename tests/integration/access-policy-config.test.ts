/**
 * A bad `plugin::customerly.has-tags` config on an app route stops startup, naming the route (its own file: the
 * playground's route files are loaded once per process, and this one is loaded with the bad route).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startStrapi } from '../helpers/strapi';

describe('a bad has-tags config stops startup', () => {
  it('names the route and what is wrong', async () => {
    await assert.rejects(startStrapi({ env: { PLAYGROUND_BAD_TAGS_POLICY: 'true' } }), (e: Error) => {
      assert.match(e.message, /GET \/premium\/bad \(api::premium\)/);
      assert.match(e.message, /any: the list is empty/);
      return true;
    });
  });
});
