// A client for one registry (OCI distribution spec): ping, auth, manifests, blobs, uploads.
// Every request goes through send(): auth header for its scopes, retries on transient failures,
// one re-authentication on 401. Callers own response bodies.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError } from '../define.js';
import { type Challenge, TokenCache, basicHeader, parseChallenges } from './auth.js';
import { type Credentials, getCredentials } from './credentials.js';
import {
  type HttpResponse,
  TransientError,
  describe,
  discard,
  isRetryableStatus,
  parseRetryAfter,
  readBody,
  request,
  withRetry,
} from './http.js';
import { type Manifest, manifestAccept, manifestLimit, parseManifest } from './manifest.js';
import type { Reference } from '../util/reference.js';

export interface ClientOptions {
  /** Registries (host[:port]) to reach over plain HTTP besides loopback. */
  readonly insecure?: readonly string[];
  /** Use these credentials instead of the stored ones (login). */
  readonly credentials?: Credentials;
  /** Clock for token expiry (tests). */
  readonly now?: () => number;
}

export interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | (() => Readable);
  /** Token scopes, e.g. ["repository:a/b:pull"]. */
  readonly scopes?: readonly string[];
  readonly signal?: AbortSignal;
  /**
   * false: one attempt, and a network failure is thrown as a TransientError for the caller to
   * handle (an upload restarts its session rather than resending to a half-fed one). 5xx and
   * 429 are then answers too.
   */
  readonly retry?: boolean;
  readonly timeoutMs?: number;
}

export interface FetchedManifest {
  readonly manifest: Manifest;
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
}

/** Docker Hub's API lives on another host than its name. */
function apiHost(domain: string): string {
  return domain === 'docker.io' ? 'registry-1.docker.io' : domain;
}

function isLoopback(domain: string): boolean {
  const host = domain.startsWith('[') ? domain.slice(0, domain.indexOf(']') + 1) : domain.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Registries marked insecure in the configuration Docker and podman users already have:
 * /etc/docker/daemon.json `insecure-registries` and containers-registries.conf(5)
 * `[[registry]] location = "…" insecure = true` (in registries.conf and registries.conf.d/).
 */
export function configuredInsecure(etc = '/etc'): string[] {
  const out: string[] = [];
  try {
    const d = JSON.parse(readFileSync(join(etc, 'docker/daemon.json'), 'utf8')) as {
      'insecure-registries'?: unknown;
    };
    const list = d['insecure-registries'];
    if (Array.isArray(list)) for (const x of list) if (typeof x === 'string') out.push(x);
  } catch {
    // absent or unreadable: nothing marked there
  }
  const files = [join(etc, 'containers/registries.conf')];
  try {
    const dir = join(etc, 'containers/registries.conf.d');
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.conf')) files.push(join(dir, f));
  } catch {
    // no drop-in dir
  }
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const block of text.split(/^\s*\[\[registry\]\]\s*$/m).slice(1)) {
      const body = block.split(/^\s*\[/m)[0] ?? '';
      const loc = /^\s*location\s*=\s*"([^"]+)"/m.exec(body)?.[1];
      if (loc && /^\s*insecure\s*=\s*true\s*$/m.test(body)) out.push(loc);
    }
  }
  return out;
}

let configured: string[] | undefined;

export function isInsecureRegistry(domain: string, insecure: readonly string[] = []): boolean {
  if (isLoopback(domain)) return true;
  const host = domain.replace(/:\d+$/, '');
  configured ??= configuredInsecure();
  return [...insecure, ...configured].some((i) => {
    const n = i.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    return n === domain || n === host;
  });
}

export function pullScope(path: string): string {
  return `repository:${path}:pull`;
}
export function pushScope(path: string): string {
  return `repository:${path}:pull,push`;
}

/** The registry's own error text ({"errors":[{"code","message"}]}), when it sent one. */
async function errorDetail(res: HttpResponse): Promise<string> {
  try {
    const body = await readBody(res, 64 << 10, 'error body');
    const v = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const e = v.errors?.[0];
    if (e) {
      // The registry's words, in a line of ours: no control character (an escape sequence), clipped.
      const text = [e.code, e.message]
        .filter((x) => typeof x === 'string' && x)
        .join(': ')
        .toLowerCase()
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
      return text.length > 300 ? `${text.slice(0, 297)}...` : text;
    }
  } catch {
    /* not JSON: the status says enough */
  }
  return '';
}

