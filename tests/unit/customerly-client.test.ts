/**
 * The Customerly client against the fake Customerly server, over real HTTP (the client is not mocked; only its
 * `sleep` is injected so that backoff delays are recorded instead of waited, and a clock that those sleeps move
 * forward, for the wait budget).
 */
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  ConcurrencyLimiter,
  CustomerlyAuthError,
  CustomerlyClient,
  CustomerlyRedirectError,
  CustomerlyResponseError,
  CustomerlyUnavailableError,
  backoffDelay,
  parseRetryAfter,
  type CustomerlyClientOptions,
} from '../../server/src/customerly';
import { MESSAGES, startFakeCustomerly, type FakeCustomerly } from '../fake-customerly';

let fake: FakeCustomerly;

/**
 * A pass-through proxy in front of the fake: counts requests in flight (from the moment a request arrives until
 * its answer is fully sent), and can drop the auth headers, as a misconfigured gateway would.
 */
interface Proxy {
  url: string;
  maxInFlight: number;
  inFlight: number;
  stripAuth: boolean;
  close(): Promise<void>;
}

async function startProxy(): Promise<Proxy> {
  const proxy: Proxy = { url: '', maxInFlight: 0, inFlight: 0, stripAuth: false, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    proxy.inFlight++;
    proxy.maxInFlight = Math.max(proxy.maxInFlight, proxy.inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        proxy.inFlight--;
      }
    };
    res.on('finish', finish);
    res.on('close', finish);
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: `127.0.0.1:${fake.port}` };
    if (proxy.stripAuth) {
      delete headers.authorization;
      delete headers.authentication;
    }
    const upstream = request(
      { host: '127.0.0.1', port: fake.port, method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      }
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return proxy;
}

let sleeps: number[];
/** How far the injected sleeps moved the client's clock. */
let slept: number;
let retries: Array<{ attempt: number; status?: number; delayMs: number; reason: string }>;

function client(over: Partial<CustomerlyClientOptions> = {}): CustomerlyClient {
  return new CustomerlyClient({
    apiUrl: fake.url,
    token: fake.token,
    timeoutMs: 2000,
    maxRetries: 3,
    maxBackoffMs: 30_000,
    limiter: new ConcurrencyLimiter(4),
    sleep: async (ms) => {
      sleeps.push(ms);
      slept += ms;
    },
    now: () => Date.now() + slept,
    onRetry: (info) => retries.push(info),
    ...over,
  });
}

