// `docker search` without Docker Hub's search service: TERM is docker's `[REGISTRY/]TERM`
// (registry.splitReposSearchTerm); a registry other than Docker Hub is searched through its
// catalog, as podman searches a v2 registry, and Docker Hub through its v1 search API, as
// docker's daemon does. docker's daemon semantics on top (daemon/images/image_search.go): the
// filters is-automated, is-official and stars checked before anything is asked, in its words,
// a limit of 1 to 100, the filters applied to what the limit let through.
import { EngineError } from '../define.js';
import { clientFor } from '../registry/client.js';
import { listTags, searchCatalog, searchHub, type SearchHit } from '../registry/search.js';
import { isRegistryHost, parseReference } from '../util/reference.js';
import type { SearchOptions, SearchReport, TagListReport } from './api.js';

export const defaultSearchLimit = 25;

/** docker's filters.Validate and invalidFilter: "Invalid filter 'k'", "Invalid filter 'k=[v w]'". */
function invalidFilter(key: string, value?: string): EngineError {
  return new EngineError('invalid_argument', `Invalid filter '${key}${value === undefined ? '' : `=${value}`}'`);
}

/** Go's strconv.Atoi, for a star count. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d{1,18}$/.test(s) ? Number(s) : undefined;
}

/** The filters as docker's daemon reads them, as a test of a hit; throws its errors. */
export function searchFilter(filters: ReadonlyMap<string, readonly string[]> | undefined): (h: SearchHit) => boolean {
  const tests: ((h: SearchHit) => boolean)[] = [];
  const keys = [...(filters?.keys() ?? [])].sort();
  for (const k of keys) if (k !== 'is-automated' && k !== 'is-official' && k !== 'stars') throw invalidFilter(k);
  for (const k of keys) {
    // A set, as docker's filters.Args keeps the values.
    const values = [...new Set(filters!.get(k))].sort();
    if (k === 'stars') {
      let min = 0;
      for (const v of values) {
        const n = atoi(v);
        if (n === undefined) throw invalidFilter(k, v);
        min = Math.max(min, n);
      }
      tests.push((h) => h.starCount >= min);
      continue;
    }
    // UniqueExactMatch: no value, or exactly one that is true or false.
    if (values.length > 1 || (values.length === 1 && values[0] !== 'true' && values[0] !== 'false'))
      throw invalidFilter(k, `[${values.join(' ')}]`);
    const want = values[0] !== 'false';
    tests.push(k === 'is-official' ? (h) => h.isOfficial === want : (h) => h.isAutomated === want);
  }
  return (h) => tests.every((t) => t(h));
}

/** docker's splitReposSearchTerm: a first part with a dot, a colon or named localhost is a registry. */
export function splitSearchTerm(term: string): { registry: string; term: string } {
  const slash = term.indexOf('/');
  const first = slash === -1 ? '' : term.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost')) return { registry: 'docker.io', term };
  return { registry: first, term: term.slice(slash + 1) };
}

const isHub = (registry: string) => registry === 'docker.io' || registry === 'index.docker.io';

export async function search(input: string, opts: SearchOptions & { insecure: readonly string[] }): Promise<SearchReport> {
  const keep = searchFilter(opts.filters);
  if (input.includes('://')) throw new EngineError('invalid_argument', 'Invalid repository name (ex: "registry.domain.tld/myrepos")');
  const limit = opts.limit ?? defaultSearchLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new EngineError('invalid_argument', `Limit ${limit} is outside the range of [1, 100]`);
  const { registry, term } = splitSearchTerm(input);
  if (isHub(registry)) {
    // Docker Hub lists official images without their library/ (docker strips it too).
    const hub = clientFor('index.docker.io', { insecure: opts.insecure });
    const r = await searchHub(hub, term.replace(/^library\//, ''), limit, opts.signal);
    return { registry: 'docker.io', results: r.hits.filter(keep), refused: r.refused, truncated: false };
  }
  if (!isRegistryHost(registry)) throw new EngineError('invalid_argument', `invalid registry name ${JSON.stringify(registry)}`);
  const listing = await searchCatalog(clientFor(registry, { insecure: opts.insecure }), term, limit, opts.signal);
  const hits: SearchHit[] = listing.names.map((n) => ({
    name: `${registry}/${n}`,
    description: '',
    starCount: 0,
    isOfficial: false,
    isAutomated: false,
  }));
  return { registry, results: hits.filter(keep), refused: listing.refused, truncated: listing.truncated };
}

/** podman's `search --list-tags REGISTRY/REPO`: the repository's tags (a tag or digest given is ignored, as podman does). */
export async function tags(
  input: string,
  opts: { limit?: number; signal?: AbortSignal; insecure: readonly string[] },
): Promise<TagListReport> {
  const limit = opts.limit ?? defaultSearchLimit;
  if (!Number.isInteger(limit) || limit < 1) throw new EngineError('invalid_argument', `Limit ${limit} must be at least 1`);
  const ref = parseReference(input);
  const r = await listTags(clientFor(ref.domain, { insecure: opts.insecure }), ref.path, limit, opts.signal);
  return { name: ref.name, tags: r.names, refused: r.refused, truncated: r.truncated };
}
