import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SQLITE_JOURNAL_HINT } from '../../server/src/services/delivery/sqlite-hint';
import { testDbKind } from '../helpers/database';
import { startStrapi } from '../helpers/strapi';

/**
 * The plugin never changes the app's database settings; on SQLite's default journal it says once, at startup, what
 * that costs each webhook and where the README tells how to change it.
 */
describe('the SQLite journal hint at startup (real Strapi)', () => {
  const hintsIn = async (env: Record<string, string> = {}) => {
    const app = await startStrapi({ logLevel: 'info', env });
    try {
      return app.output.join('').split(SQLITE_JOURNAL_HINT).length - 1;
    } finally {
      await app.stop();
    }
  };

  if (testDbKind() === 'sqlite') {
    it("is logged once on SQLite's default rollback journal", async () => {
      assert.equal(await hintsIn(), 1);
    });

    it('is not logged when the app runs SQLite in WAL mode', async () => {
      assert.equal(await hintsIn({ PLAYGROUND_SQLITE_WAL: 'true' }), 0);
    });
  } else {
    it('is not logged on a server database', async () => {
      assert.equal(await hintsIn(), 0);
    });
  }
});