export class RegistryClient {
  readonly domain: string;
  readonly base: URL;
  readonly #tokens: TokenCache;
  readonly #explicit: Credentials | undefined;
  #challenge: Challenge | undefined;
  #creds: Promise<Credentials | undefined> | undefined;

  constructor(domain: string, opts: ClientOptions = {}) {
    this.domain = domain;
    const scheme = isInsecureRegistry(domain, opts.insecure) ? 'http' : 'https';
    this.base = new URL(`${scheme}://${apiHost(domain)}/`);
    this.#explicit = opts.credentials;
    this.#tokens = new TokenCache(domain, () => this.credentials(), opts.now);
  }

  /** Tokens fetched so far by this client. */
  get tokenFetches(): number {
    return this.#tokens.fetched;
  }

  credentials(): Promise<Credentials | undefined> {
    if (this.#explicit) return Promise.resolve(this.#explicit);
    return (this.#creds ??= getCredentials(this.domain));
  }

  /** The Authorization header for a request, from what the registry asked before. */
  async #authHeader(scopes: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
    const ch = this.#challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') {
      const c = await this.credentials();
      return c && c.username ? basicHeader(c) : undefined;
    }
    return `Bearer ${await this.#tokens.get(ch, scopes, signal)}`;
  }

  url(path: string): URL {
    return new URL(path, this.base);
  }

