import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SentAnswer } from './burst-sender';

export interface BurstRequest {
  path: string;
  body: unknown;
}

/**
 * Sends the burst from a process of its own (bench/burst-sender.ts), `senders` requests in flight at a time; resolves
 * with each request's answer, in order, and when the sending started (performance.now() of this process, once the
 * sender has read its requests and starts). `beforeSpawn` is called once the requests are serialized, before the
 * sender starts: what this process holds of the bench's own requests is allocated by then (bench/run.ts takes its
 * memory baseline there).
 */
export async function sendBurst(
  baseUrl: string,
  senders: number,
  requests: BurstRequest[],
  beforeSpawn?: () => Promise<void>
): Promise<{ answers: SentAnswer[]; startedAt: number }> {
  const input = JSON.stringify({ baseUrl, senders, requests });
  await beforeSpawn?.();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'burst-sender.ts')], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let startedAt = 0;
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (!startedAt && (out + chunk).includes('\n')) startedAt = performance.now();
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the burst sender exited with ${code}: ${err}`));
      const [, answersJson = ''] = out.split('\n');
      resolve({ answers: JSON.parse(answersJson) as SentAnswer[], startedAt });
    });
  });
}