const calls = () => fake.requests.map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query).toString()}`);

before(async () => {
  fake = await startFakeCustomerly();
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.options.notFoundStatus = 404;
  sleeps = [];
  slept = 0;
  retries = [];
  fake.addUser({ email: 'ann@example.com', user_id: 'ext-ann', name: 'Ann', attributes: { plan: 'pro' } });
  fake.addUser({ email: 'bob@example.com', name: 'Bob' });
  fake.addLead({ email: 'lee@example.com', name: 'Lee', attributes: { source: 'ads' } });
});
afterEach(() => fake.clearFaults());

describe('auth', () => {
  it('sends both auth headers with the token, and asks for JSON', async () => {
    await client().findContact({ email: 'ann@example.com', kind: 'user' });
    const h = fake.requests[0]!.headers;
    assert.equal(h.authentication, `AccessToken: ${fake.token}`);
    assert.equal(h.authorization, `Bearer ${fake.token}`);
    assert.match(h.accept ?? '', /application\/json/);
  });

  it('a wrong token is a CustomerlyAuthError, not retried, and the token is not in the message', async () => {
    const c = client({ token: 'wrong-token-value' });
    await assert.rejects(c.findContact({ email: 'ann@example.com', kind: 'user' }), (e: Error) => {
      assert.ok(e instanceof CustomerlyAuthError);
      assert.ok(e.message.includes(MESSAGES.badToken), e.message);
      assert.match(e.message, /CUSTOMERLY_API_TOKEN/);
      assert.ok(!e.message.includes('wrong-token-value'));
      return true;
    });
    assert.equal(fake.requests.length, 1, 'no retry');
    assert.equal(c.requestCount, 1);
    assert.deepEqual(sleeps, []);
  });

  it('"Access token not found." (no auth header reached Customerly) is a CustomerlyAuthError too, not retried', async () => {
    const proxy = await startProxy();
    proxy.stripAuth = true;
    try {
      const c = client({ apiUrl: proxy.url });
      await assert.rejects(c.findContact({ email: 'ann@example.com', kind: 'user' }), (e: Error) => {
        assert.ok(e instanceof CustomerlyAuthError);
        assert.ok(e.message.includes(MESSAGES.noToken), e.message);
        return true;
      });
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0]!.headers.authorization, undefined, 'the proxy did drop the headers');
      assert.deepEqual(sleeps, []);
    } finally {
      await proxy.close();
    }
  });

  it('an auth error on write is not retried either', async () => {
    await assert.rejects(
      client({ token: 'nope' }).writeAttributes('user', 'ann@example.com', { pw: 'x' }),
      CustomerlyAuthError
    );
    assert.equal(fake.requests.length, 1);
  });
});

describe('findContact (one call per lookup)', () => {
  for (const status of [404, 400, 500]) {
    it(`"User doesn't exist" is a normal not-found (null) when answered with HTTP ${status}, never retried`, async () => {
      fake.options.notFoundStatus = status;
      const c = client();
      assert.equal(await c.findContact({ email: 'nobody@example.com', kind: 'user' }), null);
      assert.deepEqual(calls(), ['GET /users?email=nobody%40example.com']);
      assert.deepEqual(sleeps, []);
      assert.equal(await c.findContact({ email: 'nobody@example.com', kind: 'lead' }), null);
      assert.equal(await c.findContact({ email: 'nobody@example.com', userId: 'ext-none', kind: 'user' }), null);
      assert.equal(fake.requests.length, 3);
    });
  }

  it('a user with an external user_id is looked up by it', async () => {
    const found = await client().findContact({ userId: 'ext-ann', email: 'someone-else@example.com', kind: 'user' });
    assert.equal(found?.kind, 'user');
    assert.equal(found?.contact.email, 'ann@example.com');
    assert.deepEqual(calls(), ['GET /users?user_id=ext-ann']);
  });

  it('a user without one is looked up by email', async () => {
    const found = await client().findContact({ email: 'bob@example.com', kind: 'user' });
    assert.equal(found?.kind, 'user');
    assert.equal(found?.contact.name, 'Bob');
    assert.deepEqual(calls(), ['GET /users?email=bob%40example.com']);
  });

  it('a lead is looked up among the leads', async () => {
    const found = await client().findContact({ email: 'lee@example.com', kind: 'lead' });
    assert.equal(found?.kind, 'lead');
    assert.equal(found?.contact.email, 'lee@example.com');
    assert.deepEqual(found?.contact.attributes, { source: 'ads' });
    assert.equal(typeof found?.contact.crmhero_user_id, 'number');
    assert.deepEqual(calls(), ['GET /leads?email=lee%40example.com']);
  });
});

describe('retries', () => {
  for (const status of [500, 502, 503] as const) {
    it(`HTTP ${status} then success: retried once after a backoff of 250-500 ms`, async () => {
      fake.fault({ kind: 'status', status, times: 1 });
      const c = client();
      const found = await c.findContact({ email: 'ann@example.com', kind: 'user' });
      assert.equal(found?.contact.email, 'ann@example.com');
      assert.equal(fake.requests.length, 2);
      assert.equal(c.requestCount, 2);
      assert.equal(sleeps.length, 1);
      assert.ok(sleeps[0]! >= 250 && sleeps[0]! <= 500, String(sleeps[0]));
      assert.equal(retries[0]!.attempt, 1);
      assert.equal(retries[0]!.status, status);
    });
  }

  it('429 honours Retry-After', async () => {
    fake.fault({ kind: 'rateLimit', retryAfter: 7, times: 2 });
    const found = await client().findContact({ email: 'bob@example.com', kind: 'user' });
    assert.equal(found?.contact.name, 'Bob');
    assert.deepEqual(sleeps, [7000, 7000]);
    assert.deepEqual(
      retries.map((r) => r.status),
      [429, 429]
    );
    assert.equal(fake.requests.length, 3);
  });

  it('a Retry-After longer than maxBackoffMs is not waited (nor cut short): unavailable at once, carrying it', async () => {
    fake.fault({ kind: 'rateLimit', retryAfter: 120, times: 1 });
    await assert.rejects(
      client({ maxBackoffMs: 3000 }).findContact({ email: 'bob@example.com', kind: 'user' }),
      (e: Error) => {
        assert.ok(e instanceof CustomerlyUnavailableError);
        assert.equal(e.retryAfterMs, 120_000);
        assert.match(e.message, /429/);
        assert.match(e.message, /left to the queue/);
        return true;
      }
    );
    assert.deepEqual(sleeps, [], 'no wait of maxBackoffMs that would only earn another 429');
    assert.equal(fake.requests.length, 1);
  });

  it('retries exhausted: CustomerlyUnavailableError after maxRetries + 1 requests, with growing, capped backoff', async () => {
    fake.fault({ kind: 'status', status: 503 });
    const c = client({ maxRetries: 4, maxBackoffMs: 1500 });
    await assert.rejects(c.findContact({ email: 'ann@example.com', kind: 'user' }), (e: Error) => {
      assert.ok(e instanceof CustomerlyUnavailableError);
      assert.match(e.message, /GET \/users/);
      assert.match(e.message, /503/);
      return true;
    });
    assert.equal(fake.requests.length, 5);
    assert.equal(sleeps.length, 4);
    const ceilings = [500, 1000, 1500, 1500];
    sleeps.forEach((ms, i) => assert.ok(ms >= ceilings[i]! / 2 && ms <= ceilings[i]!, `attempt ${i + 1}: ${ms} ms`));
  });

  it('429 forever: unavailable, carrying the Retry-After', async () => {
    fake.fault({ kind: 'rateLimit', retryAfter: 9 });
    await assert.rejects(
      client({ maxRetries: 1 }).findContact({ email: 'ann@example.com', kind: 'user' }),
      (e: Error) => {
        assert.ok(e instanceof CustomerlyUnavailableError);
        assert.equal(e.retryAfterMs, 9000);
        return true;
      }
    );
    assert.equal(fake.requests.length, 2);
  });

  it('maxRetries 0 sends exactly one request', async () => {
    fake.fault({ kind: 'status', status: 500 });
    await assert.rejects(
      client({ maxRetries: 0 }).findContact({ email: 'ann@example.com', kind: 'user' }),
      CustomerlyUnavailableError
    );
    assert.equal(fake.requests.length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('a hang times out and is retried', async () => {
    fake.fault({ kind: 'hang', times: 1 });
    const started = Date.now();
    const found = await client({ timeoutMs: 100 }).findContact({ email: 'ann@example.com', kind: 'user' });
    assert.equal(found?.contact.email, 'ann@example.com');
    assert.equal(fake.requests.length, 2);
    assert.match(retries[0]!.reason, /timed out after 100 ms/);
    assert.ok(Date.now() - started < 1500, 'the timeout is small');
  });

  it('a hang every time ends as unavailable', async () => {
    fake.fault({ kind: 'hang' });
    await assert.rejects(
      client({ timeoutMs: 100, maxRetries: 1 }).findContact({ email: 'ann@example.com', kind: 'user' }),
      (e: Error) => {
        assert.ok(e instanceof CustomerlyUnavailableError);
        assert.match(e.message, /timed out after 100 ms/);
        return true;
      }
    );
    assert.equal(fake.requests.length, 2);
  });

  it('a refused connection is retried, then unavailable', async () => {
    await assert.rejects(
      client({ apiUrl: 'http://127.0.0.1:9/v1', maxRetries: 2 }).findContact({
        email: 'ann@example.com',
        kind: 'user',
      }),
      CustomerlyUnavailableError
    );
    assert.equal(sleeps.length, 2);
  });
});

describe('wait budget (maxWaitMs)', () => {
  it('a Retry-After of an hour with a 10 s budget: no wait, one request, unavailable carrying the hour', async () => {
    fake.fault({ kind: 'rateLimit', retryAfter: 3600 });
    const c = client({ maxWaitMs: 10_000, maxBackoffMs: 600_000 });
    await assert.rejects(c.findContact({ email: 'ann@example.com', kind: 'user' }), (e: Error) => {
      assert.ok(e instanceof CustomerlyUnavailableError);
      assert.equal(e.retryAfterMs, 3_600_000);
      assert.match(e.message, /HTTP 429/);
      assert.match(e.message, /3600 s/);
      assert.ok(!e.message.includes(fake.token));
      return true;
    });
    assert.deepEqual(sleeps, []);
    assert.deepEqual(retries, []);
    assert.equal(fake.requests.length, 1);
  });

  it('a Retry-After within the budget is honoured', async () => {
    fake.fault({ kind: 'rateLimit', retryAfter: 7, times: 2 });
    const found = await client({ maxWaitMs: 15_000 }).findContact({ email: 'bob@example.com', kind: 'user' });
    assert.equal(found?.contact.name, 'Bob');
    assert.deepEqual(sleeps, [7000, 7000]);
  });

  it('the budget is for all the retries of the client: the second 7 s wait would pass 10 s, so it is not taken', async () => {
    fake.fault({ kind: 'rateLimit', retryAfter: 7, times: 2 });
    await assert.rejects(
      client({ maxWaitMs: 10_000 }).findContact({ email: 'bob@example.com', kind: 'user' }),
      (e: Error) => {
        assert.ok(e instanceof CustomerlyUnavailableError);
        assert.equal(e.retryAfterMs, 7000);
        return true;
      }
    );
    assert.deepEqual(sleeps, [7000]);
    assert.equal(fake.requests.length, 2);
  });

  it('backoff on 5xx stops before the budget and carries the next backoff', async () => {
    fake.fault({ kind: 'status', status: 503 });
    await assert.rejects(
      client({ maxRetries: 10, maxBackoffMs: 1500, maxWaitMs: 3000 }).findContact({
        email: 'ann@example.com',
        kind: 'user',
      }),
      (e: Error) => {
        assert.ok(e instanceof CustomerlyUnavailableError);
        assert.match(e.message, /503/);
        assert.ok(e.retryAfterMs! >= 250 && e.retryAfterMs! <= 1500, String(e.retryAfterMs));
        return true;
      }
    );
    const total = sleeps.reduce((a, b) => a + b, 0);
    assert.ok(sleeps.length >= 1 && total <= 3000, `slept ${sleeps.join('+')} ms`);
    assert.ok(fake.requests.length < 11, 'gave up before maxRetries');
    assert.equal(fake.requests.length, sleeps.length + 1);
  });

  it('the time spent in requests counts too (real clock): a 300 ms timeout leaves no room for a retry in 500 ms', async () => {
    fake.fault({ kind: 'hang' });
    const started = Date.now();
    const c = client({
      timeoutMs: 300,
      maxRetries: 5,
      maxWaitMs: 500,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: Date.now,
    });
    await assert.rejects(c.findContact({ email: 'ann@example.com', kind: 'user' }), (e: Error) => {
      assert.ok(e instanceof CustomerlyUnavailableError);
      assert.match(e.message, /timed out after 300 ms/);
      return true;
    });
    assert.equal(fake.requests.length, 1, 'the backoff (at least 250 ms) would end past the budget');
    assert.ok(Date.now() - started < 1500, `${Date.now() - started} ms`);
  });
});

describe('redirects are never followed (the token stays with Customerly)', () => {
  /** A second loopback server, the redirect's target: it records every request that reaches it. */
  let other: Server;
  let otherUrl: string;
  let reached: Array<{ method?: string; url?: string; headers: Record<string, unknown>; body: string }>;
  before(async () => {
    other = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        reached.push({ method: req.method, url: req.url, headers: { ...req.headers }, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            data: {
              inserted: 1,
              errors: [],
              not_added: [],
              crmhero_user_id: 1,
              email: 'ann@example.com',
              attributes: {},
            },
          })
        );
      });
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => other.close(() => resolve())));
  beforeEach(() => (reached = []));

  const SECRET = 'Redirected-Password-Value-9c1e';
  /** Requests that reached the other host carrying the token in any header. */
  const leaked = () => reached.filter((r) => Object.values(r.headers).some((v) => String(v).includes(fake.token)));

  for (const status of [301, 302, 303, 307, 308] as const) {
    it(`HTTP ${status} on a lookup: a CustomerlyRedirectError naming the status, not retried, nothing reaches the other host`, async () => {
      fake.fault({ kind: 'redirect', status, location: otherUrl, keepPath: true });
      const c = client();
      const outcome = await c.findContact({ email: 'ann@example.com', kind: 'user' }).then(
        (found) => ({ found }),
        (error: Error) => ({ error })
      );
      assert.deepEqual(leaked(), [], 'the token never reached the other host');
      assert.deepEqual(reached, [], 'the other host received no request at all');
      assert.ok('error' in outcome, `the call failed (it answered ${JSON.stringify(outcome)})`);
      await assert.rejects(Promise.reject(outcome.error), (e: Error) => {
        assert.ok(e instanceof CustomerlyRedirectError, String(e));
        assert.ok(e instanceof CustomerlyResponseError, 'a Customerly error: the delivery fails, it is not retried');
        assert.equal(e.status, status);
        assert.ok(e.message.includes(`redirect (HTTP ${status} to ${otherUrl})`), e.message);
        assert.match(e.message, /API URL/);
        assert.ok(
          !e.message.includes(fake.token) && !String(e.stack).includes(fake.token),
          'the token is not in the error'
        );
        return true;
      });
      assert.equal(fake.requests.length, 1, 'not retried');
      assert.equal(c.requestCount, 1);
      assert.deepEqual(sleeps, []);
    });
  }

  it('HTTP 307 on a write (which would resend the body): neither the token nor the written value leaves', async () => {
    fake.fault({ kind: 'redirect', status: 307, location: `${otherUrl}/v1/users` });
    const error = await client()
      .writeAttributes('user', 'ann@example.com', { wp_password: SECRET })
      .then(
        () => undefined,
        (e: Error) => e
      );
    assert.deepEqual(leaked(), [], 'the token never reached the other host');
    assert.ok(!reached.some((r) => r.body.includes(SECRET)), 'nor the written value');
    assert.deepEqual(reached, []);
    assert.ok(error instanceof CustomerlyRedirectError, String(error));
    assert.ok(!error.message.includes(SECRET) && !error.message.includes(fake.token));
    assert.equal(fake.requests.length, 1);
  });

  it('only the origin of the Location is named, never its path or query', async () => {
    fake.fault({ kind: 'redirect', status: 302, location: `${otherUrl}/login?session=abc123&next=/v1` });
    await assert.rejects(client().listTags(), (e: Error) => {
      assert.ok(e instanceof CustomerlyRedirectError);
      assert.ok(e.message.includes(otherUrl));
      assert.ok(!e.message.includes('abc123') && !e.message.includes('/login'), e.message);
      return true;
    });
    assert.deepEqual(reached, []);
  });
});

describe('concurrency cap', () => {
  /** Six lookups at once through the counting proxy, each answered after 60 ms. */
  async function burst(max: number) {
    const proxy = await startProxy();
    try {
      fake.fault({ kind: 'latency', ms: 60 });
      const c = client({ apiUrl: proxy.url, limiter: new ConcurrencyLimiter(max) });
      const emails = ['ann', 'bob', 'ann', 'bob', 'ann', 'bob'].map((n) => `${n}@example.com`);
      const found = await Promise.all(emails.map((email) => c.findContact({ email, kind: 'user' })));
      assert.deepEqual(
        found.map((f) => f?.contact.email),
        emails
      );
      const at = fake.requests.map((r) => r.at).sort((a, b) => a - b);
      return { maxInFlight: proxy.maxInFlight, at };
    } finally {
      await proxy.close();
    }
  }

  it('with a limiter of 2, Customerly never sees more than 2 requests in flight', async () => {
    const { maxInFlight, at } = await burst(2);
    assert.equal(maxInFlight, 2, 'two at a time, and the cap was reached');
    assert.equal(at.length, 6);
    // Each request takes at least 60 ms; with two slots the third starts only after the first ended.
    for (let i = 0; i + 2 < at.length; i++)
      assert.ok(at[i + 2]! - at[i]! >= 50, `request ${i + 3} started ${at[i + 2]! - at[i]!} ms after request ${i + 1}`);
  });

  it('(control) with a limiter of 6 the same burst is all in flight at once', async () => {
    const { maxInFlight } = await burst(6);
    assert.ok(maxInFlight > 2, `in flight: ${maxInFlight}`);
  });

  it('retries wait outside the limiter slot', async () => {
    const limiter = new ConcurrencyLimiter(1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fake.fault({ kind: 'status', status: 503, times: 1, path: '/users' });
    const slow = client({ limiter, sleep: () => gate });
    const first = slow.findContact({ email: 'ann@example.com', kind: 'user' });
    await new Promise((r) => setTimeout(r, 100));
    // The first call sleeps before its retry: the slot must be free for another.
    const other = await client({ limiter }).findContact({ email: 'lee@example.com', kind: 'lead' });
    assert.equal(other?.kind, 'lead');
    release();
    assert.equal((await first)?.contact.email, 'ann@example.com');
  });
});

describe('writeAttributes', () => {
  it('a user: POST /users {"users":[{"email","attributes"}]}, as JSON', async () => {
    await client().writeAttributes('user', 'ann@example.com', { wp_password: 'Pw-Value-1' });
    const [req] = fake.requestsTo('POST', '/users');
    assert.ok(req);
    assert.deepEqual(req.body, { users: [{ email: 'ann@example.com', attributes: { wp_password: 'Pw-Value-1' } }] });
    assert.match(req.headers['content-type'] ?? '', /application\/json/);
    assert.equal(fake.getUser('ann@example.com')?.attributes.wp_password, 'Pw-Value-1');
    assert.equal(fake.getUser('ann@example.com')?.attributes.plan, 'pro', 'other attributes stay');
  });

  it('a lead: POST /leads {"leads":[...]}', async () => {
    await client().writeAttributes('lead', 'lee@example.com', { wp_password: 'Pw-Value-2', n: 3 });
    assert.equal(fake.requestsTo('POST', '/users').length, 0);
    const [req] = fake.requestsTo('POST', '/leads');
    assert.deepEqual(req?.body, {
      leads: [{ email: 'lee@example.com', attributes: { wp_password: 'Pw-Value-2', n: 3 } }],
    });
    assert.equal(fake.getLead('lee@example.com')?.attributes.wp_password, 'Pw-Value-2');
  });

  const SECRET = 'Never-Echo-This-Value-7f3a';
  const neverEchoes = (e: Error) => {
    assert.ok(!e.message.includes(SECRET), `the message carries the value: ${e.message}`);
    assert.ok(!String(e.stack).includes(SECRET));
    return true;
  };

  it('a rejected item is an error that never contains the written values', async () => {
    await assert.rejects(client().writeAttributes('user', 'not-an-email', { pw: SECRET }), (e: Error) => {
      assert.ok(e instanceof CustomerlyResponseError);
      assert.match(e.message, /1 item rejected/);
      return neverEchoes(e);
    });
    const sent = fake.requestsTo('POST', '/users')[0]!;
    assert.ok(JSON.stringify(sent.body).includes(SECRET), 'the value was sent (and echoed back in not_added)');
  });

  it('exhausted retries on write: the error never contains the written values', async () => {
    fake.fault({ kind: 'status', status: 503 });
    await assert.rejects(
      client({ maxRetries: 1 }).writeAttributes('lead', 'lee@example.com', { pw: SECRET }),
      (e: Error) => {
        assert.ok(e instanceof CustomerlyUnavailableError);
        return neverEchoes(e);
      }
    );
  });

  it('a timeout on write: the error never contains the written values', async () => {
    fake.fault({ kind: 'hang' });
    await assert.rejects(
      client({ maxRetries: 0, timeoutMs: 100 }).writeAttributes('user', 'ann@example.com', { pw: SECRET }),
      (e: Error) => neverEchoes(e)
    );
  });

  it('an auth error on write: the error never contains the written values', async () => {
    await assert.rejects(
      client({ token: 'bad' }).writeAttributes('user', 'ann@example.com', { pw: SECRET }),
      (e: Error) => neverEchoes(e)
    );
  });
});

describe('parseRetryAfter and backoffDelay', () => {
  it('Retry-After in seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('0'), 0);
    assert.equal(parseRetryAfter('1.5'), 1500);
    assert.equal(parseRetryAfter('-4'), 0);
    const now = Date.parse('2030-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Mon, 31 Dec 2029 23:59:00 GMT', now), 0, 'a date in the past is now');
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter(''), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('backoff: half to all of 500 ms × 2^(attempt-1), capped', () => {
    assert.equal(
      backoffDelay(1, 30_000, () => 0),
      250
    );
    assert.equal(
      backoffDelay(1, 30_000, () => 1),
      500
    );
    assert.equal(
      backoffDelay(3, 30_000, () => 0),
      1000
    );
    assert.equal(
      backoffDelay(3, 30_000, () => 1),
      2000
    );
    assert.equal(
      backoffDelay(20, 30_000, () => 1),
      30_000
    );
    assert.equal(
      backoffDelay(20, 30_000, () => 0),
      15_000
    );
  });
});
