// RUN --mount sources, resolved the way BuildKit does: a bind source is a path inside the
// context (default) or inside the `from=` stage's or image's rootfs, with `..` and symlinks,
// absolute or relative, evaluated against that root (fsutil/in-root.ts) — never on the host.
// What the runtime binds is never the context itself: a context source is copied into the
// build's scratch dir first (the context is another user's tree, which may change under us,
// and BuildKit too mounts its own snapshot of what the client sent), and a `rw` mount of a
// stage gets a throw-away copy, so the step's writes reach neither the context nor the host.
import {
  chmodSync,
  constants as fsConstants,
  copyFileSync,
  lchownSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { EngineError, throwIfAborted, type SourceRange } from '../define.js';
import { resolveInRoot } from '../fsutil/in-root.js';
import type { BuildContext } from './context.js';

/** `source` (as written in the mount) as a host path inside `root`; fails when it is not there. */
export function sourceInRoot(root: string, source: string, range: SourceRange): string {
  const inside = resolveInRoot(root, `/${source}`);
  if (inside === undefined) throw new EngineError('not_found', `RUN --mount source not found: ${source}`, { range });
  return join(root, inside);
}

/**
 * A copy of the context's `source` (after .dockerignore, symlinks resolved in the context) made
 * under `dest`, for a bind mount. Returns the path to bind: `dest` itself or the one file in it.
 */
export function snapshotContextSource(ctx: BuildContext, source: string, dest: string, range: SourceRange, signal?: AbortSignal): string {
  const inside = resolveInRoot(ctx.dir, `/${source}`);
  const rel = inside === undefined ? undefined : inside.slice(1);
  const top = rel === undefined ? undefined : rel === '' ? { type: 'dir' as const } : ctx.get(rel, signal);
  if (rel === undefined || top === undefined)
    throw new EngineError('not_found', `RUN --mount source not found: ${source} (missing, or excluded by .dockerignore)`, { range });
  if (top.type !== 'dir') {
    const file = join(dest, 'source');
    copyEntry(join(ctx.dir, rel), file, lstatSync(join(ctx.dir, rel)));
    return file;
  }
  copyEntry(join(ctx.dir, rel), dest, lstatSync(join(ctx.dir, rel)), true);
  const prefix = rel === '' ? '' : `${rel}/`;
  let n = 0;
  for (const e of ctx.entries(signal)) {
    if (!e.rel.startsWith(prefix) || e.rel === rel) continue;
    if (++n % 512 === 0) throwIfAborted(signal);
    const from = join(ctx.dir, e.rel);
    copyEntry(from, join(dest, e.rel.slice(prefix.length)), lstatSync(from));
  }
  fixDirTimes(join(ctx.dir, rel), dest);
  return dest;
}

/** A throw-away copy of `src` (a path inside a stage's read-only rootfs) under `dest`, for a `rw` mount. */
export function snapshotTree(src: string, dest: string, signal?: AbortSignal): string {
  const st = lstatSync(src);
  if (!st.isDirectory()) {
    const file = join(dest, 'source');
    copyEntry(src, file, st);
    return file;
  }
  let n = 0;
  const visit = (from: string, to: string, s: Stats, existing: boolean) => {
    if (++n % 512 === 0) throwIfAborted(signal);
    copyEntry(from, to, s, existing);
    if (!s.isDirectory()) return;
    for (const name of readdirSync(from)) visit(join(from, name), join(to, name), lstatSync(join(from, name)), false);
  };
  visit(src, dest, st, true);
  fixDirTimes(src, dest);
  return dest;
}

/** One entry, never followed: a symlink is copied as the link (the container resolves it in its own root). */
function copyEntry(from: string, to: string, st: Stats, existing = false): void {
  if (st.isDirectory()) {
    if (!existing) mkdirSync(to);
  } else if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(from), to);
  } else if (st.isFile()) {
    copyFileSync(from, to, fsConstants.COPYFILE_FICLONE);
  } else return; // devices, fifos, sockets: nothing a build reads through a bind mount
  lchownSync(to, st.uid, st.gid);
  if (!st.isSymbolicLink()) chmodSync(to, st.mode & 0o7777);
  lutimesSync(to, st.atime, st.mtime);
}

/** Directory mtimes, which the copies into them changed, set back from the source. */
function fixDirTimes(src: string, dest: string): void {
  const st = lstatSync(src);
  if (!st.isDirectory()) return;
  for (const name of readdirSync(dest)) {
    let s;
    try {
      s = lstatSync(join(src, name));
    } catch {
      continue;
    }
    if (s.isDirectory() && lstatSync(join(dest, name)).isDirectory()) fixDirTimes(join(src, name), join(dest, name));
  }
  lutimesSync(dest, st.atime, st.mtime);
}

/** Paths runc may create as mount points; those missing below must not end up in the layer. */
const runcMountPoints = [
  'proc',
  'sys',
  'dev',
  'dev/pts',
  'dev/shm',
  'dev/mqueue',
  'etc/hosts',
  'etc/resolv.conf',
  'etc/hostname',
  'run',
  'tmp',
];

/** Whether `rel` exists in one of the layers, each looked at as its own root (never the host's). */
function existsBelow(lowerDirs: readonly string[], rel: string): boolean {
  return lowerDirs.some((d) => resolveInRoot(d, `/${rel}`) !== undefined);
}

/** The mount points (and their missing parents) runc will create in the upper dir. */
export function mountStubs(lowerDirs: readonly string[], extra: readonly string[]): string[] {
  const all = [...runcMountPoints, ...extra.map((t) => t.replace(/^\/+/, ''))].filter((p) => p !== '');
  const out: string[] = [];
  for (const p of all) {
    // every missing ancestor too: runc makes the whole path
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      if (!existsBelow(lowerDirs, rel) && !out.includes(rel)) out.push(rel);
    }
  }
  return out;
}

/**
 * Removes mount points runc made (empty files or dirs that were not in the image), deepest
 * first. Only a path whose every part is a real directory in the upper dir is touched: the RUN
 * may have left a symlink on the way, which must not lead these removals onto the host.
 */
export function removeStubs(upper: string, stubs: readonly string[]): void {
  for (const rel of [...stubs].sort((a, b) => b.length - a.length)) {
    if (resolveInRoot(upper, `/${rel}`) !== `/${rel.split('/').filter(Boolean).join('/')}`) continue;
    const p = join(upper, rel);
    try {
      const st = lstatSync(p);
      if (st.isDirectory()) {
        if (readdirSync(p).length === 0) rmdirSync(p);
      } else if (st.isFile() && st.size === 0) unlinkSync(p);
    } catch {
      /* not there */
    }
  }
}
