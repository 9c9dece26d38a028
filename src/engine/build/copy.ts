// COPY and ADD with Docker's semantics, into a fresh upper dir that then becomes the step's
// layer: wildcards (Go's filepath.Match, per path component), a directory copies its contents,
// a trailing slash (or an existing directory, or several sources) makes the destination a
// directory, top-level symlinks are followed, --chown/--chmod, --exclude, ADD of a local tar
// extracted. Parent directories that already exist below keep their owner, mode and mtime.
import {
  chmodSync,
  closeSync,
  constants as fsConstants,
  copyFileSync,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { copyFile } from '../util/fsa.js';
import { join, posix } from 'node:path';
import { EngineError, throwIfAborted, type SourceRange } from '../define.js';
import { resolveInRoot } from '../fsutil/in-root.js';
import type { Chmod } from './chmod.js';
import { byteOrder, entryOf, walkContext, type ContextEntry } from './context.js';
import { IgnoreMatcher } from './dockerignore.js';
import { compileGlob, hasGlobMeta as hasMeta } from '../fsutil/glob.js';

/** Where COPY reads from: the build context (already filtered by .dockerignore) or a stage's or image's root. */
export interface SourceTree {
  readonly dir: string;
  entries(signal?: AbortSignal): readonly ContextEntry[];
  get(rel: string, signal?: AbortSignal): ContextEntry | undefined;
}

/** One item to copy: where it is in the source tree and its path below the source it came from. */
export interface SelectedItem {
  readonly name: string; // '' for the source itself
  readonly entry: ContextEntry;
}

export interface Selection {
  /** The source as written (after expansion), e.g. "src/*.js". */
  readonly pattern: string;
  /** The matched path, symlinks at the top followed. */
  readonly rel: string;
  readonly entry: ContextEntry;
  /** The entry itself first, then (for a directory) everything below it, sorted. */
  readonly items: readonly SelectedItem[];
}

/** A tree over a plain directory (a stage's or image's root), walked only under `bases`. */
export function dirTree(dir: string, bases: readonly string[]): SourceTree {
  let list: ContextEntry[] | undefined;
  let byRel: Map<string, ContextEntry> | undefined;
  const none = new IgnoreMatcher([]);
  const load = (signal?: AbortSignal) => {
    if (list) return list;
    const seen = new Map<string, ContextEntry>();
    for (const raw of bases) {
      // Walk from the longest wildcard-free prefix of each source, its parents resolved in the root.
      const b = sourceInTree(dir, raw);
      if (b === undefined) continue;
      const parts = b.split('/').filter(Boolean);
      const fixed: string[] = [];
      for (const p of parts) {
        if (hasMeta(p)) break;
        fixed.push(p);
      }
      const base = fixed.join('/');
      for (let i = 1; i <= fixed.length; i++) {
        const rel = fixed.slice(0, i).join('/');
        try {
          seen.set(rel, entryOf(rel, lstatSync(join(dir, rel), { bigint: true })));
        } catch {
          break;
        }
      }
      let st;
      try {
        st = lstatSync(join(dir, base));
      } catch {
        continue;
      }
      if (!st.isDirectory()) continue;
      for (const e of walkContext(join(dir, base), none, signal)) {
        const rel = base === '' ? e.rel : `${base}/${e.rel}`;
        seen.set(rel, { ...e, rel });
      }
    }
    list = [...seen.values()].sort((a, b) => byteOrder(a.rel, b.rel));
    byRel = seen;
    return list;
  };
  return {
    dir,
    entries: load,
    get(rel, signal) {
      load(signal);
      return byRel!.get(rel);
    },
  };
}

/** Follows a symlink inside the tree as if the tree were `/` (chroot semantics). */
function follow(tree: SourceTree, e: ContextEntry, signal?: AbortSignal): ContextEntry | undefined {
  const inside = resolveInRoot(tree.dir, `/${e.rel}`);
  return inside === undefined || inside === '/' ? undefined : tree.get(inside.slice(1), signal);
}

/**
 * A source (normalized, relative) with the directories above its last fixed part resolved
 * inside `dir` (BuildKit follows symlinks on the way, in the source's root): `link/f` with
 * `link -> /etc` is `etc/f` of the tree, never the host's. Undefined when those parts are not
 * there. The last part stays as written: a symlink there is followed by `follow`.
 */
export function sourceInTree(dir: string, clean: string): string | undefined {
  const parts = clean.split('/').filter(Boolean);
  let fixed = parts.findIndex(hasMeta);
  if (fixed === -1) fixed = parts.length - 1;
  if (fixed <= 0) return parts.join('/');
  const parent = resolveInRoot(dir, `/${parts.slice(0, fixed).join('/')}`);
  if (parent === undefined) return undefined;
  return [...parent.split('/').filter(Boolean), ...parts.slice(fixed)].join('/');
}

/**
 * Resolves the sources of a COPY against a tree. A missing source, or a wildcard matching
 * nothing, is an error that names it (with the instruction's range).
 */
export function selectSources(
  tree: SourceTree,
  sources: readonly string[],
  opts: { exclude?: readonly string[]; range?: SourceRange; signal?: AbortSignal } = {},
): Selection[] {
  const exclude = opts.exclude && opts.exclude.length > 0 ? new IgnoreMatcher([...opts.exclude]) : undefined;
  const out: Selection[] = [];
  for (const raw of sources) {
    const clean = posix.normalize(`/${raw}`).slice(1).replace(/\/$/, '');
    if (clean.startsWith('..'))
      throw new EngineError('invalid_argument', `COPY source escapes the context: ${raw}`, opts.range ? { range: opts.range } : {});
    let matched: ContextEntry[];
    const inTree = clean === '' || clean === '.' ? clean : sourceInTree(tree.dir, clean);
    if (inTree === undefined) {
      matched = [];
    } else if (inTree === '' || inTree === '.') {
      matched = [rootEntry(tree)];
    } else if (hasMeta(inTree)) {
      const re = compileGlob(inTree);
      matched = tree.entries(opts.signal).filter((e) => re.test(e.rel));
    } else {
      const e = tree.get(inTree, opts.signal);
      matched = e ? [e] : [];
    }
    if (matched.length === 0) {
      throw new EngineError(
        'not_found',
        `COPY source not found: "${raw}" (missing, or excluded by .dockerignore)`,
        opts.range ? { range: opts.range } : {},
      );
    }
    for (const m of matched) {
      const e = m.type === 'symlink' ? follow(tree, m, opts.signal) : m;
      if (!e) throw new EngineError('not_found', `COPY source "${m.rel}" is a dangling symlink`, opts.range ? { range: opts.range } : {});
      const items: SelectedItem[] = [{ name: '', entry: e }];
      if (e.type === 'dir') {
        const prefix = e.rel === '' ? '' : `${e.rel}/`;
        for (const c of tree.entries(opts.signal)) {
          if (e.rel !== '' && !c.rel.startsWith(prefix)) continue;
          if (c.rel === e.rel) continue;
          const name = c.rel.slice(prefix.length);
          if (exclude?.matches(name)) continue;
          items.push({ name, entry: c });
        }
      }
      out.push({ pattern: raw, rel: e.rel, entry: e, items });
    }
  }
  return out;
}

function rootEntry(tree: SourceTree): ContextEntry {
  const st = lstatSync(tree.dir, { bigint: true });
  return { ...entryOf('', st) };
}

export interface CopyOptions {
  /** Absolute destination in the image, as written (a trailing slash kept). */
  readonly dest: string;
  /** The parent state's merged root, to see what exists already (undefined: empty image). */
  readonly parentRoot: string | undefined;
  readonly chown?: { uid: number; gid: number };
  /** --chmod: the mode for an entry from its source mode (octal or symbolic, see chmod.ts). */
  readonly chmod?: Chmod;
  /** Keep the source's owners (COPY --from); the context's files become 0:0. */
  readonly keepOwners: boolean;
  /** ADD: extract local tar archives into the destination. */
  readonly extractArchives: boolean;
  readonly range?: SourceRange;
  readonly signal?: AbortSignal;
  /**
   * A file already in the store identical to what this copy would write at `destPath` (same
   * content, mode, owner and mtime), to hardlink instead of copying. Store layers are never
   * written to, so sharing their inodes is safe, and a rebuild after a one-file change then
   * creates one file instead of thousands.
   */
  readonly reuse?: (destPath: string, e: ContextEntry) => string | undefined;
  /** Told of every entry the copy makes (written or not), with its path in the image and owner. */
  readonly onEntry?: (destPath: string, e: ContextEntry, owner: { uid: number; gid: number }) => void;
  /** Work out the entries (onEntry) without writing anything. */
  readonly dryRun?: boolean;
  /** Write only these image paths (a delta over an earlier copy); the rest is only reported. */
  readonly only?: ReadonlySet<string>;
  /**
   * A regular file's content already in memory (read when it was hashed), to write instead of
   * copying the file: one read of each file for the whole build.
   */
  readonly contentOf?: (e: ContextEntry) => Buffer | undefined;
  /** Filled with each image path whose file was written from memory, and that content (for the layer). */
  readonly written?: Map<string, Buffer>;
}

/** Copies the selections into `upper` (an empty dir standing for `/`). Returns the number of entries written. */
export async function copyInto(upper: string, tree: SourceTree, selections: readonly Selection[], opts: CopyOptions): Promise<number> {
  const destSlash = opts.dest.endsWith('/');
  const dest = posix.normalize(opts.dest).replace(/\/$/, '') || '/';
  const destExistingDir = isDir(opts.parentRoot, dest);
  if (new Set(selections.map((s) => s.pattern)).size > 1 && !destSlash) {
    throw new EngineError(
      'invalid_argument',
      'when using COPY with more than one source file, the destination must be a directory and end with a /',
      opts.range ? { range: opts.range } : {},
    );
  }
  const intoDir = destSlash || destExistingDir || selections.length > 1;
  let count = 0;
  const owner = (e: ContextEntry) => opts.chown ?? (opts.keepOwners ? { uid: e.uid, gid: e.gid } : { uid: 0, gid: 0 });

  const dry = opts.dryRun === true;
  const skip = (destPath: string) => dry || (opts.only !== undefined && !opts.only.has(destPath));
  for (const sel of selections) {
    throwIfAborted(opts.signal);
    if (sel.entry.type === 'dir') {
      if (!dry)
        ensureDirs(upper, opts.parentRoot, dest, opts.chown, { mode: sel.entry.mode, ...owner(sel.entry), mtimeNs: sel.entry.mtimeNs });
      opts.onEntry?.(dest, sel.entry, owner(sel.entry));
      const dirs: SelectedItem[] = [];
      const files: FileJob[] = [];
      for (const it of sel.items) {
        if (it.name === '') continue;
        if (++count % 512 === 0) throwIfAborted(opts.signal);
        const destPath = posix.join(dest, it.name);
        opts.onEntry?.(destPath, it.entry, owner(it.entry));
        if (skip(destPath)) continue;
        const target = join(upper, destPath);
        opts.written?.delete(destPath);
        const from = it.entry.type === 'file' ? opts.reuse?.(destPath, it.entry) : undefined;
        if (from !== undefined && linkInto(from, target)) continue;
        if (it.entry.type === 'file') {
          const data = opts.contentOf?.(it.entry);
          files.push({ src: join(tree.dir, it.entry.rel), dst: target, e: it.entry, owner: owner(it.entry), ...(data ? { data } : {}) });
          if (data) opts.written?.set(destPath, data);
        } else copyOne(join(tree.dir, it.entry.rel), target, it.entry, owner(it.entry), opts.chmod);
        if (it.entry.type === 'dir') dirs.push(it);
      }
      if (dry) continue;
      await copyFiles(files.splice(0), opts.chmod, opts.signal);
      // Directory mtimes last: writing their children moved them.
      for (let i = dirs.length - 1; i >= 0; i--) setTimes(join(upper, dest, dirs[i]!.name), dirs[i]!.entry.mtimeNs, false);
      setTimes(join(upper, dest), sel.entry.mtimeNs, false);
      continue;
    }
    const base = posix.basename(sel.rel);
    if (opts.extractArchives && sel.entry.type === 'file' && isArchive(join(tree.dir, sel.rel))) {
      if (dry) continue;
      ensureDirs(upper, opts.parentRoot, dest, opts.chown);
      await extractArchive(join(tree.dir, sel.rel), join(upper, dest), opts.signal);
      count++;
      continue;
    }
    const targetPath = intoDir ? posix.join(dest, base) : dest;
    opts.onEntry?.(targetPath, sel.entry, owner(sel.entry));
    if (skip(targetPath)) continue;
    ensureDirs(upper, opts.parentRoot, posix.dirname(targetPath), opts.chown);
    opts.written?.delete(targetPath);
    const from = sel.entry.type === 'file' ? opts.reuse?.(targetPath, sel.entry) : undefined;
    if (from === undefined || !linkInto(from, join(upper, targetPath)))
      copyOne(join(tree.dir, sel.rel), join(upper, targetPath), sel.entry, owner(sel.entry), opts.chmod);
    count++;
  }
  return count;
}

function isDir(root: string | undefined, p: string): boolean {
  if (!root) return false;
  try {
    return lstatSync(join(root, p)).isDirectory();
  } catch {
    return false;
  }
}

function setTimes(p: string, mtimeNs: bigint, link: boolean): void {
  const t = Number(mtimeNs / 1000n) / 1e6;
  if (link) lutimesSync(p, t, t);
  else utimesSync(p, t, t);
}

/**
 * Creates `dir` and its parents in the upper dir. A parent that exists in the image keeps its
 * owner, mode and mtime there (so the layer does not change it); a new one is 0755, owned by
 * --chown's user when given. `self` gives the metadata for `dir` itself when it is new.
 */
function ensureDirs(
  upper: string,
  parentRoot: string | undefined,
  dir: string,
  chown: { uid: number; gid: number } | undefined,
  self?: { mode: number; uid: number; gid: number; mtimeNs: bigint },
): void {
  const parts = dir.split('/').filter(Boolean);
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    cur += `/${parts[i]!}`;
    const up = join(upper, cur);
    let have: Stats | undefined;
    try {
      have = lstatSync(up);
    } catch {
      /* not made yet */
    }
    if (have) {
      if (!have.isDirectory()) throw new EngineError('failed_precondition', `cannot copy to ${dir}: ${cur} is not a directory`);
      continue;
    }
    let below: Stats | undefined;
    if (parentRoot) {
      try {
        below = lstatSync(join(parentRoot, cur));
      } catch {
        /* new */
      }
    }
    mkdirSync(up);
    if (below && below.isDirectory()) {
      chmodSync(up, below.mode & 0o7777);
      lchownSync(up, below.uid, below.gid);
      utimesSync(up, below.atime, below.mtime);
    } else if (below) {
      throw new EngineError('failed_precondition', `cannot copy to ${dir}: ${cur} is not a directory in the image`);
    } else if (i === parts.length - 1 && self) {
      chmodSync(up, self.mode);
      lchownSync(up, chown?.uid ?? self.uid, chown?.gid ?? self.gid);
    } else {
      chmodSync(up, 0o755);
      if (chown) lchownSync(up, chown.uid, chown.gid);
    }
  }
}