  /** One authorized exchange with retries. Resolves with any final status; the caller checks it. */
  async send(pathOrUrl: string | URL, opts: SendOptions = {}): Promise<HttpResponse> {
    const url = typeof pathOrUrl === 'string' ? this.url(pathOrUrl) : pathOrUrl;
    const scopes = opts.scopes ?? [];
    for (let authTry = 0; ; authTry++) {
      const auth = await this.#authHeader(scopes, opts.signal);
      const headers = { ...opts.headers, ...(auth ? { authorization: auth } : {}) };
      const attempt = async () => {
        let r: HttpResponse;
        try {
          r = await request(url, {
            method: opts.method,
            headers,
            body: opts.body,
            signal: opts.signal,
            timeoutMs: opts.timeoutMs,
          });
        } catch (e) {
          if (e instanceof EngineError) throw e;
          // A name that does not resolve will not start to on a retry.
          if ((e as NodeJS.ErrnoException).code === 'ENOTFOUND')
            throw new EngineError('unavailable', `cannot reach registry ${this.domain}: no such host ${url.hostname}`, {
              cause: e,
            });
          throw new TransientError(describe(e), undefined, { cause: e });
        }
        if (opts.retry !== false && isRetryableStatus(r.status)) {
          discard(r);
          throw new TransientError(`HTTP ${r.status}`, parseRetryAfter(r.headers['retry-after']));
        }
        return r;
      };
      const res =
        opts.retry === false
          ? await attempt()
          : await withRetry(`${opts.method ?? 'GET'} ${url.host}${url.pathname}`, attempt, {
              signal: opts.signal,
            });
      if (res.status !== 401 || authTry >= 1) return res;
      const challenges = parseChallenges(res.headers['www-authenticate']);
      const ch = challenges.find((c) => c.scheme === 'bearer') ?? challenges[0];
      if (!ch) return res;
      // Credentials may have changed since they were read (a login in another process).
      this.#creds = undefined;
      // A refused token may have expired early or lack a scope: drop it and ask again once.
      if (this.#challenge?.scheme === 'bearer') this.#tokens.invalidate(scopes);
      else if (this.#challenge?.scheme === 'basic' && ch.scheme === 'basic') return res;
      this.#challenge = ch;
      discard(res);
      if (ch.scheme === 'basic' && !(await this.credentials())) {
        throw new EngineError('unauthorized', `${this.domain} requires a login (run 'dockui login ${this.domain}')`);
      }
    }
  }

  /** An EngineError for a response that is not what the caller needed. */
  async fail(res: HttpResponse, what: string): Promise<EngineError> {
    const detail = await errorDetail(res);
    const suffix = detail ? ` (${detail})` : '';
    if (res.status === 401) {
      const c = await this.credentials();
      return new EngineError(
        'unauthorized',
        c
          ? `${what}: ${this.domain} refused the credentials${suffix} (run 'dockui login ${this.domain}')`
          : `${what}: ${this.domain} requires a login${suffix} (run 'dockui login ${this.domain}')`,
      );
    }
    if (res.status === 403) return new EngineError('unauthorized', `${what}: access denied by ${this.domain}${suffix}`);
    if (res.status === 404) return new EngineError('not_found', `${what}: not found${suffix}`);
    return new EngineError('unavailable', `${what}: ${this.domain} answered HTTP ${res.status}${suffix}`);
  }

  /** GET /v2/: reachability and auth. Resolves when the registry lets us in. */
  async ping(signal?: AbortSignal): Promise<void> {
    let res: HttpResponse;
    try {
      res = await this.send('/v2/', { signal });
    } catch (e) {
      if (e instanceof EngineError) throw e;
      throw new EngineError('unavailable', `cannot reach registry ${this.domain}: ${describe(e)}`, {
        cause: e,
      });
    }
    if (res.status === 200) return discard(res);
    if (res.status === 401 && this.#challenge?.scheme === 'bearer') {
      // /v2/ with a scope-less token is how docker login checks credentials on token registries.
      discard(res);
      return;
    }
    throw await this.fail(res, `registry ${this.domain}`);
  }

  /** Verifies credentials the way docker login does; throws 'unauthorized' when they are refused. */
  async login(signal?: AbortSignal): Promise<void> {
    const res = await this.send('/v2/', { signal });
    if (res.status === 200) return discard(res);
    throw await this.fail(res, `login to ${this.domain}`);
  }

  /** Fetches, size-checks, parses and digest-checks a manifest by tag or digest. */
  async getManifest(
    ref: Reference,
    reference: string,
    opts: { signal?: AbortSignal; scopes?: readonly string[] } = {},
  ): Promise<FetchedManifest> {
    const what = `${ref.name}:${reference}`.replace(/:sha256:/, '@sha256:');
    const res = await this.send(`/v2/${ref.path}/manifests/${reference}`, {
      headers: { accept: manifestAccept },
      scopes: opts.scopes ?? [pullScope(ref.path)],
      signal: opts.signal,
    });
    if (res.status !== 200) {
      const e = await this.fail(res, `manifest for ${what}`);
      if (e.code === 'not_found') throw new EngineError('not_found', `manifest for ${what} not found`);
      throw e;
    }
    const bytes = await readBody(res, manifestLimit, `manifest for ${what}`);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (reference.startsWith('sha256:') && reference !== digest)
      throw new EngineError('failed_precondition', `manifest for ${what} does not match its digest (got ${digest})`);
    const header = res.headers['docker-content-digest'];
    if (typeof header === 'string' && header.startsWith('sha256:') && header !== digest && !reference.startsWith('sha256:'))
      throw new EngineError('failed_precondition', `manifest for ${what} does not match the digest the registry announced (${header})`);
    const manifest = parseManifest(bytes, res.headers['content-type'], `manifest for ${what}`);
    return { manifest, bytes, digest, mediaType: manifest.mediaType };
  }

  /** Small blob (a config) read whole, with a cap, verified. */
  async getSmallBlob(ref: Reference, digest: string, limit: number, signal?: AbortSignal): Promise<Buffer> {
    const res = await this.send(`/v2/${ref.path}/blobs/${digest}`, { scopes: [pullScope(ref.path)], signal });
    if (res.status !== 200) throw await this.fail(res, `blob ${digest}`);
    const bytes = await readBody(res, limit, `blob ${digest}`);
    const got = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (got !== digest) throw new TransientError(`blob ${digest} arrived corrupt (got ${got})`);
    return bytes;
  }
}

/** Clients share auth state per registry within one process (tokens are per scope). */
const clients = new Map<string, RegistryClient>();

export function clientFor(domain: string, opts: ClientOptions = {}): RegistryClient {
  if (opts.credentials) return new RegistryClient(domain, opts);
  const key = `${domain}|${(opts.insecure ?? []).join(',')}`;
  let c = clients.get(key);
  if (!c) clients.set(key, (c = new RegistryClient(domain, opts)));
  return c;
}

/** Drops shared clients (and with them cached credentials and tokens), after a login or logout. */
export function forgetClients(domain?: string): void {
  for (const k of [...clients.keys()]) if (domain === undefined || k.startsWith(`${domain}|`)) clients.delete(k);
}
