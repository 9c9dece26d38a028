// The tar `docker cp CONTAINER:PATH -` and GET /containers/{id}/archive write, as dockerd 20.10's
// pkg/archive writes it (checked against a reference dockerd 20.10.24, Debian's docker.io):
//  - names: the entry's base name and what is under it ("data/", "data/a"); "./", "./a" for a
//    path ending in "/." (its content); "/", "/bin/" for the root;
//  - mode: the permission bits with the file type bits of st_mode above them (0100644 a file,
//    040755 a directory, 0120777 a link, 010644 a fifo, 020644 a char device), setuid, setgid
//    and sticky kept (0104755, 043775);
//  - uid/gid numeric as on disk; uname/gname looked up in the container's /etc/passwd and
//    /etc/group (the first line with the id; "" when none names it), uid 0 always "root" and,
//    when the container's files do not name them, gid 0 "root", uid 65534 "nobody" and gid
//    65534 "nogroup" (the reference's host NSS, libnss_systemd, fills those in);
//  - mtime in whole seconds; devmajor/devminor of char and block devices, 0 otherwise;
//  - a regular file met again under another name (nlink > 1) is a hard link entry (type 1, size
//    0) to the first name; fifos and devices are entries; sockets are left out;
//  - security.capability, the one xattr docker reads, as a SCHILY.xattr pax record;
//  - Go's archive/tar header layout (fsutil/tar.ts's encodeHeader): ustar, pax when needed.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, statfsSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { fdPath, pinEntry } from '../fsutil/in-root.js';
import { open } from '../util/fsa.js';
import { encodeHeader, padding, typeFlag, type TypeFlag } from '../fsutil/tar.js';
import { sysx } from '../sysx.js';
import { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK } from '../fsutil/file-type.js';

/** Go's os.FileMode of an st_mode, as Docker's X-Docker-Container-Path-Stat carries it. */
export function goMode(m: number): number {
  const t = m & S_IFMT;
  let mode = m & 0o777;
  if (t === S_IFDIR) mode += 2 ** 31;
  if (t === S_IFLNK) mode += 2 ** 27;
  if (t === S_IFBLK || t === S_IFCHR) mode += 2 ** 26;
  if (t === S_IFIFO) mode += 2 ** 25;
  if (t === S_IFSOCK) mode += 2 ** 24;
  if (m & 0o4000) mode += 2 ** 23; // setuid
  if (m & 0o2000) mode += 2 ** 22; // setgid
  if (t === S_IFCHR) mode += 2 ** 21;
  if (m & 0o1000) mode += 2 ** 20; // sticky
  return mode;
}

/** id → name of a passwd or group file's lines (name:x:id:...), the first line of an id winning. */
function parseIds(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3 || f[0] === '' || !/^\d+$/.test(f[2]!)) continue;
    const id = Number(f[2]);
    if (!out.has(id)) out.set(id, f[0]!);
  }
  return out;
}

/**
 * A small regular file of the container (its path resolved inside the root by `resolve`), or ''.
 * Never a link followed out of the root, never a fifo waited on.
 */
