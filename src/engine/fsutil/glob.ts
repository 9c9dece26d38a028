// Go's filepath.Match on slash paths (Linux: `\` escapes), the one shell-pattern matcher of the
// engine (COPY sources; anything else that takes Docker's wildcards). Its rules, kept exactly:
//   *        any run of characters but "/"
//   ?        one character but "/"
//   [a-z0]   a class of ranges and characters, `[^...]` negated; a class may match "/" (Go's does)
//   \c       the character c, in a class too
// A malformed pattern (a trailing `\`, an unclosed or empty class, a range with a missing end,
// a bare `-` or `]` where a class character belongs) is refused when compiled, as Go reports
// ErrBadPattern for it whatever the name. Matching follows Go's order: after a `*`, the chunk up
// to the next `*` takes its first (leftmost) place and is never tried again further on, which
// differs from a regular expression only when a class matches "/". Like Go, it walks the
// name's UTF-8 bytes: a star skips byte by byte, `?` and a class take one character (an
// invalid byte is U+FFFD), a literal compares bytes.
import { EngineError } from '../define.js';

const SLASH = 0x2f;

type Item =
  | { readonly kind: 'byte'; readonly b: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: readonly (readonly [number, number])[] };

/** A run of items up to the next `*`, after a `*` or not. */
interface Chunk {
  readonly star: boolean;
  readonly items: readonly Item[];
}

/** Does s have a wildcard (`*`, `?`, `[`) or an escape, i.e. is it a pattern rather than a name? */
export function hasGlobMeta(s: string): boolean {
  return /[*?[\\]/.test(s);
}

function bad(pattern: string): EngineError {
  return new EngineError('invalid_argument', `syntax error in pattern: ${pattern}`);
}

function parse(pattern: string): Chunk[] {
  const cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  const chunks: Chunk[] = [];
  let items: Item[] = [];
  let star = false;
  let i = 0;
  const literal = (c: number) => {
    for (const b of Buffer.from(String.fromCodePoint(c), 'utf8')) items.push({ kind: 'byte', b });
  };
  const flush = () => {
    if (star || items.length > 0) chunks.push({ star, items });
    items = [];
    star = false;
  };
  /** One class character: not `-` or `]` bare, `\` takes the next; something must follow it. */
  const classChar = (): number => {
    let c = cps[i];
    if (c === undefined || c === 0x2d || c === 0x5d) throw bad(pattern);
    if (c === 0x5c) {
      c = cps[++i];
      if (c === undefined) throw bad(pattern);
    }
    i++;
    if (i >= cps.length) throw bad(pattern); // the class is never closed
    return c;
  };
  while (i < cps.length) {
    const c = cps[i]!;
    if (c === 0x2a) {
      // `*`: a new chunk begins (several stars are one)
      if (!star || items.length > 0) flush();
      star = true;
      i++;
    } else if (c === 0x3f) {
      items.push({ kind: 'any' });
      i++;
    } else if (c === 0x5b) {
      i++;
      const negated = cps[i] === 0x5e;
      if (negated) i++;
      const ranges: [number, number][] = [];
      for (;;) {
        if (cps[i] === 0x5d && ranges.length > 0) {
          i++;
          break;
        }
        const lo = classChar();
        let hi = lo;
        if (cps[i] === 0x2d) {
          i++;
          hi = classChar();
        }
        ranges.push([lo, hi]); // lo > hi is allowed: it matches nothing, as in Go
      }
      items.push({ kind: 'class', negated, ranges });
    } else if (c === 0x5c) {
      const next = cps[i + 1];
      if (next === undefined) throw bad(pattern);
      literal(next);
      i += 2;
    } else {
      literal(c);
      i++;
    }
  }
  flush();
  return chunks;
}

/** The character at `at` and its length in bytes, as Go's utf8.DecodeRune reads it. */
function decodeRune(b: Uint8Array, at: number): [number, number] {
  const b0 = b[at]!;
  if (b0 < 0x80) return [b0, 1];
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const x = b[at + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf && cont(1)) return [((b0 & 0x1f) << 6) | (b[at + 1]! & 0x3f), 2];
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const ok1 = b0 === 0xe0 ? cont(1, 0xa0) : b0 === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    if (ok1 && cont(2)) return [((b0 & 0x0f) << 12) | ((b[at + 1]! & 0x3f) << 6) | (b[at + 2]! & 0x3f), 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const ok1 = b0 === 0xf0 ? cont(1, 0x90) : b0 === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    if (ok1 && cont(2) && cont(3))
      return [((b0 & 0x07) << 18) | ((b[at + 1]! & 0x3f) << 12) | ((b[at + 2]! & 0x3f) << 6) | (b[at + 3]! & 0x3f), 4];
  }
  return [0xfffd, 1];
}

/** Where the chunk's items end when they match the name from byte `at` on, else -1. */
function matchChunkAt(items: readonly Item[], name: Uint8Array, at: number): number {
  let pos = at;
  for (const item of items) {
    if (pos >= name.length) return -1;
    if (item.kind === 'byte') {
      if (name[pos] !== item.b) return -1;
      pos++;
      continue;
    }
    if (item.kind === 'any' && name[pos] === SLASH) return -1;
    const [cp, n] = decodeRune(name, pos);
    if (item.kind === 'class' && item.ranges.some(([lo, hi]) => lo <= cp && cp <= hi) === item.negated) return -1;
    pos += n;
  }
  return pos;
}

/** A compiled pattern; `test(name)` says whether the whole name matches. */
export class Glob {
  readonly pattern: string;
  private readonly chunks: readonly Chunk[];

  /** Throws invalid_argument ("syntax error in pattern: ...") for a malformed pattern. */
  constructor(pattern: string) {
    this.pattern = pattern;
    this.chunks = parse(pattern);
  }

  test(name: string): boolean {
    const cps = Buffer.from(name, 'utf8');
    let pos = 0;
    for (let k = 0; k < this.chunks.length; k++) {
      const { star, items } = this.chunks[k]!;
      const last = k === this.chunks.length - 1;
      // A trailing `*` takes the rest of the name, if no "/" is in it.
      if (star && items.length === 0) return cps.indexOf(SLASH, pos) === -1;
      let end = matchChunkAt(items, cps, pos);
      // The last chunk must end the name; another may leave the rest to the chunks after it.
      if (end !== -1 && (!last || end === cps.length)) {
        pos = end;
        continue;
      }
      if (!star) return false;
      end = -1;
      // The star takes one more byte each time, never a "/".
      for (let from = pos; from < cps.length && cps[from] !== SLASH; from++) {
        const e = matchChunkAt(items, cps, from + 1);
        if (e !== -1 && (!last || e === cps.length)) {
          end = e;
          break;
        }
      }
      if (end === -1) return false;
      pos = end;
    }
    return pos === cps.length;
  }
}

export function compileGlob(pattern: string): Glob {
  return new Glob(pattern);
}

/** filepath.Match(pattern, name): throws for a malformed pattern, as Go returns ErrBadPattern. */
export function globMatch(pattern: string, name: string): boolean {
  return new Glob(pattern).test(name);
}
