// The build context: a directory, its .dockerignore, and the Dockerfile (which may live
// outside the context or come from stdin). The Dockerfile and .dockerignore always reach the
// builder — they are read directly — but .dockerignore can still keep them out of COPY.
import { lstatSync, readdirSync, readFileSync, statSync, type BigIntStats } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { EngineError, throwIfAborted } from '../define.js';
import { IgnoreMatcher } from './dockerignore.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

/** One path of the context that survived .dockerignore. */
export interface ContextEntry {
  /** Slash path relative to the context root, no leading `./`. */
  readonly rel: string;
  readonly type: EntryType;
  readonly mode: number; // permission bits and setuid/setgid/sticky
  readonly size: number;
  readonly mtimeNs: bigint;
  readonly ino: bigint;
  readonly dev: bigint;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
}

export interface BuildContext {
  readonly dir: string;
  readonly dockerfileText: string;
  /** For error ranges: the path as given, or "Dockerfile" for stdin. */
  readonly dockerfileName: string;
  readonly ignore: IgnoreMatcher;
  /** Every included path, sorted by rel (byte order), parents before children. Walked lazily, once. */
  entries(signal?: AbortSignal): readonly ContextEntry[];
  /** The entry at rel, or undefined when missing or excluded. */
  get(rel: string, signal?: AbortSignal): ContextEntry | undefined;
  /** The set of included paths when the context has been walked (for pruning caches), else undefined. */
  walkedPaths(): ReadonlySet<string> | undefined;
}

export interface LoadContextOptions {
  readonly context: string;
  /** A path (relative to the cwd), default CONTEXT/Dockerfile; "-" reads `dockerfileText`. */
  readonly dockerfile?: string;
  /** The Dockerfile's text when it comes from stdin. */
  readonly dockerfileText?: string;
}

export function loadContext(opts: LoadContextOptions): BuildContext {
  const dir = resolve(opts.context);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new EngineError('not_found', `build context not found: ${opts.context}`);
  }
  if (!st.isDirectory()) throw new EngineError('invalid_argument', `build context is not a directory: ${opts.context}`);

  let dockerfileText: string;
  let dockerfileName: string;
  if (opts.dockerfile === '-') {
    if (opts.dockerfileText === undefined) throw new EngineError('invalid_argument', 'Dockerfile from stdin: no text given');
    dockerfileText = opts.dockerfileText;
    dockerfileName = 'Dockerfile';
  } else {
    const path = opts.dockerfile === undefined ? join(dir, 'Dockerfile') : resolve(opts.dockerfile);
    dockerfileName = opts.dockerfile ?? join(opts.context, 'Dockerfile');
    try {
      dockerfileText = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new EngineError('not_found', `Dockerfile not found: ${path}`);
      if (code === 'EISDIR') throw new EngineError('invalid_argument', `Dockerfile is a directory: ${path}`);
      throw new EngineError('unavailable', `cannot read Dockerfile ${path}: ${(e as Error).message}`, { cause: e });
    }
  }

  let ignoreText = '';
  try {
    ignoreText = readFileSync(join(dir, '.dockerignore'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const ignore = IgnoreMatcher.fromText(ignoreText);

  let walked: ContextEntry[] | undefined;
  let byRel: Map<string, ContextEntry> | undefined;
  const entries = (signal?: AbortSignal): readonly ContextEntry[] => {
    if (!walked) {
      walked = walkContext(dir, ignore, signal);
      byRel = new Map(walked.map((e) => [e.rel, e]));
    }
    return walked;
  };
  return {
    dir,
    dockerfileText,
    dockerfileName,
    ignore,
    entries,
    get(rel, signal) {
      entries(signal);
      return byRel!.get(rel);
    },
    walkedPaths: () => (byRel ? new Set(byRel.keys()) : undefined),
  };
}

export function entryOf(rel: string, st: BigIntStats): ContextEntry {
  const fmt = Number(st.mode) & 0o170000;
  const type: EntryType = fmt === 0o100000 ? 'file' : fmt === 0o040000 ? 'dir' : fmt === 0o120000 ? 'symlink' : 'other';
  return {
    rel,
    type,
    mode: Number(st.mode) & 0o7777,
    size: Number(st.size),
    mtimeNs: st.mtimeNs,
    ino: st.ino,
    dev: st.dev,
    nlink: Number(st.nlink),
    uid: Number(st.uid),
    gid: Number(st.gid),
  };
}

/**
 * Walks the context in sorted order. An excluded directory is skipped whole unless an exception
 * pattern may re-include something below it; then it is walked and itself kept only as the
 * parent of what was re-included (as BuildKit's fsutil sends it).
 */
export function walkContext(dir: string, ignore: IgnoreMatcher, signal?: AbortSignal): ContextEntry[] {
  const out: ContextEntry[] = [];
  let count = 0;
  const visit = (relDir: string, absDir: string): void => {
    const names = readdirSync(absDir).sort(byteOrder);
    for (const name of names) {
      if (++count % 2048 === 0) throwIfAborted(signal);
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      const abs = join(absDir, name);
      const st = lstatSync(abs, { bigint: true });
      const excluded = !ignore.empty && ignore.matches(rel);
      const isDir = st.isDirectory();
      if (!excluded) {
        out.push(entryOf(rel, st));
        if (isDir) visit(rel, abs);
        continue;
      }
      if (isDir && ignore.mayIncludeBelow(rel)) {
        const at = out.length;
        visit(rel, abs);
        if (out.length > at) out.splice(at, 0, entryOf(rel, st));
      }
    }
  };
  visit('', dir);
  return out;
}

/**
 * Go compares strings by bytes, and so orders BuildKit's walk. UTF-16 code-unit order agrees with
 * UTF-8 byte order except between astral and U+E000–U+FFFF characters, so compare bytes only then.
 */
export function byteOrder(a: string, b: string): number {
  if (/[\uD800-\uFFFF]/.test(a) || /[\uD800-\uFFFF]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Is `p` inside the context once resolved (no `..` escape)? Returns the cleaned slash path. */
export function contextRel(p: string): string {
  const rel = relative('/', resolve('/', p));
  if (isAbsolute(rel)) throw new EngineError('invalid_argument', `path escapes the context: ${p}`);
  return rel;
}
