// `docker cp` both ways, with Docker's archive semantics (moby's pkg/archive CopyInfo rules):
// SRC a file → DEST a file, or into DEST when it is a directory; SRC a directory → DEST created
// with its content, or SRC copied into an existing DEST directory; SRC ending in "/." copies its
// content. Container paths are resolved inside the container's root (fsutil/in-root.ts): the
// running container's own view through /proc/PID/root (volumes and binds included), a stopped
// one's overlay mounted for the copy. Every symlink met in the container is resolved inside
// its root; a link is copied as a link, never followed (SRC itself with -L). Files written into
// the container replace what was there (a link at the destination is removed, not followed),
// are created with O_NOFOLLOW|O_EXCL and owned by root, or by the source's owner with -a.
import { closeSync, constants as fsc, fstatSync, lstatSync, readlinkSync } from 'node:fs';
import { chmod, lchown, lstat, mkdir, open, readdir, readlink, realpath, rmdir, stat, symlink, unlink, utimes } from '../util/fsa.js';
import type { Stats } from 'node:fs';
import { basename, dirname, join, posix, relative } from 'node:path';
import { EngineError } from '../define.js';
import { fdPath, pinDir, pinEntry, resolveInRoot } from '../fsutil/in-root.js';

export interface CopyOptions {
  /** -a: keep the source's uid/gid (otherwise root in the container, the caller on the host). */
  readonly archive?: boolean;
  /** -L: follow SRC_PATH when it is a symlink. */
  readonly followLink?: boolean;
}

interface Side {
  /** Host path of the entry (no symlink on the way), or undefined when it does not exist. */
  readonly path: string | undefined;
  /** Where it would be created: its parent's host path. */
  readonly parent: string | undefined;
  readonly name: string;
}

/** A container path resolved inside `root`: its parent followed, its last component not (unless follow). */
export function inContainer(root: string, p: string, follow = false): Side {
  const norm = posix.normalize(p.startsWith('/') ? p : `/${p}`);
  if (norm === '/') return { path: root, parent: root, name: '' };
  let name = posix.basename(norm);
  let parentIn = resolveInRoot(root, posix.dirname(norm));
  // With `follow`, a link at the end is followed inside the root, a dangling one too (docker cp
  // writes to what a destination link names): its target's parent resolved, its name kept.
  for (let hops = 0; follow && parentIn !== undefined && hops < 40; hops++) {
    const host = join(root, parentIn, name);
    let target: string;
    try {
      if (!lstatSync(host).isSymbolicLink()) break;
      target = readlinkSync(host);
    } catch {
      break;
    }
    const next = posix.normalize(target.startsWith('/') ? target : posix.join(parentIn, target));
    if (next === '/') return { path: root, parent: root, name: '' };
    name = posix.basename(next);
    parentIn = resolveInRoot(root, posix.dirname(next));
  }
  if (parentIn === undefined) return { path: undefined, parent: undefined, name };
  const host = join(root, parentIn, name);
  let present = true;
  try {
    lstatSync(host);
  } catch {
    present = false;
  }
  return { path: present ? host : undefined, parent: join(root, parentIn), name };
}

const exists = (p: string) =>
  lstat(p).then(
    (s) => s,
    () => undefined,
  );

/** Docker's destination rules, on either side: where SRC's copy goes. */
async function target(src: Stats, srcPath: string, contentsOnly: boolean, dest: Side, destRaw: string): Promise<string> {
  const trailing = destRaw.endsWith('/') || destRaw.endsWith('/.');
  const st = dest.path ? await stat(dest.path).catch(() => undefined) : undefined;
  const dstIsDir = !!dest.path && !!st?.isDirectory() && !(await exists(dest.path))!.isSymbolicLink();
  if (dest.path && (await exists(dest.path))) {
    if (dstIsDir) return src.isDirectory() && contentsOnly ? dest.path : join(dest.path, basename(srcPath));
    if (src.isDirectory()) throw new EngineError('invalid_argument', 'cannot copy a directory to a file');
    if (trailing) throw new EngineError('invalid_argument', `destination "${destRaw}" must be a directory`);
    return dest.path;
  }
  if (!dest.parent || !(await stat(dest.parent).catch(() => undefined))?.isDirectory())
    throw new EngineError('not_found', `no such directory: ${posix.dirname(destRaw.replace(/\/+$/, '')) || '/'}`);
  if (trailing && !src.isDirectory()) throw new EngineError('not_found', `no such directory: ${destRaw}`);
  return join(dest.parent, dest.name);
}

