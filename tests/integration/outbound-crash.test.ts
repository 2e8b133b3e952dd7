/**
 * The outbox survives a SIGKILL (issue 13): the outbound record is written in the transaction of the registration,
 * so a process killed right after the registration committed, before anything was sent, loses no push.
 *  1. A process whose worker is off (nothing can be sent by it) answers registrations, and is killed with SIGKILL
 *     right after: the commit happened, the send did not.
 *  2. A process whose send is in flight (Customerly hangs) is killed with SIGKILL.
 * A third process then delivers every one of them, each user once. Run on SQLite, PostgreSQL and MariaDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeCustomerly, type FakeCustomerly } from '../fake-customerly';
import { outboundRows, outboundSettled } from '../helpers/outbound';
import { spawnStrapi, waitFor, type StrapiProcess } from '../helpers/processes';
import { startStrapi, type TestStrapi } from '../helpers/strapi';

describe('outbound: SIGKILL between the commit and the send loses nothing (real Strapi processes)', () => {
  let fake: FakeCustomerly;
  let reader: TestStrapi;
  let node: StrapiProcess | undefined;
  const config = (queueEnabled: boolean) => ({
    apiUrl: fake.url,
    apiToken: fake.token,
    pluginConfig: {
      outbound: { enabled: true },
      rateLimit: { enabled: false },
      queue: { enabled: queueEnabled, pollMs: 50, leaseMs: 60_000, retryBaseMs: 100, retryMaxMs: 500 },
      customerly: { timeoutMs: 60_000, maxRetries: 0 },
    },
  });

  before(async () => {
    fake = await startFakeCustomerly();
    // This in-test Strapi owns the database and only reads it (its worker is off).
    reader = await startStrapi({ pluginConfig: { queue: { enabled: false } } });
  });
  after(async () => {
    await node?.kill9();
    await reader?.stop();
    await fake?.close();
  });

  const register = async (baseUrl: string, name: string) => {
    const started = Date.now();
    const res = await fetch(`${baseUrl}/api/auth/local/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: name, email: `${name}@crash.example.com`, password: 'Passw0rd!x' }),
    });
    assert.equal(res.status, 200, await res.text());
    return Date.now() - started;
  };

  it('every registration answered 200 before a SIGKILL reaches Customerly, once', { timeout: 300_000 }, async () => {
    // 1. Committed, never sent: the process has no worker, and dies right after the answers.
    node = await spawnStrapi(reader.db, config(false));
    for (let i = 0; i < 3; i++) await register(node.baseUrl, `idle${i}`);
    await node.kill9();
    node = undefined;
    assert.equal(fake.requestsTo('POST', '/users').length, 0, 'nothing was sent before the kill');
    const stored = await outboundRows(reader.strapi);
    assert.deepEqual(
      stored.map((r) => [r.action, r.status]),
      Array.from({ length: 3 }, () => ['upsert', 'queued']),
      'the three outbound records were committed with the users'
    );

    // 2. Sent but not answered: Customerly hangs, the process dies mid-send. The registrations do not wait for it.
    fake.fault({ kind: 'hang', path: '/users', method: 'POST' });
    node = await spawnStrapi(reader.db, config(true));
    const elapsed: number[] = [];
    for (let i = 0; i < 3; i++) elapsed.push(await register(node.baseUrl, `busy${i}`));
    await waitFor(async () => fake.requestsTo('POST', '/users').length > 0, 30_000, 'a send in flight');
    assert.ok(
      elapsed.every((ms) => ms < 5_000),
      `registrations do not wait for Customerly (${elapsed.join(', ')} ms)`
    );
    await node.kill9();
    node = undefined;
    fake.clearFaults();

    // 3. Another process delivers everything (the in-flight claims are taken over when the dead process's heartbeat
    //    goes stale).
    node = await spawnStrapi(reader.db, config(true));
    const rows = await outboundSettled(reader.strapi, 'every outbound delivery to finish', 120_000);
    assert.deepEqual(
      rows.map((r) => r.status),
      Array.from({ length: 6 }, () => 'done')
    );
    const emails = [0, 1, 2].flatMap((i) => [`idle${i}@crash.example.com`, `busy${i}@crash.example.com`]);
    for (const email of emails) assert.ok(fake.getUser(email), `${email} reached Customerly`);
    assert.equal(fake.listUsers().length, 6, 'each user once');
    const leftLocks = await reader.strapi.db.query('plugin::customerly.contact-lock').count({});
    assert.equal(leftLocks, 0, 'no contact is left locked');
    await node.stop();
    node = undefined;
  });
});