function readSmall(host: string | undefined): string {
  if (host === undefined) return '';
  let fd: number;
  try {
    fd = openSync(host, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return '';
  }
  try {
    const st = fstatSync(fd);
    return st.isFile() && st.size <= 4 << 20 ? readFileSync(fd, 'utf8') : '';
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

export interface Owners {
  user(uid: number): string;
  group(gid: number): string;
}

/** The container's owner names; `resolve` maps a container path to its host path inside the root. */
export function ownersOf(resolve: (ctrPath: string) => string | undefined): Owners {
  let users: Map<number, string> | undefined;
  let groups: Map<number, string> | undefined;
  return {
    user(uid) {
      users ??= parseIds(readSmall(resolve('/etc/passwd')));
      if (uid === 0) return 'root';
      return users.get(uid) ?? (uid === 65534 ? 'nobody' : '');
    },
    group(gid) {
      groups ??= parseIds(readSmall(resolve('/etc/group')));
      return groups.get(gid) ?? (gid === 0 ? 'root' : gid === 65534 ? 'nogroup' : '');
    },
  };
}

function capability(path: string): ReadonlyMap<string, Buffer> | undefined {
  try {
    const v = sysx().lgetxattr(path, 'security.capability');
    return v === undefined ? undefined : new Map([['security.capability', v]]);
  } catch {
    return undefined;
  }
}

/** fn's value, or undefined when it throws: an entry that vanished or cannot be read is left out, as docker leaves it out. */
function tryOr<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

interface Walk {
  readonly owners: Owners;
  /** dev:ino → the archive name a multiply linked file was first written under. */
  readonly links: Map<string, string>;
  /** st_dev of the directory the entry is in (a directory on another is a mount point). */
  readonly parentDev?: number;
}

// The kernel's file systems a running container's view has mounted (proc, sysfs, devpts,
// mqueue, cgroup, cgroup2, securityfs, debugfs, tracefs, bpf, pstore, configfs, selinuxfs,
// fusectl, binfmt_misc): a copy reads the container's root file system and its volumes
// (runtime/archive-view.ts), where the runtime's are empty mount points; one a bind brings in
// (-v /proc:/host/proc) is left out all the same, not read endlessly.
const pseudoFs = new Set([
  0x9fa0, 0x62656572, 0x1cd1, 0x19800202, 0x27e0eb, 0x63677270, 0x73636673, 0x64626720, 0x74726163, 0xcafe4a11, 0x6165676c, 0x62656570,
  0xf97cff8c, 0x65735543, 0x42494e4d,
]);
const pseudo = (path: string): boolean => {
  const t = tryOr(() => statfsSync(path).type);
  return t !== undefined && pseudoFs.has(t);
};

function header(st: Stats, w: Walk, name: string, type: TypeFlag, path: string, extra: { size?: number; linkname?: string } = {}) {
  const xattrs = capability(path);
  const dev = st.isCharacterDevice() || st.isBlockDevice();
  return encodeHeader({
    name,
    type,
    mode: st.mode & (S_IFMT | 0o7777),
    uid: st.uid,
    gid: st.gid,
    uname: w.owners.user(st.uid),
    gname: w.owners.group(st.gid),
    size: extra.size ?? 0,
    mtime: Math.floor(st.mtimeMs / 1000),
    ...(extra.linkname !== undefined ? { linkname: extra.linkname } : {}),
    ...(dev ? { devmajor: Math.floor(st.rdev / 256) & 0xfff, devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00) } : {}),
    ...(xattrs ? { xattrs } : {}),
  });
}

async function* walk(hostPath: string, name: string, w: Walk): AsyncGenerator<Buffer> {
  const st = tryOr(() => lstatSync(hostPath, { throwIfNoEntry: false }));
  if (!st) return;
  const t = st.mode & S_IFMT;
  if (t === S_IFDIR) {
    const dir = name.endsWith('/') ? name : `${name}/`;
    yield header(st, w, dir, typeFlag.dir, hostPath);
    // Entered through a descriptor (fsutil/in-root.ts): a directory a container swaps for a
    // link meanwhile is left out, never followed onto the host.
    const fd = tryOr(() => pinEntry(hostPath));
    if (fd === undefined) return;
    try {
      if (w.parentDev !== undefined && st.dev !== w.parentDev && pseudo(fdPath(fd))) return;
      for (const e of tryOr(() => readdirSync(fdPath(fd)).sort()) ?? [])
        yield* walk(fdPath(fd, e), `${dir}${e}`, { ...w, parentDev: st.dev });
    } finally {
      closeSync(fd);
    }
  } else if (t === S_IFLNK) {
    const linkname = tryOr(() => readlinkSync(hostPath));
    if (linkname !== undefined) yield header(st, w, name, typeFlag.symlink, hostPath, { linkname });
  } else if (t === S_IFIFO) {
    yield header(st, w, name, typeFlag.fifo, hostPath);
  } else if (t === S_IFCHR || t === S_IFBLK) {
    yield header(st, w, name, t === S_IFCHR ? typeFlag.char : typeFlag.block, hostPath);
  } else if (t === S_IFREG) {
    const key = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? w.links.get(key) : undefined;
    if (first !== undefined) {
      yield header(st, w, name, typeFlag.hardlink, hostPath, { linkname: first });
      return;
    }
    const fh = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
    if (!fh) return;
    if (st.nlink > 1) w.links.set(key, name);
    try {
      yield header(st, w, name, typeFlag.file, hostPath, { size: st.size });
      let left = st.size;
      const buf = Buffer.alloc(1 << 20);
      while (left > 0) {
        // A file that fails a read midway (EIO) ends there, as one that shrank.
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, left)).catch(() => ({ bytesRead: 0 }));
        if (bytesRead === 0) break;
        yield Buffer.from(buf.subarray(0, bytesRead));
        left -= bytesRead;
      }
      // A file that shrank under us is padded to the size its header promised.
      if (left > 0) yield Buffer.alloc(left);
      yield Buffer.alloc(padding(st.size));
    } finally {
      await fh.close();
    }
  }
  // sockets: left out, as docker leaves them
}

/**
 * The archive of `hostPath` (an entry of the container, pinned: runtime/copy.ts's pin) under
 * `name`, end blocks not included.
 */
export function cpTar(hostPath: string, name: string, owners: Owners): AsyncGenerator<Buffer> {
  return walk(hostPath, name, { owners, links: new Map() });
}