interface Owner {
  readonly owner?: { uid: number; gid: number };
  readonly keepOwner: boolean;
}

const ownerOf = (st: Stats, o: Owner) => ({
  uid: o.keepOwner ? st.uid : (o.owner?.uid ?? st.uid),
  gid: o.keepOwner ? st.gid : (o.owner?.gid ?? st.gid),
});

/** Removes what a pinned path names (a directory's content through pinned descriptors). */
async function removeTree(path: string, st: Stats): Promise<void> {
  if (!st.isDirectory()) return unlink(path);
  const fd = pinEntry(path);
  try {
    for (const n of await readdir(fdPath(fd))) {
      const c = await exists(fdPath(fd, n));
      if (c) await removeTree(fdPath(fd, n), c);
    }
  } finally {
    closeSync(fd);
  }
  await rmdir(path);
}

/**
 * Copies one tree. `from` and `to` are pinned paths (fsutil/in-root.ts's pinDir: a descriptor's
 * directory and one name, never followed), and each directory is walked through a descriptor of
 * its own: a directory swapped for a link by a container meanwhile fails the copy, it is never
 * followed onto the host, on either side. What is in the way at the destination is removed,
 * unless both are directories (then merged).
 */
async function copyTree(from: string, to: string, opts: Owner): Promise<void> {
  const st = await lstat(from);
  const old = await exists(to);
  if (old && (!st.isDirectory() || !old.isDirectory())) await removeTree(to, old);
  if (st.isDirectory()) {
    if (!old?.isDirectory()) await mkdir(to, { mode: 0o700 });
    const src = pinEntry(from);
    try {
      const dst = pinEntry(to);
      try {
        const s = fstatSync(src);
        for (const n of await readdir(fdPath(src))) await copyTree(fdPath(src, n), fdPath(dst, n), opts);
        const o = ownerOf(s, opts);
        await lchown(fdPath(dst), o.uid, o.gid).catch(() => undefined);
        await chmod(fdPath(dst), s.mode & 0o7777);
        await utimes(fdPath(dst), s.atime, s.mtime);
      } finally {
        closeSync(dst);
      }
    } finally {
      closeSync(src);
    }
  } else if (st.isSymbolicLink()) {
    const linkname = await readlink(from).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EINVAL') throw e;
      throw new EngineError('conflict', 'a link became a directory while dockui copied it');
    });
    await symlink(linkname, to);
    const o = ownerOf(st, opts);
    await lchown(to, o.uid, o.gid).catch(() => undefined);
  } else if (st.isFile()) {
    // O_NOFOLLOW on both ends: a link swapped in meanwhile fails the copy, it is never followed.
    const src = await open(from, fsc.O_RDONLY | fsc.O_NOFOLLOW);
    try {
      const s = await src.stat();
      const dst = await open(to, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
      try {
        const buf = Buffer.allocUnsafe(1 << 20);
        for (;;) {
          const { bytesRead } = await src.read(buf, 0, buf.length, null);
          if (!bytesRead) break;
          await dst.write(buf, 0, bytesRead);
        }
        const o = ownerOf(s, opts);
        await dst.chown(o.uid, o.gid);
        await dst.chmod(s.mode & 0o7777);
        await dst.utimes(s.atime, s.mtime);
      } finally {
        await dst.close();
      }
    } finally {
      await src.close();
    }
  }
  // sockets, devices, fifos: skipped, as a file system copy of a running container's would
}

/** A path with its parent pinned (fsutil/in-root.ts): `close` frees the descriptor. */
export interface Pinned {
  readonly path: string;
  close(): void;
}

/**
 * `host` (a host path below `root` with no link on its way, as inContainer gives it) pinned:
 * its parent opened component by component from the root, its name left unfollowed. With root
 * '' (the caller's own side) the parent is opened as the caller's links lead.
 */
export function pin(root: string, host: string): Pinned {
  const within = root === '' ? '' : relative(root, host);
  if (root !== '' && (within === '' || within === '.')) {
    const fd = pinDir(root);
    return { path: fdPath(fd), close: () => closeSync(fd) };
  }
  const fd = root === '' ? pinDir(dirname(host)) : pinDir(root, posix.dirname(within));
  return { path: fdPath(fd, basename(host)), close: () => closeSync(fd) };
}

/** copyTree, and on a failure the destination removed again unless it was there before (nothing half-copied left). */
async function copyNew(from: string, to: string, opts: Owner): Promise<void> {
  if (await exists(to)) return copyTree(from, to, opts);
  try {
    await copyTree(from, to, opts);
  } catch (e) {
    const made = await exists(to);
    if (made) await removeTree(to, made).catch(() => undefined);
    throw e;
  }
}

