// The registry noun of the engine's API (api.ts re-exports it): what a registry holds, read
// without pulling (a manifest, the repositories that match a search, a repository's tags), and
// the credentials dockui keeps for it. Types only.
import type { SearchHit } from '../registry/search.js';
import type { ManifestInspectReport } from './manifest-report.js';

/** One `docker search` hit (docker's registry.SearchResult). */
export type SearchResult = SearchHit;

export interface SearchOptions {
  /** 1 to 100 (docker's daemon's range); 25 when absent. */
  readonly limit?: number;
  /** docker's search filters: is-automated, is-official (true|false), stars (at least N). */
  readonly filters?: ReadonlyMap<string, readonly string[]>;
  readonly signal?: AbortSignal;
}

export interface SearchReport {
  /** The registry asked: "docker.io" or the host of REGISTRY/TERM. */
  readonly registry: string;
  /** Registry order (an exact name first in a catalog), filtered after the limit as docker's daemon does. */
  readonly results: readonly SearchResult[];
  /** Names the registry sent that are not repository names (or Hub entries of the wrong shape): left out. */
  readonly refused: number;
  /** The catalog went on beyond what dockui reads of one (its pages and names are capped): the rest was not searched. */
  readonly truncated: boolean;
}

export interface TagListReport {
  /** DOMAIN/PATH of the repository. */
  readonly name: string;
  readonly tags: readonly string[];
  readonly refused: number;
  readonly truncated: boolean;
}

export interface RegistryEngine {
  /**
   * `docker manifest inspect`: the manifest or index under a reference, from the registry (nothing
   * is pulled); with `verbose` each platform's manifest of an index and a manifest's platform.
   * not_found (exit 1): "no such manifest: NAME".
   */
  inspectManifest(ref: string, opts?: { verbose?: boolean; insecure?: boolean; signal?: AbortSignal }): Promise<ManifestInspectReport>;
  /**
   * `docker search [REGISTRY/]TERM`: a registry's catalog filtered by TERM (podman's way with a v2
   * registry), or Docker Hub's search service for a TERM without a registry. invalid_argument for a
   * bad limit, filter or term (before anything is asked); unauthorized, unavailable, canceled.
   */
  search(term: string, opts?: SearchOptions): Promise<SearchReport>;
  /** podman's `search --list-tags REGISTRY/REPO`: the repository's tags, at most `limit` (25). */
  listTags(name: string, opts?: { limit?: number; signal?: AbortSignal }): Promise<TagListReport>;
  /** Checks the credentials against the registry, then stores them; resolves to where. */
  login(domain: string, creds: { username: string; password: string }, opts?: { signal?: AbortSignal }): Promise<{ storedIn: string }>;
  /** Resolves to whether credentials were stored. */
  logout(domain: string): Promise<{ found: boolean }>;
}