function copyOne(src: string, dst: string, e: ContextEntry, owner: { uid: number; gid: number }, chmod: Chmod | undefined): void {
  switch (e.type) {
    case 'dir': {
      let exists = false;
      try {
        exists = lstatSync(dst).isDirectory();
      } catch {
        /* new */
      }
      if (!exists) {
        rmSync(dst, { force: true });
        mkdirSync(dst);
      }
      chmodSync(dst, chmod ? chmod(e.mode & 0o7777, true) : e.mode);
      if (owner.uid !== 0 || owner.gid !== 0) lchownSync(dst, owner.uid, owner.gid);
      return;
    }
    case 'file': {
      try {
        copyFileSync(src, dst, fsConstants.COPYFILE_EXCL);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // an earlier source of the same COPY wrote here: the later one wins
        rmSync(dst, { force: true, recursive: true });
        copyFileSync(src, dst);
      }
      // copyFile carries the mode; only an explicit --chmod or setuid bits need a chmod.
      if (chmod !== undefined || e.mode & 0o7000) chmodSync(dst, chmod ? chmod(e.mode & 0o7777, false) : e.mode);
      if (owner.uid !== 0 || owner.gid !== 0) lchownSync(dst, owner.uid, owner.gid);
      setTimes(dst, e.mtimeNs, false);
      return;
    }
    case 'symlink': {
      rmSync(dst, { force: true, recursive: true });
      symlinkSync(readlinkSync(src), dst);
      if (owner.uid !== 0 || owner.gid !== 0) lchownSync(dst, owner.uid, owner.gid);
      setTimes(dst, e.mtimeNs, true);
      return;
    }
    case 'other':
      return; // sockets, fifos and devices in a context are not copied (as BuildKit's fsutil skips them)
  }
}