/** `fn` with each of `hosts` pinned (see pin), the descriptors closed after. */
async function pinned<T>(sides: readonly [string, string][], fn: (...paths: string[]) => Promise<T>): Promise<T> {
  const held: Pinned[] = [];
  try {
    for (const [root, host] of sides) held.push(pin(root, host));
    return await fn(...held.map((p) => p.path));
  } finally {
    for (const p of held) p.close();
  }
}

/** The source side: its host path and stat, Docker's "Could not find the file" when missing. */
async function source(path: string | undefined, raw: string, where: string): Promise<{ path: string; st: Stats; contentsOnly: boolean }> {
  if (!path) throw new EngineError('not_found', `Could not find the file ${raw} in ${where}`);
  const st = await lstat(path).catch(() => undefined);
  if (!st) throw new EngineError('not_found', `Could not find the file ${raw} in ${where}`);
  const contentsOnly = /(^|\/)\.$/.test(raw);
  if (contentsOnly && !st.isDirectory()) throw new EngineError('invalid_argument', `${raw}: not a directory`);
  return { path, st, contentsOnly };
}

/** container → host. */
export async function copyOut(root: string, ctrPath: string, hostDest: string, name: string, opts: CopyOptions = {}): Promise<void> {
  const src = await source(inContainer(root, ctrPath, opts.followLink).path, ctrPath, `container ${name}`);
  const abs = hostDest.startsWith('/') ? hostDest : join(process.cwd(), hostDest);
  const dest: Side = { path: (await exists(abs)) ? abs : undefined, parent: dirname(abs), name: basename(abs) };
  const to = await target(src.st, ctrPath.replace(/\/\.$/, ''), src.contentsOnly, dest, hostDest);
  const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const o = { owner, keepOwner: !!opts.archive };
  if (src.contentsOnly) {
    if (await exists(to)) return contents(root, src.path, '', to, o);
    await mkdir(to, { mode: src.st.mode & 0o7777 });
    return contents(root, src.path, '', to, o).catch(async (e: unknown) => {
      await pinned([['', to]], (t) => removeTree(t, lstatSync(t))).catch(() => undefined);
      throw e;
    });
  }
  return pinned(
    [
      [root, src.path],
      ['', to],
    ],
    (from, dst) => copyNew(from, dst, o),
  );
}

/** Copies the content of the directory `from` (on `fromRoot`'s side) into the directory `to`. */
async function contents(fromRoot: string, from: string, toRoot: string, to: string, o: Owner): Promise<void> {
  await pinned(
    [
      [fromRoot, from],
      [toRoot, to],
    ],
    async (f, t) => {
      const src = pinEntry(f);
      try {
        const dst = pinEntry(t);
        try {
          for (const n of await readdir(fdPath(src))) await copyNew(fdPath(src, n), fdPath(dst, n), o);
        } finally {
          closeSync(dst);
        }
      } finally {
        closeSync(src);
      }
    },
  );
}

/** host → container. */
export async function copyIn(root: string, hostSrc: string, ctrPath: string, opts: CopyOptions = {}): Promise<void> {
  const abs = hostSrc.startsWith('/') ? hostSrc : join(process.cwd(), hostSrc);
  const path = opts.followLink
    ? await stat(abs).then(
        () => abs,
        () => undefined,
      )
    : abs;
  const src = await source(path, hostSrc, 'the local file system');
  const srcStat = opts.followLink ? await stat(abs) : src.st;
  const dest = inContainer(root, ctrPath, true);
  const to = await target(srcStat, abs.replace(/\/\.$/, ''), src.contentsOnly, dest, ctrPath);
  const o = { owner: { uid: 0, gid: 0 }, keepOwner: !!opts.archive };
  if (src.contentsOnly) {
    if (await exists(to)) return contents('', abs, root, to, o);
    await pinned([[root, to]], (t) => mkdir(t, { mode: srcStat.mode & 0o7777 }));
    return contents('', abs, root, to, o).catch(async (e: unknown) => {
      await pinned([[root, to]], (t) => removeTree(t, lstatSync(t))).catch(() => undefined);
      throw e;
    });
  }
  const from = opts.followLink ? await realpath(abs) : abs;
  return pinned(
    [
      ['', from],
      [root, to],
    ],
    (f, t) => copyNew(f, t, o),
  );
}
