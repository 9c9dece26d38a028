// Image records: ROOT/images/records.json maps normalized references to manifest + config
// digests. One small file keeps `dockui images` to a single read; every change happens under
// ROOT/images/records.lock and is written temp-then-rename, so two dockui processes never lose
// each other's updates and a reader never sees half a file.
import { readFileSync } from 'node:fs';
import { open, rename, unlink } from '../util/fsa.js';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import { tempName } from './blobs.js';
import { withLock } from './lock.js';

export interface ImageRecord {
  readonly manifestDigest: string;
  /** The image id. */
  readonly configDigest: string;
  readonly mediaType: string;
  /** "os/arch[/variant]" the manifest was picked for. */
  readonly platform?: string;
  /** Unpacked size in bytes, computed when the record is set (for a fast `images`). */
  readonly size?: number;
  /** The config's `created`. */
  readonly created?: string;
  /** When this name was last pointed here. */
  readonly taggedAt: string;
  /**
   * The image this one was built FROM or committed from (docker's local parent link, which its
   * classic builder and commit set): what `ps --filter ancestor=` walks down. None for an image
   * pulled, loaded or imported.
   */
  readonly parent?: string;
}

export interface RecordsFile {
  readonly version: 1;
  /** normalized reference ("domain/path:tag" or "domain/path@digest") → record */
  readonly refs: Readonly<Record<string, ImageRecord>>;
  /** Images without a name (a build without -t, a tag moved away): config digest → record. */
  readonly dangling: Readonly<Record<string, ImageRecord>>;
}

const empty: RecordsFile = { version: 1, refs: {}, dangling: {} };

export class Records {
  readonly file: string;
  readonly lock: string;
  constructor(
    readonly dir: string,
    private readonly tmp: string,
  ) {
    this.file = join(dir, 'records.json');
    this.lock = join(dir, 'records.lock');
  }

  async read(): Promise<RecordsFile> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8'); // one small file, read on every image lookup
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty;
      throw e;
    }
    try {
      const v = JSON.parse(text) as RecordsFile;
      if (v.version !== 1 || typeof v.refs !== 'object' || typeof v.dangling !== 'object') throw new Error('shape');
      return v;
    } catch (e) {
      throw new EngineError('internal', `image records ${this.file} are unreadable (run 'dockui system check')`, { cause: e });
    }
  }

  private async write(v: RecordsFile): Promise<void> {
    const tmp = join(this.tmp, tempName('records'));
    try {
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(JSON.stringify(v));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Read-modify-write under the records lock. `fn` returns the new content (or undefined for no
   * change) and a result.
   */
  async update<T>(fn: (cur: RecordsFile) => Promise<[RecordsFile | undefined, T]> | [RecordsFile | undefined, T]): Promise<T> {
    return withLock(
      this.lock,
      async () => {
        const [next, result] = await fn(await this.read());
        if (next) await this.write(next);
        return result;
      },
      { what: 'the image records' },
    );
  }
}

/** Moves a record whose name went away to `dangling` unless another name still points at its image. */
export function orphanIfUnnamed(
  refs: Record<string, ImageRecord>,
  dangling: Record<string, ImageRecord>,
  old: ImageRecord | undefined,
): void {
  if (!old) return;
  if (Object.values(refs).some((r) => r.configDigest === old.configDigest)) return;
  dangling[old.configDigest] = old;
}

/** image id → ImageRecord.parent, for the images that have one. */
export function parentsOf(cur: RecordsFile): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of [...Object.values(cur.refs), ...Object.values(cur.dangling)]) if (r.parent) out.set(r.configDigest, r.parent);
  return out;
}
