// A COPY's layer worked out in memory before anything is written, for the plain case (one
// directory of the context copied to `/` or to a one-level directory, no --chown/--chmod, files
// of at most 256 KiB, 64 MiB in all). When the store has that layer
// already — a `build --no-cache`, or a build cache removed, over an unchanged context — the step
// takes it and writes nothing: no upper dir of thousands of files made and then deleted again
// (which cost most of such a build: file creation on ext4 slows down while recently deleted
// inodes abound). Otherwise the copy goes the ordinary way (copy.ts, layer.ts).
//
// The plan must be exactly the tar that layer.ts would write from the upper dir copy.ts makes:
// same entries in the same order (each directory's names in byte order, depth first), same
// modes, owners and mtimes (seconds). Where that cannot be told without writing (a setgid
// directory, whose children take its group; an owner other than root; a pre-1970 mtime), or
// where the copy would fail, there is no plan. test/engine/build/copy-plan.test.ts checks the
// planned digests against the real ones.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants as fsConstants,
  fchmodSync,
  futimesSync,
  lchownSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { byteOrder, type ContextEntry } from './context.js';
import type { Selection } from './copy.js';
import { encodeHeader, endOfArchive, padding, typeFlag } from '../fsutil/tar.js';

interface Node {
  readonly type: 'dir' | 'file' | 'symlink';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtimeNs: bigint;
  readonly data?: Buffer;
  readonly linkname?: string;
  readonly children?: Map<string, Node>;
}

export interface PlannedLayer {
  readonly diffId: string;
  /** The uncompressed tar. */
  readonly tar: Buffer;
  readonly contentSize: number;
  readonly entries: number;
  /** The entries by name under `/`, to write them out (materialize). */
  readonly root: ReadonlyMap<string, Node>;
}

const seconds = (ns: bigint): number => Number(ns / 1_000_000_000n);
/** A plan holds the layer in memory: files up to this size, this much content in all. */
const planFileMax = 256 << 10;
const planBudget = 64 << 20;

/**
 * The layer of copying `sel` (a context directory) to `dest` (absolute, normalized) over
 * `parentRoot`, or undefined when this case is not one the plan can tell exactly.
 */
