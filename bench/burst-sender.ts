/**
 * The senders of the queued burst (bench figure 3), in a process of their own, as a webhook dispatcher is: then the
 * Strapi process's memory and CPU are the plugin's and Strapi's alone. In the bench's process, `fetch` made over a
 * third of what the burst left for the garbage collector (a heap sampling profile of the burst: undici's requests,
 * responses and body streams), and it counted in the burst's "peak RSS growth".
 *
 * Reads `{ baseUrl, senders, requests: [{ path, body }] }` as JSON on stdin; writes `[{ status, ms }]` as JSON on
 * stdout, in the order of the requests. `senders` requests are in flight at a time, each on its kept-alive socket.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { pool } from '../tests/helpers/processes';

const input = z.object({
  baseUrl: z.string().url(),
  senders: z.number().int().positive(),
  requests: z.array(z.object({ path: z.string(), body: z.unknown() })),
});

export interface SentAnswer {
  status: number;
  ms: number;
}

async function main(): Promise<void> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const { baseUrl, senders, requests } = input.parse(JSON.parse(text));
  const agent = new http.Agent({ keepAlive: true, maxSockets: senders });
  const url = new URL(baseUrl);

  const send = (path: string, payload: string, retried = false): Promise<SentAnswer> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
          res.on('error', reject);
        }
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed while idle: send again once, on a new one.
        if (!retried && e.code === 'ECONNRESET') send(path, payload, true).then(resolve, reject);
        else reject(e);
      });
      req.end(payload);
    });

  // The parent starts its clock at this line (bench/burst.ts).
  process.stdout.write('sending\n');
  const answers = await pool(
    requests.map((r) => () => send(r.path, JSON.stringify(r.body))),
    senders
  );
  agent.destroy();
  process.stdout.write(JSON.stringify(answers));
}

main().catch((e: Error) => {
  process.stderr.write(`burst sender: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
