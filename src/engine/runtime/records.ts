// Container records: ROOT/containers/<id>/record.json, written temp-then-rename so a reader in
// another dockui process never sees half a record. Changes to one container happen under its
// lock (RUNROOT/locks/<id>); name assignment under the names lock.
// Record I/O is synchronous: a record is ~2 KB, and a sync read or write costs 10-150 µs where
// the same through libuv's thread pool costs 250-400 µs (measured here); a CLI command does a
// dozen of them, and the TUI is not held up by microseconds.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, type ContainerState, type HealthConfig, type HealthState, type PortMapping, type RestartPolicy } from '../define.js';
import type { EnginePaths } from '../paths.js';
import { acquireLock, tryLock, withLock } from '../store/lock.js';
import { ContainerIndex, isLive, type IndexProblem } from './container-index.js';
import type { NetworkMode } from './network.js';
import type { NetworkAttachment } from '../network/bridge.js';
import type { RunExtras } from './run-extras.js';
import type { DeviceRequest, FileMountOf } from '../types.js';

/** A container's root filesystem (the overlay mount point) in its directory. */
export const rootfsOf = (containerDir: string) => join(containerDir, 'rootfs');
/** A container's log file (k8s-file) in its directory. */
export const logPath = (containerDir: string) => join(containerDir, 'ctr.log');

export interface MountRecord {
  readonly type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind), volume name (volume) or "" (tmpfs; an anonymous volume before create names it). */
  readonly source: string;
  readonly destination: string;
  readonly readOnly: boolean;
  readonly options?: string;
  /** A bind mount's propagation (`--mount …,bind-propagation=rslave`); absent: rprivate. */
  readonly propagation?: string;
  /**
   * An anonymous volume (`-v /path`, or a VOLUME of the image): named with 64 hex digits at
   * create, removed with the container by --rm and `rm -v`, as Docker does.
   */
  readonly anonymous?: boolean;
  /** A host path that must be there at start (a file mount's): never created in its place. */
  readonly mustExist?: boolean;
  /** A file mount's secret or config (RunOptions.files). */
  readonly file?: FileMountOf;
}

export interface ContainerRecord {
  readonly id: string;
  name: string;
  /** The normalized reference it was created from (an id prefix as given when made from an id). */
  readonly image: string;
  /**
   * The image as the create named it ("busybox", "127.0.0.1:5000/x/y", an id prefix, a
   * name@digest): Docker's Config.Image, which inspect and ps show. Records written before it
   * was kept have none: `image` stands in (define.ts's configImage()).
   */
  readonly imageName?: string;
  /** Config digest ("sha256:<hex>"): the store's gc keeps it while this record exists. */
  readonly imageId: string;
  /** Overlay lower dirs, top layer first. */
  readonly lowerDirs: readonly string[];
  readonly createdAt: string;
  state: ContainerState;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  exitReason?: string;
  /** The effective process: entrypoint + cmd after overrides. */
  readonly path: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly workdir: string;
  readonly user: string;
  readonly hostname: string;
  readonly tty: boolean;
  readonly interactive: boolean;
  readonly stopSignal: string;
  readonly network: NetworkMode;
  readonly ports: readonly PortMapping[];
  readonly mounts: readonly MountRecord[];
  readonly readOnly: boolean;
  readonly privileged: boolean;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly memoryBytes?: number;
  /** HostConfig.MemorySwap, MemoryReservation, CpuShares, DeviceRequests as dockerd keeps them (resources.ts). */
  readonly memorySwap?: number;
  readonly memoryReservation?: number;
  readonly cpuShares?: number;
  readonly deviceRequests?: readonly DeviceRequest[];
  /** What create's checks warned of (dockerd's create response's Warnings). */
  readonly warnings?: readonly string[];
  /** A --log-opt value the log cannot take: every start fails with it, as dockerd's logger init does. */
  readonly logOptError?: string;
  readonly nanoCpus?: number;
  readonly pidsLimit?: number;
  /** The log's cap in bytes (--log-opt max-size; absent: the default cap) and max-file. */
  readonly logMaxSize?: number;
  readonly logMaxFile?: number;
  /** --log-opt max-size/max-file as given (inspect shows them so; the cap uses logMaxSize/logMaxFile). */
  readonly logOptRaw?: Readonly<Record<string, string>>;
  /** --log-opt labels/labels-regex/env/env-regex/tag, as given: `logs --details`' attributes (log-attrs.ts). */
  readonly logAttrOpts?: Readonly<Record<string, string>>;
  readonly init: boolean;
  readonly autoRemove: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** run's further flags (--add-host, --dns, --ulimit, --device, …) as Docker's HostConfig/Config fields (run-extras.ts). */
  readonly extras?: RunExtras;
  /** Container init's host pid while running, and its start time (guards against pid reuse). */
  pid?: number;
  pidStart?: string;
  /** "conmon" (detached, survives dockui) or "attached" (runc run in the foreground of a dockui). */
  monitor?: 'conmon' | 'attached';
  monitorPid?: number;
  /** An attached run's dockui (pid, start time): it records the exit code runc returns to it. */
  ownerPid?: number;
  ownerStart?: string;
  slirpPid?: number;
  apiSocket?: string;
  /** network 'container': the container whose network, IPC and UTS namespaces this one joins. */
  readonly nsOwner?: string;
  /** network 'bridge': its place on each dockui network (address kept until removal). */
  networks?: readonly NetworkAttachment[];
  restartCount: number;
  /** HostConfig.RestartPolicy; absent: "no". */
  restartPolicy?: RestartPolicy;
  /** The effective healthcheck (the image's merged with --health-*); absent or Test ["NONE"]: none. */
  healthcheck?: HealthConfig;
  /** State.Health while a healthcheck is set; reset to "starting" on every start. */
  health?: HealthState;
  /** Stopped by `stop`/`kill`/`rm` (not by itself): no restart policy applies (Docker's HasBeenManuallyStopped). */
  manuallyStopped?: boolean;
  /** The restart backoff last used (Docker's: 100 ms doubling, reset after 10 s up). */
  restartDelayMs?: number;
  /** The exit command waiting out the backoff before a restart (Docker's "restarting" state). */
  restartingPid?: number;
  /** The health runner's pid (and start time) while the container runs with a healthcheck. */
  healthPid?: number;
  healthPidStart?: string;
}

