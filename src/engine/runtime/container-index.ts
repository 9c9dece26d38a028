// The container index: names → ids and the running set, so a lookup by name reads one record
// and `ps` reads only the running ones (docs/design.md, Container index).
//
// ROOT/containers/.index/
//   names/<name>   symlink → container id
//   running/<id>   marker (a symlink) while the record says running or paused
//   complete       written last by a (re)build: without it the index is rebuilt before use
//   changes        one byte appended per record change: its size tells a poller (the TUI's
//                  refresh) whether anything changed since it last looked
//
// Crash safety without a journal: the index is kept a SUPERSET of the truth. An entry is added
// before the record write that needs it (a name link before the record carries the name, a
// running marker before the record says running) and dropped after the write that ends it. A
// crash between leaves an extra entry, never a missing one; every reader verifies what an entry
// points at against the record (one read), so an extra entry costs a read and is never
// believed. `system check` reports extra and missing entries; `--repair` rebuilds.
// Names change under the names lock (create, rename), running markers under the container's lock.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** The part of a record the index keys on. */
export interface IndexedRecord {
  readonly id: string;
  readonly name: string;
  readonly state: string;
}

export const isLive = (r: { readonly state: string }): boolean => r.state === 'running' || r.state === 'paused';
const idRe = /^[0-9a-f]{64}$/;
const nameRe = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** One disagreement between the index and the records (system check). */
export interface IndexProblem {
  readonly path: string;
  readonly detail: string;
}

export class ContainerIndex {
  readonly dir: string;
  readonly namesDir: string;
  readonly runningDir: string;
  readonly completePath: string;
  readonly changesPath: string;
  private seenComplete = false;

  constructor(containersDir: string) {
    this.dir = join(containersDir, '.index');
    this.namesDir = join(this.dir, 'names');
    this.runningDir = join(this.dir, 'running');
    this.completePath = join(this.dir, 'complete');
    this.changesPath = join(this.dir, 'changes');
  }

  /**
   * Whether a (re)build finished: one stat. `cached`: true without the stat once this process
   * saw it complete (only a repair or a hand removal takes it away again; a lookup by name
   * that misses asks again without `cached`).
   */
  complete(cached = false): boolean {
    if (cached && this.seenComplete) return true;
    this.seenComplete = existsSync(this.completePath);
    return this.seenComplete;
  }

  /** The id a name's link points at, unverified (the caller reads the record and checks its name). */
  nameTarget(name: string): string | undefined {
    if (!nameRe.test(name)) return undefined;
    try {
      const id = readlinkSync(join(this.namesDir, name));
      return idRe.test(id) ? id : undefined;
    } catch {
      return undefined;
    }
  }

  /** The names linked to `id` (a scan of the names: for the rare record that never got written). */
  namesOf(id: string): string[] {
    try {
      return readdirSync(this.namesDir).filter((n) => this.nameTarget(n) === id);
    } catch {
      return [];
    }
  }

  /** Ids marked running, unverified (a superset of the running records). */
  runningIds(): string[] {
    try {
      return readdirSync(this.runningDir).filter((n) => idRe.test(n));
    } catch {
      return [];
    }
  }

  /** Change counter: (inode, size) of the changes file; differs after any record change. */
  changes(): string {
    try {
      const s = statSync(this.changesPath);
      return `${s.ino}:${s.size}`;
    } catch {
      return 'none';
    }
  }

  // ---- maintenance (RecordStore calls these around its writes and removals)

  /** Before a record write: its name's link and, if it is live, its running marker. */
  before(rec: IndexedRecord): void {
    if (nameRe.test(rec.name) && this.nameTarget(rec.name) !== rec.id) this.link(rec.name, rec.id);
    if (isLive(rec)) this.mark(rec.id);
  }

  /** After a record write: a record no longer live loses its marker; the counter moves. */
  after(rec: IndexedRecord, oldName?: string): void {
    if (!isLive(rec)) this.unmark(rec.id);
    if (oldName !== undefined && oldName !== rec.name) this.unlinkName(oldName, rec.id);
    this.bump();
  }

  /** After a record's removal: its name (if still pointing at it) and marker go. */
  removed(rec: IndexedRecord): void {
    this.unlinkName(rec.name, rec.id);
    this.unmark(rec.id);
    this.bump();
  }