interface FileJob {
  readonly src: string;
  readonly dst: string;
  readonly e: ContextEntry;
  readonly owner: { uid: number; gid: number };
  /** The content, when it is in memory already. */
  readonly data?: Buffer;
}

/**
 * Writes a file from memory as the copy below leaves it (mode, then owner, then mtime, in that
 * order, so the layer is the same either way), on this thread: five system calls for a small
 * file and no thread pool round trip (measured: as fast as four copies at once on the pool,
 * with less CPU).
 */
function writeFromMemory(j: FileJob, chmod: Chmod | undefined): void {
  const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(j.dst, flags, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // an earlier source of the same COPY wrote here: the later one wins
    rmSync(j.dst, { force: true, recursive: true });
    fd = openSync(j.dst, flags, 0o600);
  }
  try {
    for (let off = 0; off < j.data!.length; ) off += writeSync(fd, j.data!, off);
    fchmodSync(fd, chmod ? chmod(j.e.mode & 0o7777, false) : j.e.mode & 0o7777);
    if (j.owner.uid !== 0 || j.owner.gid !== 0) fchownSync(fd, j.owner.uid, j.owner.gid);
    const t = Number(j.e.mtimeNs / 1000n) / 1e6;
    futimesSync(fd, t, t);
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies regular files 4 at a time on the thread pool: creating files is what a cold COPY
 * waits on, and the filesystem takes several creations at once about twice as fast.
 */
async function copyFiles(jobs: readonly FileJob[], chmod: Chmod | undefined, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      throwIfAborted(signal);
      const j = jobs[next++]!;
      if (j.data) {
        writeFromMemory(j, chmod);
        continue;
      }
      try {
        await copyFile(j.src, j.dst, fsConstants.COPYFILE_EXCL);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        rmSync(j.dst, { force: true, recursive: true });
        await copyFile(j.src, j.dst);
      }
      if (chmod !== undefined || j.e.mode & 0o7000) chmodSync(j.dst, chmod ? chmod(j.e.mode & 0o7777, false) : j.e.mode);
      if (j.owner.uid !== 0 || j.owner.gid !== 0) lchownSync(j.dst, j.owner.uid, j.owner.gid);
      setTimes(j.dst, j.e.mtimeNs, false);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, jobs.length) }, worker));
}

