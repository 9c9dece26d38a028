// The transport under the registry client: one request over node:http/https with keep-alive
// agents, redirects, retries with backoff (5xx, 429 with Retry-After, resets, stalls) and
// cancellation. Bodies are streamed; nothing here buffers a blob.
import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { EngineError, canceledError } from '../define.js';
import { http, https } from '../util/builtin.js';
import { caCertificates } from './tls-ca.js';

const agentOpts = { keepAlive: true, maxSockets: 16, keepAliveMsecs: 1000 } as const;
// Every GET without a body to a plain-HTTP registry goes through fastGet (fast-get.ts: large
// socket reads, no node:http), so a pull from a local or --insecure registry never loads
// node:http; a push's HEAD, POST and PUT load it on their first request. Measured: node:http
// and its client machinery were ~5 ms of a 126 ms busybox pull's CPU.
let httpAgentOnce: HttpAgent | undefined;
const httpAgent = (): HttpAgent => (httpAgentOnce ??= new (http().Agent)(agentOpts));
// node:https (and node:tls under it) loads on the first HTTPS request: a pull from a plain-HTTP
// registry (a local or --insecure one) never needs them, and they cost every start ~5 ms.
let httpsAgentOnce: HttpsAgent | undefined;
/** Made on the first HTTPS request, with the extra CAs the launcher handed over (tls-ca.ts). */
function httpsAgent(): HttpsAgent {
  if (!httpsAgentOnce) {
    const ca = caCertificates();
    httpsAgentOnce = new (https().Agent)({ ...agentOpts, ...(ca ? { ca } : {}) });
  }
  return httpsAgentOnce;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly url: URL;
  readonly body: Readable;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** A buffer, or a factory for a fresh stream each attempt (a stream cannot be replayed). */
  readonly body?: Buffer | (() => Readable);
  readonly signal?: AbortSignal;
  /** No bytes for this long (connect, headers) → the attempt fails as stalled. */
  readonly timeoutMs?: number;
  /** The whole exchange (redirects, headers, body) must end within this; see tuning.deadlineMs. */
  readonly deadlineMs?: number;
  /** Follow up to this many redirects (blob GETs often redirect to storage). */
  readonly maxRedirects?: number;
}

/** Tunables, overridable by environment so tests do not wait for production timeouts. */
export const tuning = {
  get timeoutMs(): number {
    return Number(process.env.DOCKUI_REGISTRY_TIMEOUT_MS) || 30_000;
  },
  /**
   * Longest one request may take, redirects, headers and body included. The stall timer above
   * only sees silence: a server that trickles a byte every few seconds never trips it. A blob
   * that legitimately takes longer is resumed with Range by blob-stream.ts, so this bounds an
   * attempt, not a download.
   */
  get deadlineMs(): number {
    return Number(process.env.DOCKUI_REGISTRY_DEADLINE_MS) || 300_000;
  },
  /**
   * Slowest a blob body may arrive, in bytes/s averaged over each stall window (timeoutMs):
   * slower is a trickle, failed (and resumed) like a stall.
   */
  get minRate(): number {
    const v = process.env.DOCKUI_REGISTRY_MIN_RATE;
    return v === undefined ? 1024 : Number(v);
  },
  get retryBaseMs(): number {
    const v = process.env.DOCKUI_REGISTRY_RETRY_BASE_MS;
    return v === undefined ? 250 : Number(v);
  },
  get attempts(): number {
    return Number(process.env.DOCKUI_REGISTRY_ATTEMPTS) || 5;
  },
  /** Cap on how long a Retry-After may make us wait. */
  maxRetryAfterMs: 30_000,
};

/** A transport-level failure worth another attempt (reset, refused mid-pull, stall). */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const transientCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_CHUNK_SIZE',
]);

export function isTransient(e: unknown): boolean {
  if (e instanceof TransientError) return true;
  if (!(e instanceof Error)) return false;
  const code = (e as NodeJS.ErrnoException).code;
  if (code && transientCodes.has(code)) return true;
  return /socket hang up|aborted|premature close/i.test(e.message) && e.name !== 'AbortError';
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504 || status === 408;
}

/** Retry-After: delta seconds or an HTTP date. */
export function parseRetryAfter(v: string | string[] | undefined, now = Date.now()): number | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, tuning.maxRetryAfterMs);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), tuning.maxRetryAfterMs);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(canceledError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(canceledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number): number {
  const base = tuning.retryBaseMs;
  const cap = Math.max(base, 8_000);
  return Math.round(Math.min(cap, base * 2 ** attempt) * (0.5 + Math.random() / 2));
}

/**
 * Runs `fn` until it succeeds, retrying transient failures with backoff. `fn` signals a
 * retryable condition by throwing TransientError (with retryAfterMs for 429/503).
 */
export async function withRetry<T>(
  what: string,
  fn: (attempt: number) => Promise<T>,
  opts: {
    signal?: AbortSignal;
    attempts?: number;
    onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
  } = {},
): Promise<T> {
  const attempts = opts.attempts ?? tuning.attempts;
  for (let attempt = 0; ; attempt++) {
    if (opts.signal?.aborted) throw canceledError();
    try {
      return await fn(attempt);
    } catch (e) {
      if (opts.signal?.aborted) throw canceledError();
      if (!isTransient(e) || attempt + 1 >= attempts) {
        if (isTransient(e))
          throw new EngineError('unavailable', `${what}: ${describe(e)} (gave up after ${attempt + 1} attempts)`, {
            cause: e,
          });
        throw e;
      }
      const delay = e instanceof TransientError && e.retryAfterMs !== undefined ? e.retryAfterMs : backoffMs(attempt);
      opts.onRetry?.(e, attempt, delay);
      await sleep(delay, opts.signal);
    }
  }
}

export function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}

