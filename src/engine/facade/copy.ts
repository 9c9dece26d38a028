// `docker cp` for the facade: a container's root resolved by the runtime (Containers.withRoot),
// the copy by runtime/copy.ts. "-" (a tar stream) goes through GNU tar: out of the container,
// `tar -c` of the resolved entry (links kept as links); into it, the archive is unpacked in a
// private temp dir of the store first (GNU tar drops `..` and leading `/`) and that tree is then
// copied in by the same in-root copier, so nothing in the archive is written through the container's links.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { EngineError } from '../define.js';
import type { Containers } from '../runtime/containers.js';
import type { CopyOptions } from '../runtime/copy.js';

import type { CopyEnd } from './api.js';

function tar(args: readonly string[], io: { stdin?: AsyncIterable<Buffer>; stdout?: NodeJS.WritableStream }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: [io.stdin ? 'pipe' : 'ignore', io.stdout ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new EngineError('failed_precondition', `cannot run tar: ${e.message}`)));
    const done = new Promise<number>((res) => child.on('close', (c) => res(c ?? 1)));
    const copies: Promise<unknown>[] = [];
    if (io.stdin) copies.push(pipeline(Readable.from(io.stdin), child.stdin!).catch(() => undefined));
    if (io.stdout) copies.push(pipeline(child.stdout!, io.stdout, { end: false }));
    void Promise.all([done, ...copies]).then(
      ([code]) =>
        code === 0 ? resolve() : reject(new EngineError('invalid_argument', err.trim().split('\n').pop() || `tar failed (${code})`)),
      reject,
    );
  });
}

export async function copyFromContainer(
  rt: Containers,
  idOrName: string,
  ctrPath: string,
  to: CopyEnd,
  opts: CopyOptions = {},
): Promise<void> {
  const copy = await import('../runtime/copy.js');
  await rt.withRoot(idOrName, async (root, rec) => {
    if ('path' in to) return copy.copyOut(root, ctrPath, to.path, rec.name, opts);
    if (!('stream' in to)) throw new EngineError('invalid_argument', 'copy from a container needs a path or a stream');
    const src = copy.inContainer(root, ctrPath, opts.followLink);
    const { lstat } = await import('node:fs/promises');
    if (!src.path || !(await lstat(src.path).catch(() => undefined)))
      throw new EngineError('not_found', `Could not find the file ${ctrPath} in container ${rec.name}`);
    await tar(['-C', dirname(src.path), '-cf', '-', '--numeric-owner', '--', basename(src.path) || '.'], { stdout: to.stream });
  });
}

export async function copyToContainer(
  rt: Containers,
  idOrName: string,
  from: CopyEnd,
  ctrPath: string,
  opts: CopyOptions = {},
): Promise<void> {
  const copy = await import('../runtime/copy.js');
  if ('path' in from) {
    await rt.withRoot(idOrName, (root) => copy.copyIn(root, from.path, ctrPath, opts));
    return;
  }
  if (!('source' in from)) throw new EngineError('invalid_argument', 'copy into a container needs a path or a tar stream');
  const tmpRoot = join(rt.paths.root, 'tmp');
  await (await import('node:fs/promises')).mkdir(tmpRoot, { recursive: true });
  const tmp = await mkdtemp(join(tmpRoot, 'cp-'));
  try {
    await tar(['-C', tmp, '-xf', '-', '--no-same-owner', '--no-overwrite-dir'], { stdin: from.source });
    await rt.withRoot(idOrName, async (root) => {
      const dest = copy.inContainer(root, ctrPath, true);
      const { stat } = await import('node:fs/promises');
      if (!dest.path || !(await stat(dest.path).catch(() => undefined))?.isDirectory())
        throw new EngineError('invalid_argument', `destination "${ctrPath}" must be a directory`);
      await copy.copyIn(root, `${tmp}/.`, ctrPath, { archive: true });
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * `docker export`: the container's filesystem (image layers and its changes, the overlay as the
 * host mounts it: no volume, bind or /proc content) as a tar stream.
 */
export async function exportContainer(rt: Containers, idOrName: string, to: NodeJS.WritableStream): Promise<void> {
  const { rootfsOf } = await import('../runtime/bundle.js');
  const found = await rt.find(idOrName);
  const live = found.state === 'running' || found.state === 'paused';
  const dump = (root: string) => tar(['-C', root, '-cf', '-', '--numeric-owner', '--xattrs', '--sort=name', '.'], { stdout: to });
  if (live) await dump(rootfsOf(rt.dir(found.id)));
  else await rt.withRoot(found.id, (root) => dump(root));
}
