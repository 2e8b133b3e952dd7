/**
 * A burst of 500 registrations (`/api/auth/local/register`, 16 at a time) with outbound on (issue 13): every user
 * reaches Customerly, once, in at most 50 `POST /users` requests of at most 50 users each (the fake refuses more),
 * and no registration waits for Customerly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, type FakeCustomerly } from '../fake-customerly';
import { outboundSettled } from '../helpers/outbound';
import { pool } from '../helpers/processes';
import { startStrapi, type TestStrapi } from '../helpers/strapi';

const USERS = 500;

describe('outbound: a burst of 500 registrations is sent in batches (real Strapi, fake Customerly)', () => {
  let app: TestStrapi;
  let fake: FakeCustomerly;

  before(async () => {
    fake = await startFakeCustomerly({ maxUpsertItems: 50 });
    app = await startStrapi({
      apiUrl: fake.url,
      apiToken: fake.token,
      pluginConfig: { outbound: { enabled: true }, queue: { pollMs: 200 } },
    });
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('every user reaches Customerly once, in at most 50 requests', { timeout: 300_000 }, async (t) => {
    const emails = Array.from({ length: USERS }, (_, i) => `burst${i}@outbound.example.com`);
    const statuses = await pool(
      emails.map((email, i) => async () => {
        // A reset socket (a keep-alive connection the server closed) is tried again; if the first try did register
        // the user, the second is refused as taken, which counts as registered.
        for (let attempt = 1; ; attempt++) {
          try {
            const res = await fetch(`${app.baseUrl}/api/auth/local/register`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username: `burst${i}`, email, password: 'Passw0rd!x' }),
            });
            const text = await res.text();
            if (attempt > 1 && res.status === 400 && /already taken/.test(text)) return 200;
            return res.status;
          } catch (e) {
            if (attempt >= 3) throw e;
          }
        }
      }),
      16
    );
    assert.deepEqual([...new Set(statuses)], [200], 'every registration succeeded');
    const rows = await outboundSettled(app.strapi, 'the burst to be sent', 180_000);
    assert.equal(rows.length, USERS);
    assert.deepEqual([...new Set(rows.map((r) => r.status))], ['done']);

    const posts = fake.requestsTo('POST', '/users');
    const sizes = posts.map((r) => (r.body as { users: unknown[] }).users.length);
    t.diagnostic(`${posts.length} POST /users requests: ${JSON.stringify(sizes)}`);
    assert.ok(posts.length <= 50, `at most 50 requests (${posts.length}: ${JSON.stringify(sizes)})`);
    assert.ok(
      posts.every((r) => r.status === 200),
      'every request accepted'
    );
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      USERS,
      'each user sent once'
    );
    assert.equal(fake.listUsers().length, USERS);
    for (const email of emails) assert.ok(fake.getUser(email), `${email} reached Customerly`);
  });
});
