import type { IncomingMessage } from 'node:http';
import type { RawBody } from './intake-state';

/**
 * Reads a request body as UTF-8 text, refusing more than `limit` bytes.
 * A declared Content-Length above the limit is refused without reading.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<RawBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // drain so the connection can be reused
    return Promise.resolve({ kind: 'too-large', limit });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let done = false;
    const finish = (result: RawBody) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      bytes += chunk.length;
      if (bytes > limit) {
        req.resume();
        finish({ kind: 'too-large', limit });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (bytes === 0) return finish({ kind: 'empty' });
      finish({ kind: 'text', text: Buffer.concat(chunks).toString('utf8'), bytes });
    });
    req.on('error', (err) => finish({ kind: 'unreadable', reason: err.message }));
    req.on('aborted', () => finish({ kind: 'unreadable', reason: 'the client closed the connection' }));
  });
}
