// What a registry holds, listed: its catalog (GET /v2/_catalog) and a repository's tags (GET
// /v2/NAME/tags/list), each read page by page through `Link: <…>; rel="next"`, as podman's search
// reads a v2 registry; and Docker Hub, whose catalog is closed, through its v1 search API, which is
// what docker's daemon asks. Every reply is hostile input: each one is capped in bytes, the pages and
// the names of one listing are capped, the JSON's shape is checked, a next-page link must stay on
// the listing's own path at the registry (our credentials go with it), and a name that is no
// repository name (a tag that is no tag) is left out and counted.
import { EngineError } from '../define.js';
import { isRepositoryPath, isTag } from '../util/reference.js';
import { pullScope, type RegistryClient } from './client.js';
import { type HttpResponse, discard, readBody } from './http.js';

export const searchLimits = {
  /** Bytes of one reply: a page of 1000 names of 255 characters is ~260 kB. */
  replyBytes: 4 << 20,
  /** Pages read for one listing. */
  pages: 500,
  /** Names (repositories or tags) read for one listing. */
  names: 100_000,
  /**
   * `n` asked per page: the reference registry's cap (its catalog.maxentries default); a registry
   * with a lower one that refuses it is asked again without `n`. DOCKUI_CATALOG_PAGE_SIZE: tests.
   */
  get pageSize(): number {
    const n = Number(process.env.DOCKUI_CATALOG_PAGE_SIZE);
    return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 1000;
  },
  /** Characters of a description kept (Docker Hub's own cap is 100). */
  description: 1000,
};

/** One hit, as docker's registry.SearchResult holds it. */
export interface SearchHit {
  readonly name: string;
  readonly description: string;
  readonly starCount: number;
  readonly isOfficial: boolean;
  readonly isAutomated: boolean;
}

export interface Listing {
  /** What was kept, in the registry's order. */
  readonly names: string[];
  /** Entries the registry sent that are not valid names: left out. */
  readonly refused: number;
  /** The registry had more than searchLimits let us read: the rest was not looked at. */
  readonly truncated: boolean;
}

interface PagedOptions {
  /** '/v2/_catalog' or '/v2/NAME/tags/list': every page must be asked there. */
  readonly path: string;
  readonly key: 'repositories' | 'tags';
  readonly scopes: readonly string[];
  /** The listing in an error message: "catalog of 127.0.0.1:5000". */
  readonly what: string;
  readonly valid: (name: string) => boolean;
  /** Which valid names to keep (all when absent). */
  readonly keep?: (name: string) => boolean;
  /** Stop paging once the names kept so far are enough. */
  readonly enough?: (kept: readonly string[]) => boolean;
  readonly signal?: AbortSignal | undefined;
}

function badReply(client: RegistryClient, what: string, why: string): EngineError {
  return new EngineError('unavailable', `${what}: ${client.domain} sent a bad reply (${why})`);
}

/** The `rel="next"` target of a Link header (RFC 8288): `<url>; rel="next"`, among others. */
export function nextLink(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (!text) return undefined;
  for (const m of text.matchAll(/<([^>]*)>([^<]*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2]!);
    const values = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (values.includes('next')) return m[1]!;
  }
  return undefined;
}

/** The next page's URL, refused unless it is the same listing at the same registry. */
function nextPage(client: RegistryClient, res: HttpResponse, o: PagedOptions): URL | undefined {
  const link = nextLink(res.headers.link);
  if (link === undefined) return undefined;
  let next: URL;
  try {
    next = new URL(link, res.url);
  } catch {
    throw badReply(client, o.what, `a next-page link that is no URL: ${JSON.stringify(link.slice(0, 100))}`);
  }
  if (next.origin !== client.base.origin || next.pathname !== o.path)
    throw badReply(client, o.what, `a next-page link to ${next.origin}${next.pathname.slice(0, 100)}, not to its own ${o.path}`);
  return next;
}

