// Read-only files a container is given (Compose's secrets and configs, Kubernetes' secret and
// configMap volumes): a host file bound as it is, or bytes dockui writes into the container's own
// dir (ROOT/containers/<id>/files/, 0700, removed with the container) and binds from there. The
// target is a path inside the container: runc resolves it inside the rootfs (links included), so
// no target reaches the host.
import { chownSync, chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { EngineError } from '../define.js';
import type { FileMount } from '../types.js';
import type { MountRecord } from './records.js';

const bad = (t: string, why: string) => new EngineError('invalid_argument', `file mount ${JSON.stringify(t)}: ${why}`);

/** An item's path inside a directory mount: relative, no `..` (Kubernetes refuses them too). */
export function checkItemPath(p: string, where: string): string {
  const parts = p.split('/');
  if (p === '' || isAbsolute(p) || parts.includes('..'))
    throw new EngineError('invalid_argument', `${where}: item path ${JSON.stringify(p)} must be relative and hold no '..'`);
  return parts.filter((x) => x !== '' && x !== '.').join('/');
}

/** The container path a file mount takes (checked before anything is made). */
export function fileMountDestination(f: FileMount): string {
  if (!isAbsolute(f.target)) throw bad(f.target, 'the container path must be absolute');
  const d = posix.normalize(f.target).replace(/(.)\/+$/, '$1');
  if (d === '/') throw bad(f.target, 'cannot mount over /');
  const kinds = [f.source !== undefined, f.content !== undefined, f.entries !== undefined].filter(Boolean).length;
  if (kinds !== 1) throw bad(f.target, 'give one of source, content or entries');
  if (f.source !== undefined) {
    if (!isAbsolute(f.source)) throw bad(f.target, `source ${JSON.stringify(f.source)} must be an absolute host path`);
    let st;
    try {
      st = statSync(f.source);
    } catch {
      throw new EngineError('not_found', `file mount ${JSON.stringify(f.target)}: no such file ${f.source}`);
    }
    if (!st.isFile()) throw bad(f.target, `${f.source} is not a regular file`);
  }
  for (const e of f.entries ?? []) checkItemPath(e.path, `file mount ${JSON.stringify(f.target)}`);
  for (const [k, v] of [
    ['uid', f.uid],
    ['gid', f.gid],
  ] as const)
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw bad(f.target, `${k} ${v} is not a number id`);
  if (f.mode !== undefined && !(Number.isInteger(f.mode) && f.mode >= 0 && f.mode <= 0o7777)) throw bad(f.target, `mode ${f.mode}`);
  return d;
}

const bytes = (c: Uint8Array | string) => (typeof c === 'string' ? Buffer.from(c) : c);

function own(path: string, f: FileMount, mode: number): void {
  chmodSync(path, mode);
  if (f.uid !== undefined || f.gid !== undefined) chownSync(path, f.uid ?? 0, f.gid ?? 0);
}

/**
 * The mounts of a new container's file mounts; the bytes dockui owns written under `dir/files`
 * (the dir 0700: only root reaches them on the host; each file keeps the mode the container sees).
 */
export function writeFileMounts(dir: string, files: readonly FileMount[]): MountRecord[] {
  const base = join(dir, 'files');
  if (files.some((f) => f.source === undefined)) {
    mkdirSync(base, { recursive: true, mode: 0o700 });
    chmodSync(base, 0o700);
  }
  return files.map((f, i) => {
    const destination = fileMountDestination(f);
    const of = f.of ? { file: f.of } : {};
    if (f.source !== undefined) return { type: 'bind', source: f.source, destination, readOnly: true, mustExist: true, ...of };
    const path = join(base, String(i));
    if (f.content !== undefined) {
      writeFileSync(path, bytes(f.content), { mode: 0o600 });
      own(path, f, f.mode ?? 0o444);
    } else {
      mkdirSync(path, { mode: 0o755 });
      for (const e of f.entries ?? []) {
        const p = join(path, checkItemPath(e.path, `file mount ${JSON.stringify(f.target)}`));
        mkdirSync(posix.dirname(p), { recursive: true, mode: 0o755 });
        writeFileSync(p, bytes(e.content), { mode: 0o600 });
        own(p, f, e.mode ?? f.mode ?? 0o444);
      }
    }
    return { type: 'bind', source: path, destination, readOnly: true, mustExist: true, ...of };
  });
}