/** A disagreement `system check` found: an entry the records lack (missing) or do not back (extra). */
export interface IndexCheckProblem extends IndexProblem {
  readonly kind: 'missing' | 'extra';
}

export class RecordStore {
  readonly dir: string;
  readonly lockDir: string;
  /** Names → ids and the running set (container-index.ts): kept by write() and remove(). */
  readonly index: ContainerIndex;
  constructor(readonly paths: EnginePaths) {
    this.dir = join(paths.root, 'containers');
    this.lockDir = join(paths.runRoot, 'locks');
    this.index = new ContainerIndex(this.dir);
  }

  containerDir(id: string): string {
    return join(this.dir, id);
  }

  async ensureDirs(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    mkdirSync(this.lockDir, { recursive: true });
  }

  async read(id: string): Promise<ContainerRecord | undefined> {
    try {
      return JSON.parse(readFileSync(join(this.dir, id, 'record.json'), 'utf8')) as ContainerRecord;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || e instanceof SyntaxError) return undefined;
      throw e;
    }
  }

  /**
   * Writes the record (temp, then rename) with the index around it: entries it needs added
   * before, entries it ended dropped after (a rename passes the name it had: its link goes).
   */
  async write(rec: ContainerRecord, oldName?: string): Promise<void> {
    const dir = join(this.dir, rec.id);
    const tmp = join(dir, `.record.${process.pid}.${Date.now()}.tmp`);
    this.index.before(rec);
    writeFileSync(tmp, JSON.stringify(rec, null, 1));
    renameSync(tmp, join(dir, 'record.json'));
    this.index.after(rec, oldName);
  }

  /**
   * Under the names lock: what a create killed before its first record left — a container dir
   * with no record.json and nothing in it but its temporary record, and the name link made for
   * it. No live create can be there (it holds this lock from its mkdir to the record's rename and
   * writes nothing else first); a removal in progress still has its other files, and is left be.
   * Seen once dockui started fast enough for `kill -9` 100 ms into `run` to land in create.
   */
  sweepUnborn(): void {
    let dirs: string[];
    try {
      dirs = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const id of dirs) {
      if (!/^[0-9a-f]{64}$/.test(id)) continue;
      const dir = join(this.dir, id);
      if (existsSync(join(dir, 'record.json'))) continue;
      let files: string[];
      try {
        files = readdirSync(dir);
      } catch {
        continue; // not a directory, or gone
      }
      if (!files.every((f) => /^\.record\.\d+\.\d+\.tmp$/.test(f))) continue;
      for (const name of this.index.namesOf(id)) this.index.unlinkName(name, id);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Removes record.json (first of a container's files, so a half-removed dir is never listed), then its index entries. */
  removeRecord(rec: ContainerRecord): void {
    try {
      unlinkSync(join(this.dir, rec.id, 'record.json'));
    } catch {
      // gone already
    }
    this.index.removed(rec);
  }

  /** The index, rebuilt first if it was never completed (a new root, or an interrupted rebuild). */
  async ensureIndex(): Promise<ContainerIndex> {
    if (!this.index.complete())
      await this.withNamesLock(async () => {
        if (!this.index.complete()) await this.rebuildIndex();
      });
    return this.index;
  }

  /**
   * Under the names lock: the index from every record. A running marker the records do not back
   * goes only if its container's lock is free (a start marks before its record says running).
   */
  async rebuildIndex(): Promise<void> {
    const stale = this.index.rebuild(await this.list());
    for (const id of stale) {
      const release = await tryLock(this.lockPath(id));
      if (!release) continue;
      try {
        const r = await this.read(id);
        if (!r || !isLive(r)) this.index.unmark(id);
      } finally {
        await release();
      }
    }
  }

  /**
   * `system check`: where the index disagrees with the records (ContainerIndex.compare), and
   * with `repair` a rebuild under the names lock, then a second look for what is still off.
   */
  async checkIndex(repair: boolean): Promise<{ problems: IndexCheckProblem[]; remaining: number }> {
    // Never built (or its build was interrupted): nothing to disagree, its first use builds it.
    if (!this.index.complete()) {
      if (repair) await this.ensureIndex();
      return { problems: [], remaining: 0 };
    }
    const cmp = this.index.compare(await this.list());
    const problems: IndexCheckProblem[] = [
      ...cmp.missing.map((p) => ({ ...p, kind: 'missing' as const })),
      ...cmp.extra.map((p) => ({ ...p, kind: 'extra' as const })),
    ];
    if (!repair || problems.length === 0) return { problems, remaining: problems.length };
    await this.withNamesLock(() => this.rebuildIndex());
    const again = this.index.compare(await this.list());
    return { problems, remaining: again.missing.length + again.extra.length };
  }

  /**
   * The container with this exact name: one link and one record read. `namesLocked`: the
   * caller holds the names lock (create, rename), so a missing index is rebuilt without it.
   */
  async byName(name: string, namesLocked = false): Promise<ContainerRecord | undefined> {
    if (namesLocked && !this.index.complete(true)) await this.rebuildIndex();
    const idx = this.index.complete(true) ? this.index : await this.ensureIndex();
    const id = idx.nameTarget(name);
    const rec = id ? await this.read(id) : undefined;
    if (rec?.name === name) return rec;
    // A miss: the index this process once saw complete may have been dropped or removed since.
    if (this.index.complete()) return undefined;
    return this.byName(name, namesLocked);
  }

  /** Records that say running or paused, read through the index's running markers. */
  async listLive(): Promise<ContainerRecord[]> {
    const ids = (await this.ensureIndex()).runningIds();
    const recs = await Promise.all(ids.map((id) => this.read(id)));
    return recs.filter((r): r is ContainerRecord => r !== undefined && isLive(r));
  }

  /**
   * Exact id, exact name, or a unique id prefix. A name is one link in the index and one record
   * read; a prefix one readdir; no lookup reads every record.
   */
  async find(idOrName: string): Promise<ContainerRecord> {
    const q = idOrName.trim();
    if (/^[0-9a-f]{64}$/.test(q)) {
      const r = await this.read(q);
      if (r) return r;
    }
    const byName = await this.byName(q.startsWith('/') ? q.slice(1) : q);
    if (byName) return byName;
    if (/^[0-9a-f]+$/.test(q)) {
      const hits = this.ids().filter((id) => id.startsWith(q));
      if (hits.length > 1)
        throw new EngineError('invalid_argument', `container id prefix ${q} is ambiguous: ${hits.length} containers match`);
      const r = hits.length === 1 ? await this.read(hits[0]!) : undefined;
      if (r) return r;
    }
    throw new EngineError('not_found', `no such container: ${q}`);
  }

  /** Ids of every container directory (no record read): for id prefixes. */
  ids(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => /^[0-9a-f]{64}$/.test(n));
    } catch {
      return [];
    }
  }

  /**
   * Containers with a netns file or a runc state under the run root: all running ones, and
   * any other is what a killed start left behind (leftovers.ts). Two readdirs.
   */
  runtimeStateIds(): Set<string> {
    const ids = new Set<string>();
    for (const sub of ['netns', 'runc']) {
      let names: string[] = [];
      try {
        names = readdirSync(join(this.paths.runRoot, sub));
      } catch {
        // none yet
      }
      for (const n of names) if (/^[0-9a-f]{64}$/.test(n)) ids.add(n);
    }
    return ids;
  }

  /** Every readable record. A directory without record.json (half-created or half-removed) is skipped. */
  async list(): Promise<ContainerRecord[]> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const recs = await Promise.all(names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => this.read(n)));
    return recs.filter((r): r is ContainerRecord => r !== undefined);
  }

  lockPath(id: string): string {
    mkdirSync(this.lockDir, { recursive: true });
    return join(this.lockDir, `${id}.lock`);
  }

  withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return withLock(this.lockPath(id), fn, { what: `container ${id.slice(0, 12)}`, timeoutMs: 60_000 });
  }

  /** Serializes name choices (create, rename) between processes. */
  withNamesLock<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(this.lockPath('names'), fn, { what: 'container names', timeoutMs: 30_000 });
  }

  acquire(id: string): Promise<() => Promise<void>> {
    return acquireLock(this.lockPath(id), { what: `container ${id.slice(0, 12)}`, timeoutMs: 60_000 });
  }
}
