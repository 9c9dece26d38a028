// A small HTTP proxy of the test suite's own, in front of a real registry, that injects the
// faults a real registry will not produce on demand: error statuses (500, 429 with Retry-After,
// 401), truncated or corrupted bodies, stalls, dropped connections, and throttling (to spread a
// pull over time for crash tests). Rules match requests by method and path; each fires `times`
// times (default: once), in the order added.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly headers?: Record<string, string>;
      readonly body?: string;
    }
  /** Ends the body cleanly after `after` bytes (a short read). */
  | { readonly kind: 'truncate'; readonly after: number }
  /** Flips a byte at offset `at` of the body. */
  | { readonly kind: 'corrupt'; readonly at: number }
  /** Sends `after` bytes, then nothing (keeps the socket open). */
  | { readonly kind: 'stall'; readonly after: number }
  /** Sends `after` bytes, then destroys the socket (a reset). */
  | { readonly kind: 'reset'; readonly after: number }
  /** Drops the connection as soon as the request arrives (a reset during an upload). */
  | { readonly kind: 'drop' }
  /** Forwards, ignoring Range (answers 200 with the whole body). */
  | { readonly kind: 'no-range' }
  /** Forwards at most this many bytes per second. */
  | { readonly kind: 'throttle'; readonly bytesPerSec: number }
  /**
   * Forwards the body one byte every `everyMs` (after the first `after` bytes at full speed):
   * never silent long enough for a stall detector, never finished.
   */
  | { readonly kind: 'trickle'; readonly everyMs: number; readonly after?: number };

export interface FaultRule {
  readonly method?: string;
  readonly path: RegExp;
  readonly fault: Fault;
  /** How many matching requests it applies to; Infinity for all. */
  times?: number;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly range?: string;
  readonly fault?: Fault['kind'];
  status?: number;
}

export interface FaultProxy {
  /** "127.0.0.1:PORT": give this to dockui instead of the registry's address. */
  readonly addr: string;
  readonly log: LoggedRequest[];
  add(rule: FaultRule): void;
  clear(): void;
  close(): Promise<void>;
}

/** `port`: where to listen (a test's own port); default any free one. */
export async function startFaultProxy(target: string, port = 0): Promise<FaultProxy> {
  const [thost, tport] = target.split(':') as [string, string];
  const rules: FaultRule[] = [];
  const log: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  /** Requests to the registry still open: a client that went away takes its own with it. */
  const upstream = new Set<http.ClientRequest>();

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const rule = rules.find((r) => (r.times ?? 1) > 0 && (!r.method || r.method === method) && r.path.test(path));
    if (rule && rule.times !== Infinity) rule.times = (rule.times ?? 1) - 1;
    const fault = rule?.fault;
    const entry: LoggedRequest = {
      method,
      path,
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(fault ? { fault: fault.kind } : {}),
    };
    log.push(entry);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      req.resume();
      entry.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ errors: [{ code: 'INJECTED', message: `injected ${fault.status}` }] }));
      return;
    }
    const headers = { ...req.headers };
    if (fault?.kind === 'no-range') delete headers.range;
    const up = http.request({ host: thost, port: Number(tport), method, path, headers }, (ur) => {
      // The client gone (killed, cancelled, timed out): the registry's answer goes too, as through
      // any proxy; else it stayed paused (throttle, back-pressure) and kept this process alive.
      res.on('close', () => ur.destroy());
      entry.status = ur.statusCode;
      const h = { ...ur.headers };
      if (fault && fault.kind !== 'throttle' && fault.kind !== 'no-range' && fault.kind !== 'trickle') {
        // The body will not be what the length says; chunked keeps the client honest about it.
        delete h['content-length'];
      }
      res.writeHead(ur.statusCode ?? 502, h);
      let sent = 0;
      let stopped = false;
      if (fault?.kind === 'trickle') {
        const queue: Buffer[] = [];
        let upEnded = false;
        const tick = setInterval(() => {
          let head = queue[0];
          if (!head) {
            if (upEnded) {
              clearInterval(tick);
              res.end();
            }
            return;
          }
          const n = sent < (fault.after ?? 0) ? Math.min(head.length, (fault.after ?? 0) - sent) : 1;
          res.write(head.subarray(0, n));
          sent += n;
          head = head.subarray(n);
          if (head.length === 0) queue.shift();
          else queue[0] = head;
          if (queue.length < 4) ur.resume();
        }, fault.everyMs);
        res.on('close', () => {
          clearInterval(tick);
          ur.destroy();
        });
        ur.on('data', (c: Buffer) => {
          queue.push(c);
          if (queue.length >= 4) ur.pause();
        });
        ur.on('end', () => (upEnded = true));
        ur.on('error', () => res.destroy());
        return;
      }
      ur.on('data', (c: Buffer) => {
        if (stopped) return;
        let chunk = c;
        if (
          fault &&
          (fault.kind === 'truncate' || fault.kind === 'stall' || fault.kind === 'reset') &&
          sent + chunk.length >= fault.after
        ) {
          chunk = chunk.subarray(0, Math.max(0, fault.after - sent));
          stopped = true;
          res.write(chunk);
          sent += chunk.length;
          ur.destroy();
          if (fault.kind === 'truncate') res.end();
          else if (fault.kind === 'reset') res.socket?.destroy();
          // stall: leave the socket open and silent
          return;
        }
        if (fault?.kind === 'corrupt' && fault.at >= sent && fault.at < sent + chunk.length) {
          chunk = Buffer.from(chunk);
          chunk[fault.at - sent] = chunk[fault.at - sent]! ^ 0xff;
        }
        sent += chunk.length;
        if (fault?.kind === 'throttle') {
          ur.pause();
          res.write(chunk);
          setTimeout(() => ur.resume(), (chunk.length / fault.bytesPerSec) * 1000);
        } else if (!res.write(chunk)) {
          ur.pause();
          res.once('drain', () => ur.resume());
        }
      });
      ur.on('end', () => {
        if (!stopped) res.end();
      });
      ur.on('error', () => res.destroy());
    });
    up.on('error', () => res.destroy());
    upstream.add(up);
    up.on('close', () => upstream.delete(up));
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    addr: `127.0.0.1:${bound}`,
    log,
    add: (r) => rules.push(r),
    clear: () => {
      rules.length = 0;
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        for (const u of upstream) u.destroy();
        server.close(() => resolve());
      }),
  };
}