/** The page's list, after checking the reply is `{"KEY": [strings]}` (null: an empty list). */
function pageEntries(client: RegistryClient, body: Buffer, o: PagedOptions): string[] {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw badReply(client, o.what, 'not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badReply(client, o.what, 'not a JSON object');
  const list = (v as Record<string, unknown>)[o.key];
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
    throw badReply(client, o.what, `"${o.key}" is not a list of strings`);
  return list;
}

/** Reads a paged listing within searchLimits. */
export async function paged(client: RegistryClient, o: PagedOptions): Promise<Listing> {
  const first = client.url(o.path);
  first.searchParams.set('n', String(searchLimits.pageSize));
  const seen = new Set<string>();
  const kept: string[] = [];
  const have = new Set<string>();
  let read = 0;
  let refused = 0;
  let url: URL | undefined = first;
  for (let pages = 0; url; pages++) {
    if (pages >= searchLimits.pages) return { names: kept, refused, truncated: true };
    seen.add(url.href);
    const ask = (u: URL) => client.send(u, { scopes: o.scopes, signal: o.signal, headers: { accept: 'application/json' } });
    let res = await ask(url);
    if (res.status === 400 && pages === 0) {
      // A registry whose page cap is lower than ours: its own page size, then.
      discard(res);
      res = await ask(client.url(o.path));
    }
    if (res.status !== 200) throw await client.fail(res, o.what);
    const entries = pageEntries(client, await readBody(res, searchLimits.replyBytes, o.what), o);
    for (const name of entries) {
      if (!o.valid(name)) {
        refused++;
        continue;
      }
      if (have.has(name)) continue;
      if (read >= searchLimits.names) return { names: kept, refused, truncated: true };
      read++;
      have.add(name);
      if (!o.keep || o.keep(name)) kept.push(name);
    }
    if (o.enough?.(kept)) break;
    url = nextPage(client, res, o);
    if (url && seen.has(url.href))
      throw badReply(client, o.what, `a next-page link it sent before: ${url.pathname}${url.search.slice(0, 100)}`);
  }
  return { names: kept, refused, truncated: false };
}

/**
 * The catalog's repositories whose name holds `term` (case aside), at most `limit`, an exact
 * match first (podman's order); the catalog's order otherwise. Paging stops once `limit` matches
 * and the exact one are in.
 */
export async function searchCatalog(client: RegistryClient, term: string, limit: number, signal?: AbortSignal): Promise<Listing> {
  const needle = term.toLowerCase();
  const what = `catalog of ${client.domain}`;
  let listing: Listing;
  try {
    listing = await paged(client, {
      path: '/v2/_catalog',
      key: 'repositories',
      scopes: ['registry:catalog:*'],
      what,
      valid: (n) => isRepositoryPath(n, client.domain),
      keep: (n) => n.includes(needle),
      enough: (kept) => kept.length >= limit && (needle === '' || kept.includes(needle)),
      signal,
    });
  } catch (e) {
    if (e instanceof EngineError && e.code === 'not_found')
      throw new EngineError(
        'not_found',
        `${client.domain} does not list its repositories (GET /v2/_catalog: not found): it cannot be searched`,
      );
    throw e;
  }
  const exact = listing.names.indexOf(needle);
  const names = exact > 0 ? [needle, ...listing.names.slice(0, exact), ...listing.names.slice(exact + 1)] : listing.names;
  return { ...listing, names: names.slice(0, limit) };
}

/** A repository's tags, at most `limit`, in the registry's order. */
export async function listTags(client: RegistryClient, path: string, limit: number, signal?: AbortSignal): Promise<Listing> {
  const listing = await paged(client, {
    path: `/v2/${path}/tags/list`,
    key: 'tags',
    scopes: [pullScope(path)],
    what: `tags of ${client.domain}/${path}`,
    valid: isTag,
    enough: (kept) => kept.length >= limit,
    signal,
  });
  return { ...listing, names: listing.names.slice(0, limit) };
}

/** Text a terminal will show: control characters (escapes, line breaks) become spaces; capped. */
function plainText(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  const chars = [...t];
  return chars.length > max ? chars.slice(0, max).join('') : t;
}

/**
 * Docker Hub's v1 search (index.docker.io/v1/search?q=TERM&n=LIMIT), as docker's daemon and
 * podman ask it: name, description, stars, official and automated, checked entry by entry.
 */
export async function searchHub(
  client: RegistryClient,
  term: string,
  limit: number,
  signal?: AbortSignal,
): Promise<{ hits: SearchHit[]; refused: number }> {
  const url = client.url('/v1/search');
  url.searchParams.set('q', term);
  url.searchParams.set('n', String(limit));
  const what = `search of ${client.domain}`;
  const res = await client.send(url, { signal, headers: { accept: 'application/json' } });
  if (res.status !== 200) throw await client.fail(res, what);
  let v: unknown;
  try {
    v = JSON.parse((await readBody(res, searchLimits.replyBytes, what)).toString('utf8'));
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw badReply(client, what, 'not JSON');
  }
  const results = typeof v === 'object' && v !== null ? (v as { results?: unknown }).results : undefined;
  if (!Array.isArray(results)) throw badReply(client, what, 'no "results" list');
  const hits: SearchHit[] = [];
  let refused = 0;
  for (const r of results as unknown[]) {
    if (hits.length >= limit) break;
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const { name, description, star_count: stars, is_official: official, is_automated: automated } = o;
    if (
      typeof name !== 'string' ||
      !isRepositoryPath(name, 'docker.io') ||
      !(description === undefined || description === null || typeof description === 'string') ||
      !(stars === undefined || (typeof stars === 'number' && Number.isSafeInteger(stars) && stars >= 0)) ||
      !(official === undefined || typeof official === 'boolean') ||
      !(automated === undefined || typeof automated === 'boolean')
    ) {
      refused++;
      continue;
    }
    hits.push({
      name,
      description: plainText(description ?? '', searchLimits.description),
      starCount: stars ?? 0,
      isOfficial: official ?? false,
      isAutomated: automated ?? false,
    });
  }
  return { hits, refused };
}