  /** names/<name> → id, replacing a stale link in one rename. */
  link(name: string, id: string): void {
    const path = join(this.namesDir, name);
    try {
      symlinkSync(id, path);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        mkdirSync(this.namesDir, { recursive: true });
        symlinkSync(id, path);
        return;
      }
      if (code !== 'EEXIST') throw e;
    }
    const tmp = join(this.dir, `.link.${process.pid}.${Date.now()}`);
    symlinkSync(id, tmp);
    renameSync(tmp, path);
  }

  unlinkName(name: string, id: string): void {
    if (this.nameTarget(name) !== id) return;
    try {
      unlinkSync(join(this.namesDir, name));
    } catch {
      // gone already
    }
  }

  mark(id: string): void {
    const path = join(this.runningDir, id);
    try {
      symlinkSync(id, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (code !== 'ENOENT') throw e;
      mkdirSync(this.runningDir, { recursive: true });
      symlinkSync(id, path);
    }
  }

  unmark(id: string): void {
    try {
      unlinkSync(join(this.runningDir, id));
    } catch {
      // not marked
    }
  }

  bump(): void {
    try {
      appendFileSync(this.changesPath, '.');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(this.dir, { recursive: true });
      appendFileSync(this.changesPath, '.');
    }
  }

  // ---- build and check

  /**
   * Compares the index with the records: links and markers the records do not back (extra, left
   * by a crash: harmless, verified on use) and names or running records without an entry
   * (missing: only a record written outside dockui, or an index damaged by hand, has them).
   */
  compare(recs: readonly IndexedRecord[]): { extra: IndexProblem[]; missing: IndexProblem[] } {
    const extra: IndexProblem[] = [];
    const missing: IndexProblem[] = [];
    const byId = new Map(recs.map((r) => [r.id, r]));
    const linked = new Map<string, string>();
    for (const n of readDirOr(this.namesDir)) {
      const id = this.nameTarget(n);
      if (id && byId.get(id)?.name === n) linked.set(n, id);
      else
        extra.push({
          path: join(this.namesDir, n),
          detail: `name link to ${id ? `container ${id.slice(0, 12)}, which is not named so` : 'nothing'}`,
        });
    }
    const marked = new Set<string>();
    for (const n of readDirOr(this.runningDir)) {
      const r = byId.get(n);
      if (r && isLive(r)) marked.add(n);
      else extra.push({ path: join(this.runningDir, n), detail: `running marker of a container ${r ? 'not running' : 'that is gone'}` });
    }
    for (const r of recs) {
      if (linked.get(r.name) !== r.id)
        missing.push({ path: join(this.namesDir, r.name), detail: `no name link for container ${r.id.slice(0, 12)}` });
      if (isLive(r) && !marked.has(r.id))
        missing.push({ path: join(this.runningDir, r.id), detail: `no running marker for container ${r.id.slice(0, 12)}` });
    }
    if (!existsSync(this.completePath))
      missing.push({ path: this.completePath, detail: 'index never completed (a build was interrupted)' });
    return { extra, missing };
  }

  /**
   * Rebuilds from the records (the caller holds the names lock): entries the records back are
   * added, name links they do not back go, and `complete` is written last, so an interrupted
   * rebuild is redone. Returns the running markers the records do not back: the caller drops
   * each only under its container's lock (a start marks before its record says running).
   */
  rebuild(recs: readonly IndexedRecord[]): string[] {
    mkdirSync(this.namesDir, { recursive: true });
    mkdirSync(this.runningDir, { recursive: true });
    const { extra } = this.compare(recs);
    // Unbacked name links go first: one may sit at a name a record has (pointing elsewhere, or
    // not a link at all), and before() below puts the right link there.
    const stale: string[] = [];
    for (const p of extra) {
      if (p.path.startsWith(this.runningDir + '/')) stale.push(p.path.slice(this.runningDir.length + 1));
      else rmSync(p.path, { force: true, recursive: true });
    }
    for (const r of recs) this.before(r);
    this.bump();
    writeFileSync(this.completePath, `${new Date().toISOString()}\n`);
    return stale;
  }

  /** Forgets the whole index (the next use rebuilds it). */
  drop(): void {
    this.seenComplete = false;
    rmSync(this.completePath, { force: true });
  }
}

function readDirOr(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
