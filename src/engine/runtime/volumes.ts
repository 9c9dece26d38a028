// Volumes: -v host:ctr[:ro] bind mounts and named volumes under ROOT/volumes/<name>/_data,
// filled from the image's content at that path on first use, as Docker does.
import { existsSync } from 'node:fs';
import { childProcess } from '../util/builtin.js';
import { lstat, mkdir, readdir, readFile, rm, writeFile } from '../util/fsa.js';
import { isAbsolute, join, normalize } from 'node:path';
import { EngineError } from '../define.js';
import type { EnginePaths } from '../paths.js';
import type { MountRecord } from './records.js';
import { filesSize } from '../fsutil/files-size.js';

const volumeNameRe = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function checkCtrPath(p: string, spec: string): string {
  if (!isAbsolute(p))
    throw new EngineError('invalid_argument', `invalid volume spec ${JSON.stringify(spec)}: the container path must be absolute`);
  const n = normalize(p);
  if (n === '/') throw new EngineError('invalid_argument', `invalid volume spec ${JSON.stringify(spec)}: cannot mount over /`);
  return n;
}

/** "host:ctr[:ro|rw]", "name:ctr[:ro|rw]" or "ctr" (an anonymous volume). */
export function parseVolume(spec: string): MountRecord {
  const parts = spec.split(':');
  if (parts.some((p) => p === '') || parts.length > 3)
    throw new EngineError(
      'invalid_argument',
      `invalid volume spec ${JSON.stringify(spec)}: use HOST:CONTAINER[:ro] or NAME:CONTAINER[:ro]`,
    );
  let mode = 'rw';
  if (parts.length === 3) {
    mode = parts[2]!;
    if (!['ro', 'rw'].includes(mode))
      throw new EngineError('invalid_argument', `invalid volume spec ${JSON.stringify(spec)}: mode must be ro or rw`);
  }
  if (parts.length === 1) {
    return { type: 'volume', source: '', destination: checkCtrPath(parts[0]!, spec), readOnly: false };
  }
  const [src, dst] = [parts[0]!, parts[1]!];
  const destination = checkCtrPath(dst, spec);
  if (isAbsolute(src)) return { type: 'bind', source: normalize(src), destination, readOnly: mode === 'ro' };
  if (!volumeNameRe.test(src))
    throw new EngineError(
      'invalid_argument',
      `invalid volume spec ${JSON.stringify(spec)}: ${JSON.stringify(src)} is neither an absolute path nor a volume name`,
    );
  return { type: 'volume', source: src, destination, readOnly: mode === 'ro' };
}

/** "--tmpfs /path[:opts]". */
export function parseTmpfs(spec: string): MountRecord {
  const i = spec.indexOf(':');
  const path = i === -1 ? spec : spec.slice(0, i);
  const options = i === -1 ? '' : spec.slice(i + 1);
  if (options && !/^[a-z0-9=,_.-]+$/i.test(options)) throw new EngineError('invalid_argument', `invalid --tmpfs options: ${options}`);
  return { type: 'tmpfs', source: '', destination: checkCtrPath(path, spec), readOnly: false, options };
}

export interface VolumeInfo {
  readonly name: string;
  readonly mountpoint: string;
  readonly createdAt: string;
}

export class Volumes {
  readonly dir: string;
  constructor(paths: EnginePaths) {
    this.dir = join(paths.root, 'volumes');
  }
  dataDir(name: string): string {
    return join(this.dir, name, '_data');
  }

  async create(name: string): Promise<{ info: VolumeInfo; created: boolean }> {
    if (!volumeNameRe.test(name)) throw new EngineError('invalid_argument', `invalid volume name ${JSON.stringify(name)}`);
    const base = join(this.dir, name);
    const meta = join(base, 'meta.json');
    if (existsSync(meta)) return { info: JSON.parse(await readFile(meta, 'utf8')) as VolumeInfo, created: false };
    await mkdir(this.dataDir(name), { recursive: true });
    const info: VolumeInfo = { name, mountpoint: this.dataDir(name), createdAt: new Date().toISOString() };
    await writeFile(meta, JSON.stringify(info));
    return { info, created: true };
  }

  async list(): Promise<VolumeInfo[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: VolumeInfo[] = [];
    for (const n of names.sort()) {
      try {
        out.push(JSON.parse(await readFile(join(this.dir, n, 'meta.json'), 'utf8')) as VolumeInfo);
      } catch {
        /* half-created: skipped */
      }
    }
    return out;
  }

  /** Bytes of the volume's files (hardlinks once, links not followed); not_found for an unknown volume. */
  async size(name: string): Promise<number> {
    if (!volumeNameRe.test(name) || !existsSync(join(this.dir, name, 'meta.json')))
      throw new EngineError('not_found', `no such volume: ${name}`);
    return filesSize(this.dataDir(name));
  }

  async remove(name: string, inUseBy: readonly string[]): Promise<void> {
    if (!existsSync(join(this.dir, name, 'meta.json'))) throw new EngineError('not_found', `no such volume: ${name}`);
    if (inUseBy.length) throw new EngineError('conflict', `volume ${name} is in use by container ${inUseBy.join(', ')}`);
    await rm(join(this.dir, name), { recursive: true, force: true });
  }

  /**
   * Makes sure the volume exists; a new (or still empty, never filled) volume gets a copy of
   * what the image has at the mount path, ownership and modes kept. `imagePath`: that content's
   * host path, already resolved inside the rootfs (hostPathInRoot); undefined when the image has none.
   */
  async prepare(name: string, imagePath: string | undefined): Promise<string> {
    const { created } = await this.create(name);
    const data = this.dataDir(name);
    const filledMark = join(this.dir, name, 'filled');
    if (created || !existsSync(filledMark)) {
      // lstat: a link here would lead out of the rootfs (the caller resolved every link inside it).
      const st = imagePath === undefined ? undefined : await lstat(imagePath).catch(() => undefined);
      if (st?.isDirectory() && (await readdir(data)).length === 0) {
        // cp -a keeps owners, modes, times and links (fs.cp does not keep owners).
        const r = childProcess().spawnSync('cp', ['-a', '--', `${imagePath}/.`, data], { encoding: 'utf8' });
        if (r.status !== 0) throw new EngineError('internal', `cannot fill volume ${name}: ${(r.stderr || '').trim()}`);
      }
      await writeFile(filledMark, '');
    }
    return data;
  }
}