/** Hardlinks a stored file into the upper dir; false when that cannot be done (then copy). */
function linkInto(from: string, dst: string): boolean {
  try {
    linkSync(from, dst);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      rmSync(dst, { force: true, recursive: true });
      return linkInto(from, dst);
    }
    return false;
  }
}

/** Does the file start like a tar, gzip, bzip2 or xz stream? (ADD's auto-extraction test.) */
export function isArchive(path: string): boolean {
  const b = Buffer.alloc(512);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, b, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 2 && b[0] === 0x1f && b[1] === 0x8b) return true;
  if (n >= 3 && b.toString('latin1', 0, 3) === 'BZh') return true;
  if (n >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
  return n >= 262 && b.toString('latin1', 257, 262) === 'ustar';
}

async function extractArchive(file: string, destDir: string, signal?: AbortSignal): Promise<void> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(
      'tar',
      ['-x', '--numeric-owner', '--same-permissions', '-f', file, '-C', destDir],
      { ...(signal ? { signal } : {}), maxBuffer: 1 << 20 },
      (err, _out, stderr) => {
        if (!err) return resolve();
        if (signal?.aborted) return reject(new EngineError('canceled', 'canceled'));
        reject(
          new EngineError(
            'invalid_argument',
            `ADD: cannot extract ${posix.basename(file)}: ${String(stderr).trim().split('\n')[0] ?? err.message}`,
          ),
        );
      },
    );
  });
}

/** Writes an in-memory file (a heredoc, a downloaded URL) into the upper dir. */
export function writeDataFile(
  upper: string,
  parentRoot: string | undefined,
  path: string,
  data: Buffer | string,
  opts: { mode: number; chown?: { uid: number; gid: number }; mtime?: Date },
): void {
  ensureDirs(upper, parentRoot, posix.dirname(path), opts.chown);
  const p = join(upper, path);
  rmSync(p, { force: true, recursive: true });
  writeFileSync(p, data, { mode: opts.mode });
  chmodSync(p, opts.mode);
  if (opts.chown) lchownSync(p, opts.chown.uid, opts.chown.gid);
  if (opts.mtime) utimesSync(p, opts.mtime, opts.mtime);
}
