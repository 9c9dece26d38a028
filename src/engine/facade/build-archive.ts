// A build context that arrives as a tar stream (the Engine API's POST /build): unpacked into a
// private temp dir under ROOT/tmp, every entry's parent resolved inside that dir (a symlink in
// the archive cannot make a later entry land outside it), then built as a directory context and
// removed, whatever happens.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { link, mkdtemp, open, rm, symlink, unlink } from '../util/fsa.js';
import { lstatSync } from 'node:fs';
import { join, posix } from 'node:path';
import { EngineError } from '../define.js';
import { hostPathInRoot, mkdirInRoot } from '../fsutil/in-root.js';
import { readTar } from '../fsutil/tar.js';

const refuse = (why: string, what = 'build context') => new EngineError('invalid_argument', `${what} refused: ${why}`);

/** Clean components of an archive path; absolute paths and `..` are refused. */
function parts(raw: string, what?: string): string[] {
  if (Buffer.byteLength(raw) > 4096) throw refuse('a path longer than 4096 bytes', what);
  const p = raw.split('/').filter((c) => c !== '' && c !== '.');
  if (p.includes('..'))
    throw refuse(
      `entry ${JSON.stringify(raw.slice(0, 200))} climbs out of the ${what === 'archive' ? 'destination' : 'context'} (..)`,
      what,
    );
  return p;
}

async function* gunzipIfNeeded(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const rest: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({
      next: () => it.next(),
      return: async () => (it.return ? it.return() : { done: true, value: undefined }),
    }),
  };
  async function* all(): AsyncGenerator<Buffer> {
    yield first.value;
    yield* rest;
  }
  if (first.value[0] === 0x1f && first.value[1] === 0x8b) {
    for await (const c of Readable.from(all()).pipe(createGunzip())) yield c as Buffer;
  } else yield* all();
}

/** Removes what is at `host` unless it is a directory (an archive may replace a file or a link). */
async function clear(host: string): Promise<void> {
  try {
    if (!lstatSync(host).isDirectory()) await unlink(host);
  } catch {
    // absent
  }
}

/**
 * Unpacks `source` (tar, plain or gzip) into a new dir under `tmpRoot`; resolves to its path.
 * Regular files, dirs, symlinks and hard links (whose target must be inside) only.
 */
export async function unpackContext(
  tmpRoot: string,
  source: AsyncIterable<Buffer>,
  signal?: AbortSignal,
  what = 'build context',
): Promise<string> {
  const dir = await mkdtemp(join(tmpRoot, what === 'archive' ? 'archive-' : 'build-context-'));
  try {
    for await (const e of readTar(gunzipIfNeeded(source), { invalid: (why) => refuse(why, what) })) {
      if (signal?.aborted) throw new EngineError('canceled', 'canceled');
      const h = e.header;
      const p = parts(h.path, what);
      if (p.length === 0) continue;
      const name = p[p.length - 1]!;
      const parent = mkdirInRoot(dir, p.slice(0, -1).join('/'));
      const host = join(dir, parent, name);
      const mode = h.mode & 0o7777 & ~0o6000;
      if (h.type === 'dir') {
        mkdirInRoot(dir, posix.join(parent, name));
      } else if (h.type === 'file') {
        await clear(host);
        const fh = await open(host, 'wx', mode || 0o644);
        try {
          for await (const chunk of e.body()) await fh.write(chunk);
        } finally {
          await fh.close();
        }
      } else if (h.type === 'symlink') {
        await clear(host);
        await symlink(h.linkname, host);
      } else if (h.type === 'hardlink') {
        const target = hostPathInRoot(dir, parts(h.linkname, what).join('/'));
        if (target === undefined || !lstatSync(target).isFile())
          throw refuse(`hard link ${JSON.stringify(h.path)} to a missing file`, what);
        await clear(host);
        await link(target, host);
      }
      // devices and fifos have no place in a build context: skipped.
    }
    return dir;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
