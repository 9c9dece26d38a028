// `docker cp` both ways, with Docker's archive semantics (moby's pkg/archive CopyInfo rules):
// SRC a file → DEST a file, or into DEST when it is a directory; SRC a directory → DEST created
// with its content, or SRC copied into an existing DEST directory; SRC ending in "/." copies its
// content. Container paths are resolved inside the container's root (fsutil/in-root.ts): the
// running container's own view through /proc/PID/root (volumes and binds included), a stopped
// one's overlay mounted for the copy. Every symlink met in the container is resolved inside
// its root; a link is copied as a link, never followed (SRC itself with -L). Files written into
// the container replace what was there (a link at the destination is removed, not followed),
// are created with O_NOFOLLOW|O_EXCL and owned by root, or by the source's owner with -a.
import { constants as fsc, lstatSync, readlinkSync } from 'node:fs';
import { chmod, lchown, lstat, mkdir, open, readdir, readlink, rm, stat, symlink, utimes } from '../util/fsa.js';
import type { Stats } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { EngineError } from '../define.js';
import { resolveInRoot } from '../fsutil/in-root.js';

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

/** Copies one tree; `into` true: the destination is inside a container (links there are removed, not followed). */
async function copyTree(from: string, to: string, opts: { owner?: { uid: number; gid: number }; keepOwner: boolean }): Promise<void> {
  const st = await lstat(from);
  const old = await exists(to);
  if (old && (!st.isDirectory() || !old.isDirectory())) await rm(to, { recursive: true, force: true });
  const own = async () => {
    const uid = opts.keepOwner ? st.uid : (opts.owner?.uid ?? st.uid);
    const gid = opts.keepOwner ? st.gid : (opts.owner?.gid ?? st.gid);
    await lchown(to, uid, gid).catch(() => undefined);
  };
  if (st.isDirectory()) {
    if (!old?.isDirectory()) await mkdir(to, { mode: 0o700 });
    for (const n of await readdir(from)) await copyTree(join(from, n), join(to, n), opts);
    await own();
    await chmod(to, st.mode & 0o7777);
    await utimes(to, st.atime, st.mtime);
  } else if (st.isSymbolicLink()) {
    await symlink(await readlink(from), to);
    await own();
  } else if (st.isFile()) {
    // O_NOFOLLOW on both ends: a link swapped in meanwhile fails the copy, it is never followed.
    const src = await open(from, fsc.O_RDONLY | fsc.O_NOFOLLOW);
    try {
      const dst = await open(to, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
      try {
        const buf = Buffer.allocUnsafe(1 << 20);
        for (;;) {
          const { bytesRead } = await src.read(buf, 0, buf.length, null);
          if (!bytesRead) break;
          await dst.write(buf, 0, bytesRead);
        }
        await dst.chown(opts.keepOwner ? st.uid : (opts.owner?.uid ?? st.uid), opts.keepOwner ? st.gid : (opts.owner?.gid ?? st.gid));
        await dst.chmod(st.mode & 0o7777);
      } finally {
        await dst.close();
      }
    } finally {
      await src.close();
    }
    await utimes(to, st.atime, st.mtime);
  }
  // sockets, devices, fifos: skipped, as a file system copy of a running container's would
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
  if (src.contentsOnly) {
    if (!(await exists(to))) await mkdir(to, { mode: src.st.mode & 0o7777 });
    for (const n of await readdir(src.path)) await copyTree(join(src.path, n), join(to, n), { owner, keepOwner: !!opts.archive });
  } else await copyTree(src.path, to, { owner, keepOwner: !!opts.archive });
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
  const owner = { uid: 0, gid: 0 };
  const from = opts.followLink ? (await import('../util/fsa.js')).realpath(abs) : Promise.resolve(abs);
  if (src.contentsOnly) {
    if (!(await exists(to))) await mkdir(to, { mode: srcStat.mode & 0o7777 });
    for (const n of await readdir(abs)) await copyTree(join(abs, n), join(to, n), { owner, keepOwner: !!opts.archive });
  } else await copyTree(await from, to, { owner, keepOwner: !!opts.archive });
}