export function planCopyLayer(
  sel: Selection,
  dest: string,
  parentRoot: string | undefined,
  ctxDir: string,
  contentOf: (e: ContextEntry) => Buffer | undefined,
): PlannedLayer | undefined {
  if (sel.entry.type !== 'dir' || process.getuid?.() !== 0 || process.getgid?.() !== 0) return undefined;
  const parts = dest.split('/').filter(Boolean);
  if (parts.length > 1) return undefined; // deeper parents would get the time of the copy as mtime
  const ok = (e: ContextEntry): boolean => e.mtimeNs >= 0n && !(e.type === 'dir' && e.mode & 0o2000);
  if (!ok(sel.entry)) return undefined;
  const top = new Map<string, Node>();
  let into = top;
  if (parts.length === 1) {
    let below: Stats | undefined;
    try {
      below = parentRoot ? lstatSync(join(parentRoot, parts[0]!)) : undefined;
    } catch {
      /* new */
    }
    if (below && (!below.isDirectory() || below.mode & 0o2000)) return undefined;
    const mtimeNs = sel.entry.mtimeNs;
    const node: Node = below
      ? { type: 'dir', mode: below.mode & 0o7777, uid: below.uid, gid: below.gid, mtimeNs, children: new Map() }
      : { type: 'dir', mode: sel.entry.mode, uid: 0, gid: 0, mtimeNs, children: new Map() };
    top.set(parts[0]!, node);
    into = node.children!;
  }
  const dirs = new Map<string, Map<string, Node>>([['', into]]);
  let bytes = 0;
  for (const it of sel.items) {
    if (it.name === '') continue;
    const e = it.entry;
    if (!ok(e)) return undefined;
    const slash = it.name.lastIndexOf('/');
    const parent = dirs.get(slash === -1 ? '' : it.name.slice(0, slash));
    if (!parent) return undefined; // not below a copied directory: leave it to the copy
    const name = it.name.slice(slash + 1);
    const mtimeNs = e.mtimeNs;
    let node: Node;
    if (e.type === 'dir') {
      node = { type: 'dir', mode: e.mode, uid: 0, gid: 0, mtimeNs, children: new Map() };
      dirs.set(it.name, node.children!);
    } else if (e.type === 'file') {
      // Read here when hashing did not keep it (its hash came from the stat cache).
      const data = contentOf(e) ?? (e.size <= planFileMax ? readFileSync(join(ctxDir, e.rel)) : undefined);
      if (!data || data.length !== e.size || (bytes += data.length) > planBudget) return undefined;
      node = { type: 'file', mode: e.mode, uid: 0, gid: 0, mtimeNs, data };
    } else if (e.type === 'symlink') {
      node = { type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtimeNs, linkname: readlinkSync(join(ctxDir, e.rel)) };
    } else continue; // sockets, fifos and devices are not copied
    if (parent.has(name)) return undefined;
    parent.set(name, node);
  }

  const tarHash = createHash('sha256');
  const out: Buffer[] = [];
  let entries = 0;
  let contentSize = 0;
  const push = (b: Buffer): void => {
    tarHash.update(b);
    out.push(b);
  };
  const visit = (rel: string, dir: Map<string, Node>): void => {
    for (const n of [...dir.keys()].sort(byteOrder)) {
      const node = dir.get(n)!;
      const path = rel === '' ? n : `${rel}/${n}`;
      entries++;
      const h = { mode: node.mode & 0o7777, uid: node.uid, gid: node.gid, mtime: seconds(node.mtimeNs) };
      if (node.type === 'dir') {
        push(encodeHeader({ ...h, name: `${path}/`, type: typeFlag.dir, size: 0 }));
        visit(path, node.children!);
      } else if (node.type === 'file') {
        const data = node.data!;
        push(encodeHeader({ ...h, name: path, type: typeFlag.file, size: data.length }));
        contentSize += data.length;
        if (data.length > 0) push(data);
        const pad = padding(data.length);
        if (pad) push(Buffer.alloc(pad));
      } else push(encodeHeader({ ...h, name: path, type: typeFlag.symlink, size: 0, linkname: node.linkname! }));
    }
  };
  visit('', top);
  push(endOfArchive());
  return { diffId: `sha256:${tarHash.digest('hex')}`, tar: Buffer.concat(out), contentSize, entries, root: top };
}

/** The gzip blob of a planned layer, as layer.ts writes it (level 6), and its digest. */
export function compressPlanned(p: PlannedLayer): { gz: Buffer; digest: string } {
  const gz = gzipSync(p.tar, { level: 6 });
  return { gz, digest: `sha256:${createHash('sha256').update(gz).digest('hex')}` };
}

/**
 * Writes a plan's entries into `upper` (an empty dir standing for `/`) as copy.ts would have:
 * modes, owners, then times (a directory's after its children), to nanoseconds as the copy
 * keeps them (the tar has seconds). Used when the store lacks the layer: the plan's tar is
 * then the blob, and no walk of the upper dir has to make it again.
 */
export function materialize(plan: PlannedLayer, upper: string): void {
  const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;
  const times = (ns: bigint): number => Number(ns / 1000n) / 1e6;
  const write = (dir: string, nodes: ReadonlyMap<string, Node>): void => {
    for (const [name, node] of nodes) {
      const p = join(dir, name);
      const t = times(node.mtimeNs);
      if (node.type === 'dir') {
        mkdirSync(p);
        chmodSync(p, node.mode);
        if (node.uid !== 0 || node.gid !== 0) lchownSync(p, node.uid, node.gid);
        write(p, node.children!);
        utimesSync(p, t, t);
      } else if (node.type === 'file') {
        const fd = openSync(p, flags, 0o600);
        try {
          for (let off = 0; off < node.data!.length; ) off += writeSync(fd, node.data!, off);
          fchmodSync(fd, node.mode);
          futimesSync(fd, t, t);
        } finally {
          closeSync(fd);
        }
      } else {
        symlinkSync(node.linkname!, p);
        lutimesSync(p, t, t);
      }
    }
  };
  write(upper, plan.root);
}