/** Drains and discards a response body so its socket goes back to the pool. */
export function discard(res: HttpResponse | IncomingMessage): void {
  const body = 'body' in res ? res.body : res;
  body.on('error', () => {});
  body.resume();
}

/** Reads a (small) body with a size cap; hostile servers may send anything. */
export async function readBody(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.body.destroy();
    throw new EngineError('failed_precondition', `${what} is too large (${declared} bytes, limit ${limit})`);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) {
      res.body.destroy();
      throw new EngineError('failed_precondition', `${what} is too large (more than ${limit} bytes)`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Redirects stay on http(s), and never go from HTTPS down to plain HTTP. */
function redirectAllowed(from: URL, to: URL): boolean {
  if (to.protocol !== 'http:' && to.protocol !== 'https:') return false;
  return !(from.protocol === 'https:' && to.protocol === 'http:');
}

/**
 * One HTTP exchange (following redirects). Resolves once headers arrive; the caller owns the
 * body. Network failures reject with the underlying error (isTransient tells if worth a retry).
 */
export function request(url: URL, opts: RequestOptions = {}): Promise<HttpResponse> {
  const deadlineMs = opts.deadlineMs ?? tuning.deadlineMs;
  return requestOnce(url, opts, opts.maxRedirects ?? 5, opts.headers ?? {}, { at: Date.now() + deadlineMs, ms: deadlineMs });
}

interface Deadline {
  readonly at: number;
  readonly ms: number;
}

export function deadlineError(host: string, ms: number): TransientError {
  return new TransientError(`${host} did not finish answering within ${ms} ms`);
}

function requestOnce(
  url: URL,
  opts: RequestOptions,
  redirectsLeft: number,
  headers: Record<string, string>,
  deadline: Deadline,
): Promise<HttpResponse> {
  const signal = opts.signal;
  if (signal?.aborted) return Promise.reject(canceledError());
  const left = deadline.at - Date.now();
  if (left <= 0) return Promise.reject(deadlineError(url.host, deadline.ms));
  const plainGet = url.protocol === 'http:' && (opts.method ?? 'GET') === 'GET' && opts.body === undefined;
  const timeoutMs = opts.timeoutMs ?? tuning.timeoutMs;
  if (plainGet) {
    return import('./fast-get.js').then(async ({ fastGet }) => {
      const r = await fastGet(
        url,
        { ...headers },
        { signal, timeoutMs, deadlineMs: left, deadlineError: () => deadlineError(url.host, deadline.ms) },
      );
      const location = r.headers.location;
      if ([301, 302, 303, 307, 308].includes(r.status) && typeof location === 'string' && redirectsLeft > 0) {
        r.body.destroy();
        const next = new URL(location, url);
        if (!redirectAllowed(url, next))
          throw new EngineError('unavailable', `${url.host} redirected to a refused location (${next.protocol}//${next.host})`);
        const nextHeaders = { ...headers };
        if (next.host !== url.host) delete nextHeaders.authorization;
        return requestOnce(next, opts, redirectsLeft - 1, nextHeaders, deadline);
      }
      return { status: r.status, headers: r.headers, url, body: r.body };
    });
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const body = opts.body;
    const h: Record<string, string> = { 'user-agent': 'dockui/0.1', ...headers };
    if (Buffer.isBuffer(body)) h['content-length'] = String(body.length);
    const req = (url.protocol === 'https:' ? https() : http()).request(url, {
      method: opts.method ?? 'GET',
      headers: h,
      agent: url.protocol === 'https:' ? httpsAgent() : httpAgent(),
    });
    const onAbort = () => req.destroy(canceledError());
    signal?.addEventListener('abort', onAbort, { once: true });
    let response: IncomingMessage | undefined;
    // Until the body ends (or the redirect is followed, which keeps the same deadline).
    const timer = setTimeout(() => {
      const e = deadlineError(url.host, deadline.ms);
      if (response) response.destroy(e);
      else req.destroy(e);
    }, left);
    timer.unref(); // a body nobody reads any more must not keep the process alive
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    req.setTimeout(timeoutMs, () => req.destroy(new TransientError(`no answer from ${url.host} in ${timeoutMs} ms`)));
    req.on('error', (e) => {
      done();
      if (!settled) {
        settled = true;
        reject(signal?.aborted ? canceledError() : e);
      }
    });
    req.on('response', (res) => {
      settled = true;
      response = res;
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if ([301, 302, 303, 307, 308].includes(status) && location && redirectsLeft > 0) {
        discard(res);
        done();
        const next = new URL(location, url);
        if (!redirectAllowed(url, next)) {
          reject(new EngineError('unavailable', `${url.host} redirected to a refused location (${next.protocol}//${next.host})`));
          return;
        }
        // Credentials are for the registry, not for the storage a blob is redirected to.
        const nextHeaders = { ...headers };
        if (next.host !== url.host) delete nextHeaders.authorization;
        const nextOpts = status === 303 ? { ...opts, method: 'GET', body: undefined } : opts;
        requestOnce(next, nextOpts, redirectsLeft - 1, nextHeaders, deadline).then(resolve, reject);
        return;
      }
      // The timeout now watches the body: a stalled transfer errors the body stream.
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
      resolve({ status, headers: res.headers, url, body: res });
    });
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      const s = body();
      s.on('error', (e) => req.destroy(e));
      s.pipe(req);
    }
  });
}
