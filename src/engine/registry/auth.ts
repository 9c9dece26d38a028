// Registry authentication: WWW-Authenticate challenges (Basic, Bearer with realm/service/scope)
// and a token cache keyed by scope set, refreshed when a token expires or is refused.
import { EngineError } from '../define.js';
import type { Credentials } from './credentials.js';
import { TransientError, describe, discard, isRetryableStatus, parseRetryAfter, readBody, request, withRetry } from './http.js';

export interface Challenge {
  readonly scheme: 'basic' | 'bearer';
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a WWW-Authenticate header (RFC 7235): `Bearer realm="https://x/token",service="reg",
 * scope="repository:a/b:pull"`. Quoted values may hold commas. Unknown schemes are skipped.
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const texts = Array.isArray(header) ? header : header ? [header] : [];
  const out: { scheme: string; params: Record<string, string> }[] = [];
  for (const text of texts) {
    let i = 0;
    let current: { scheme: string; params: Record<string, string> } | undefined;
    while (i < text.length) {
      while (i < text.length && /[\s,]/.test(text[i]!)) i++;
      const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)/.exec(text.slice(i));
      if (!m) break;
      const word = m[1]!;
      i += word.length;
      while (i < text.length && text[i] === ' ') i++;
      if (text[i] === '=') {
        i++;
        while (i < text.length && text[i] === ' ') i++;
        let value = '';
        if (text[i] === '"') {
          i++;
          while (i < text.length && text[i] !== '"') {
            if (text[i] === '\\' && i + 1 < text.length) i++;
            value += text[i];
            i++;
          }
          i++;
        } else {
          const v = /^[^,\s]*/.exec(text.slice(i))![0];
          value = v;
          i += v.length;
        }
        if (current) current.params[word.toLowerCase()] = value;
      } else {
        current = { scheme: word.toLowerCase(), params: {} };
        out.push(current);
      }
    }
  }
  return out.filter((c): c is Challenge => c.scheme === 'basic' || c.scheme === 'bearer');
}

export function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

const tokenLimit = 1 << 20;

/** Bearer tokens for one registry, per scope set. */
export class TokenCache {
  readonly #tokens = new Map<string, CachedToken>();
  readonly #inflight = new Map<string, Promise<CachedToken>>();
  /** Tokens fetched from the token server so far (diagnostics, tests). */
  fetched = 0;

  constructor(
    private readonly domain: string,
    private readonly credentials: () => Promise<Credentials | undefined>,
    /** The clock expiry is judged by; tests move it forward instead of waiting a minute. */
    private readonly now: () => number = Date.now,
  ) {}

  invalidate(scopes: readonly string[]): void {
    this.#tokens.delete(scopeKey(scopes));
  }

  /** A valid token for these scopes: cached while it lives, fetched (once, shared) when not. */
  async get(challenge: Challenge, scopes: readonly string[], signal?: AbortSignal): Promise<string> {
    const key = scopeKey(scopes);
    const hit = this.#tokens.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.token;
    let p = this.#inflight.get(key);
    if (!p) {
      p = this.#fetch(challenge, scopes, signal).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, p);
    }
    const t = await p;
    this.#tokens.set(key, t);
    return t.token;
  }

  async #fetch(challenge: Challenge, scopes: readonly string[], signal?: AbortSignal): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) throw new EngineError('unavailable', `${this.domain} asked for a bearer token without saying where to get one`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new EngineError('unavailable', `${this.domain} named a bad token server: ${realm}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new EngineError('unavailable', `${this.domain} named a bad token server: ${realm}`);
    const creds = await this.credentials();
    const service = challenge.params.service;
    const wanted = scopes.length ? scopes : challenge.params.scope ? [challenge.params.scope] : [];
    const res = await withRetry(
      `token from ${url.host}`,
      async () => {
        let r;
        if (creds?.identityToken) {
          // OAuth2 refresh-token grant, as Docker does with an identity token.
          const form = new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: creds.identityToken,
            client_id: 'dockui',
          });
          if (service) form.set('service', service);
          if (wanted.length) form.set('scope', wanted.join(' '));
          r = await request(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: Buffer.from(form.toString()),
            signal,
          });
        } else {
          const u = new URL(url);
          if (service) u.searchParams.set('service', service);
          for (const s of wanted) u.searchParams.append('scope', s);
          const headers: Record<string, string> = {};
          if (creds && creds.username) headers.authorization = basicHeader(creds);
          r = await request(u, { headers, signal });
        }
        if (isRetryableStatus(r.status)) {
          discard(r);
          throw new TransientError(`token server answered ${r.status}`, parseRetryAfter(r.headers['retry-after']));
        }
        return r;
      },
      { signal },
    );
    if (res.status === 401 || res.status === 403) {
      discard(res);
      throw new EngineError(
        'unauthorized',
        creds
          ? `${this.domain} refused the stored credentials (run 'dockui login ${this.domain}')`
          : `${this.domain} requires a login (run 'dockui login ${this.domain}')`,
      );
    }
    if (res.status !== 200) {
      discard(res);
      throw new EngineError('unavailable', `token server for ${this.domain} answered HTTP ${res.status}`);
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      body = JSON.parse((await readBody(res, tokenLimit, 'token reply')).toString('utf8')) as typeof body;
    } catch (e) {
      throw new EngineError('unavailable', `token server for ${this.domain} sent a bad reply: ${describe(e)}`, { cause: e });
    }
    const token = typeof body.token === 'string' && body.token ? body.token : body.access_token;
    if (typeof token !== 'string' || !token) throw new EngineError('unavailable', `token server for ${this.domain} sent no token`);
    // The spec's default lifetime is 60 s; refresh a little early so a request never carries a dead token.
    const lifeSec = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    const issued = typeof body.issued_at === 'string' ? Date.parse(body.issued_at) : NaN;
    const now = this.now();
    const start = Number.isNaN(issued) || issued > now || issued < now - lifeSec * 1000 ? now : issued;
    this.fetched++;
    return { token, expiresAt: start + lifeSec * 1000 - Math.min(10_000, (lifeSec * 1000) / 4) };
  }
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(' ');
}
