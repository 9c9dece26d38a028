// .dockerignore with Docker's semantics (moby/patternmatcher + its ignorefile reader):
// patterns are cleaned like Go's filepath.Clean (so a trailing slash is dropped and `foo/`
// also matches a file named foo), a leading `/` is dropped, `!` re-includes, the last matching
// pattern wins, and a pattern that matches a parent directory matches everything below it.
import { EngineError } from '../define.js';
import { compileGlob } from '../fsutil/glob.js';

/** Go's path.Clean for slash paths: `a//b/./c/..` → `a/b`, `` → `.`, no trailing slash. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  if (rooted) return `/${s}`;
  return s === '' ? '.' : s;
}

/** The lines of a .dockerignore file as patterns (`!` kept as a prefix), as ignorefile.ReadAll reads them. */
export function readIgnoreFile(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let invert = false;
    if (line.startsWith('!')) {
      invert = true;
      line = line.slice(1).trim();
    }
    if (line.length > 0) {
      line = cleanPath(line);
      if (line.length > 1 && line.startsWith('/')) line = line.slice(1);
    }
    out.push(invert ? `!${line}` : line);
  }
  return out;
}

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

interface Pattern {
  readonly source: string;
  readonly exclusion: boolean;
  readonly cleaned: string;
  readonly dirs: readonly string[];
  readonly kind: MatchKind;
  readonly re: RegExp | undefined;
  /** One regexp per slash-separated component (undefined for a `**` component), to prune walks. */
  readonly dirRes: readonly (RegExp | undefined)[];
}

const reSpecial = new Set(['.', '+', '(', ')', '|', '{', '}', '$', '^']);

/** Compiles a cleaned pattern the way patternmatcher does: exact, `x/**` prefix, `** /x` suffix, else a regexp. */
function compile(pattern: string): { kind: MatchKind; re: RegExp | undefined } {
  let reStr = '^';
  let kind: MatchKind = 'exact';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const first = i === 0;
    const ch = chars[i]!;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++;
        if (i + 1 >= chars.length) {
          if (kind === 'exact') kind = 'prefix';
          else {
            reStr += '.*';
            kind = 'regexp';
          }
        } else {
          reStr += '(.*/)?';
          kind = 'regexp';
        }
        // A leading `**` makes it a suffix match until a later wildcard needs the regexp.
        if (first) kind = 'suffix';
      } else {
        reStr += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      reStr += '[^/]';
      kind = 'regexp';
    } else if (reSpecial.has(ch)) {
      reStr += `\\${ch}`;
    } else if (ch === '\\') {
      if (i + 1 < chars.length) {
        reStr += `\\${chars[++i]!}`;
        kind = 'regexp';
      } else reStr += '\\\\';
    } else if (ch === '[' || ch === ']') {
      reStr += ch;
      kind = 'regexp';
    } else {
      reStr += ch;
    }
  }
  if (kind !== 'regexp') return { kind, re: undefined };
  // Go's filepath.Match negates a class with `^` only when written as `[^`; `[!` is literal there too.
  return { kind, re: new RegExp(`${reStr}$`, 'u') };
}

function segmentRe(seg: string): RegExp | undefined {
  if (seg.includes('**')) return undefined;
  try {
    return compile(seg).re ?? new RegExp(`^${seg.replace(/[.+()|{}$^\\[\]]/g, (c) => `\\${c}`)}$`, 'u');
  } catch {
    return undefined;
  }
}

/** A compiled .dockerignore. `matches(path)` says whether a context path is excluded. */
export class IgnoreMatcher {
  readonly patterns: readonly Pattern[];
  readonly hasExceptions: boolean;

  constructor(lines: readonly string[], file = '.dockerignore') {
    const patterns: Pattern[] = [];
    for (let p of lines) {
      p = p.trim();
      if (p === '') continue;
      p = cleanPath(p);
      let exclusion = false;
      if (p.startsWith('!')) {
        if (p.length === 1) throw new EngineError('invalid_argument', `${file}: illegal exclusion pattern: "!"`);
        exclusion = true;
        p = p.slice(1);
      }
      let compiled: { kind: MatchKind; re: RegExp | undefined };
      try {
        compileGlob(p); // Docker checks a pattern's syntax with filepath.Match
        compiled = compile(p);
      } catch {
        throw new EngineError('invalid_argument', `${file}: syntax error in pattern: ${JSON.stringify(p)}`);
      }
      const dirs = p.split('/');
      patterns.push({ source: p, exclusion, cleaned: p, dirs, ...compiled, dirRes: dirs.map(segmentRe) });
    }
    this.patterns = patterns;
    this.hasExceptions = patterns.some((p) => p.exclusion);
  }

  static fromText(text: string, file = '.dockerignore'): IgnoreMatcher {
    return new IgnoreMatcher(readIgnoreFile(text), file);
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Is this slash path (relative to the context) excluded? Patterns matching a parent count (MatchesOrParentMatches). */
  matches(file: string): boolean {
    file = cleanPath(file);
    if (file === '.') return false; // the context root itself is never excluded
    const slash = file.lastIndexOf('/');
    const parentDirs = slash === -1 ? [] : file.slice(0, slash).split('/');
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      let m = matchOne(p, file);
      if (!m) {
        for (let i = 0; i < parentDirs.length && !m; i++) m = matchOne(p, parentDirs.slice(0, i + 1).join('/'));
      }
      if (m) matched = !p.exclusion;
    }
    return matched;
  }

  /**
   * Could an exception pattern re-include something below this excluded directory? When not,
   * a walk skips the whole tree (what keeps `node_modules` cheap).
   */
  mayIncludeBelow(dir: string): boolean {
    if (!this.hasExceptions) return false;
    const parts = cleanPath(dir).split('/');
    for (const p of this.patterns) {
      if (!p.exclusion) continue;
      // A pattern no deeper than dir decides dir and its contents alike (parent matching).
      if (p.dirs.length <= parts.length && !p.dirs.includes('**')) continue;
      let possible = true;
      for (let i = 0; i < parts.length && i < p.dirs.length; i++) {
        const re = p.dirRes[i];
        if (re === undefined) break; // `**` (or an odd class): anything may follow
        if (!re.test(parts[i]!)) {
          possible = false;
          break;
        }
      }
      if (possible) return true;
    }
    return false;
  }
}

function matchOne(p: Pattern, path: string): boolean {
  switch (p.kind) {
    case 'exact':
      return path === p.cleaned;
    case 'prefix':
      return path.startsWith(p.cleaned.slice(0, -2));
    case 'suffix': {
      const suffix = p.cleaned.slice(2);
      if (path.endsWith(suffix)) return true;
      return suffix.startsWith('/') && path === suffix.slice(1);
    }
    case 'regexp':
      return p.re!.test(path);
  }
}
