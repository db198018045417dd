/**
 * A small load generator for zero-downtime tests: `workers` loops that each send one GET after the
 * other (a new connection per request, as browsers arriving at random would) to a node's Nginx with
 * a Host header of our choosing, until stopped. Every answer is kept (status and body, or the
 * error), so a test can assert that not one request failed while something was switched.
 *
 * `paceMs` is a pause between an answer and the loop's next request. Unpaced, three loops against
 * PHP took both cores of the test machine (about 1,000 requests/s) and slowed every suite running
 * beside this one; paced, they still send many requests across every switch.
 */
import { request } from 'node:http';
import { setTimeout as pause } from 'node:timers/promises';

export interface LoopAnswer {
  status: number;
  body: string;
  /** when the answer ended (ISO time): lets a failure be matched with the node's logs */
  at: string;
  error?: string;
}

export interface RequestLoop {
  /** Answers so far (the loops keep running). */
  readonly answers: readonly LoopAnswer[];
  /** Stops the loops and returns every answer once the requests in flight have ended. */
  stop(): Promise<LoopAnswer[]>;
}

function get(ip: string, host: string, path: string): Promise<LoopAnswer> {
  return new Promise((resolve) => {
    const req = request({ host: ip, port: 80, path, headers: { host, connection: 'close' }, agent: false, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), at: new Date().toISOString() }));
      // a cut answer: the status line arrived, then the connection ended before the body did
      res.on('error', (e) => {
        const got = Buffer.concat(chunks).length;
        resolve({ status: 0, body: '', at: new Date().toISOString(), error: `${e.message} after ${res.statusCode} and ${got} bytes` });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: '', at: new Date().toISOString(), error: e.message }));
    req.end();
  });
}

export function startRequestLoop(ip: string, host: string, path: string, opts: { workers?: number; paceMs?: number } = {}): RequestLoop {
  const { workers = 2, paceMs = 5 } = opts;
  const answers: LoopAnswer[] = [];
  let stopped = false;
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      answers.push(await get(ip, host, path));
      if (paceMs > 0) await pause(paceMs);
    }
  });
  return {
    answers,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return answers;
    },
  };
}
