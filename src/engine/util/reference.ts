// Image references with Docker's normalization rules (distribution/reference):
// `busybox` → `docker.io/library/busybox:latest`, `user/x` → `docker.io/user/x:latest`,
// a first component with a dot, a colon or named `localhost` is a registry host.
import { EngineError } from '../define.js';

export const defaultDomain = 'docker.io';
export const defaultTag = 'latest';
const legacyDomain = 'index.docker.io';
const officialRepoPrefix = 'library/';

// The grammar of distribution/reference, piece by piece.
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainRe = new RegExp(`^(?:${domainComponent}(?:\\.${domainComponent})*|${ipv6})(?::[0-9]+)?$`);
const pathRe = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const anchoredHexId = /^[a-f0-9]{64}$/;
const maxNameLength = 255;

/** Lengths of the hex part by digest algorithm, for the algorithms dockui can verify. */
const digestHexLength: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

export interface Reference {
  /** Registry host (with port), e.g. "docker.io", "127.0.0.1:5000". */
  readonly domain: string;
  /** Repository path in that registry, e.g. "library/busybox". */
  readonly path: string;
  readonly tag?: string;
  /** "sha256:<hex>" */
  readonly digest?: string;
  /** "domain/path" */
  readonly name: string;
  /** Normalized full form: "domain/path:tag" or "domain/path@digest" (the digest wins, as Docker pulls by it). */
  toString(): string;
  /** What docker shows: "busybox:latest", "user/x:1", "127.0.0.1:5000/fixture/busybox:latest". */
  familiar(): string;
}

function invalid(input: string, why?: string): EngineError {
  return new EngineError('invalid_argument', `invalid reference format: ${why ? `${why}: ` : ''}${JSON.stringify(input)}`);
}

class ParsedReference implements Reference {
  readonly name: string;
  constructor(
    readonly domain: string,
    readonly path: string,
    readonly tag: string | undefined,
    readonly digest: string | undefined,
  ) {
    this.name = `${domain}/${path}`;
  }
  toString(): string {
    if (this.digest) return `${this.name}@${this.digest}`;
    return `${this.name}:${this.tag ?? defaultTag}`;
  }
  familiarName(): string {
    if (this.domain !== defaultDomain) return this.name;
    return this.path.startsWith(officialRepoPrefix) && !this.path.slice(officialRepoPrefix.length).includes('/')
      ? this.path.slice(officialRepoPrefix.length)
      : this.path;
  }
  familiar(): string {
    const n = this.familiarName();
    if (this.digest) return this.tag ? `${n}:${this.tag}@${this.digest}` : `${n}@${this.digest}`;
    return `${n}:${this.tag ?? defaultTag}`;
  }
}

/**
 * Parses and normalizes an image reference. A missing tag becomes "latest" unless a digest is
 * given; "name:tag@digest" keeps both (the digest decides what is pulled).
 */
export function parseReference(input: string): Reference {
  if (typeof input !== 'string' || input.length === 0) throw invalid(String(input), 'empty reference');
  if (input !== input.trim() || /\s/.test(input)) throw invalid(input, 'whitespace');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest)) throw invalid(input, 'bad digest');
    const [alg, hex] = digest.split(':') as [string, string];
    const want = digestHexLength[alg];
    if (want === undefined) throw invalid(input, `unsupported digest algorithm ${alg}`);
    if (hex.length !== want || !/^[a-f0-9]+$/.test(hex)) throw invalid(input, `bad ${alg} digest`);
  }
  // A tag is after the last colon, unless that colon belongs to a host:port (a slash follows it).
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1 && !rest.slice(colon + 1).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag)) throw invalid(input, 'bad tag');
  }
  if (rest.length === 0) throw invalid(input, 'missing repository name');

  let domain: string;
  let path: string;
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = defaultDomain;
    path = rest;
  } else {
    domain = first;
    path = rest.slice(slash + 1);
    if (!domainRe.test(domain)) throw invalid(input, 'bad registry host');
  }
  if (domain === legacyDomain) domain = defaultDomain;
  if (domain === defaultDomain && !path.includes('/')) path = officialRepoPrefix + path;
  if (path !== path.toLowerCase() && pathRe.test(path.toLowerCase())) throw invalid(input, 'repository name must be lowercase');
  if (!pathRe.test(path)) throw invalid(input, 'bad repository name');
  if (anchoredHexId.test(rest)) throw invalid(input, 'a 64-character hex string is an image id, not a name');
  if (domain.length + 1 + path.length > maxNameLength) throw invalid(input, `name longer than ${maxNameLength} characters`);
  if (!digest && !tag) tag = defaultTag;
  return new ParsedReference(domain, path, tag, digest);
}

/** Like parseReference, but returns undefined instead of throwing. */
export function tryParseReference(input: string): Reference | undefined {
  try {
    return parseReference(input);
  } catch {
    return undefined;
  }
}

/** A reference with another tag or digest (for push targets, tag, and pinned pulls). */
export function withDigest(ref: Reference, digest: string): Reference {
  return new ParsedReference(ref.domain, ref.path, ref.tag, digest);
}

export function withTag(ref: Reference, tag: string): Reference {
  if (!tagRe.test(tag)) throw invalid(tag, 'bad tag');
  return new ParsedReference(ref.domain, ref.path, tag, undefined);
}

/** A registry host as a reference names one ("127.0.0.1:5000", "registry.example.com"). */
export function isRegistryHost(s: string): boolean {
  return domainRe.test(s);
}

/** A repository path a registry may hold under `domain` ("library/busybox"): the grammar and the length cap. */
export function isRepositoryPath(path: string, domain: string): boolean {
  return pathRe.test(path) && domain.length + 1 + path.length <= maxNameLength;
}

export function isTag(s: string): boolean {
  return tagRe.test(s);
}
