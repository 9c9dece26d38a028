// Containers, part 1: records and lookup, reconciling records with what is alive, finishing an
// exited container and removing its traces. Every operation on one container runs under its lock
// and checks the state table first; any dockui process sees (and reconciles) the same records.
// The service grows by layers: core → start.ts → lifecycle.ts → containers.ts (the public class).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from '../util/fsa.js';
import { join } from 'node:path';
import type { ContainerSummary } from '../define.js';
import type { EventBus } from '../events.js';
import type { EnginePaths } from '../paths.js';
import { pidAlive, tryLock } from '../store/lock.js';
import { rootfsOf } from './bundle.js';
import { removeRuntimeLeftovers } from './leftovers.js';
import { readExit } from './monitor.js';
import { stopHealthRunner } from './health.js';
import { teardownNetwork } from './network.js';
import { releaseBridge, stopBridge } from './bridge-net.js';
import { OciRuntime } from './oci-runtime.js';
import { type ContainerRecord, RecordStore } from './records.js';
import { isLive } from './container-index.js';
import { unmount } from './rootfs.js';
import { shmDirOf } from './extra-spec.js';
import { Volumes } from './volumes.js';
import { imageFromStore, type ImageInfo, initAlive, sleep, summarize, trace } from './support.js';

export class ContainerCore {
  readonly records: RecordStore;
  protected runtimeCache: OciRuntime | undefined;
  protected snapshot: readonly ContainerSummary[] = [];
  /** The last full listing and the index's change counter read before it (refresh()). */
  protected listed: { readonly changes: string; readonly recs: readonly ContainerRecord[] } | undefined;
  /** Finishes started by wait(), still freeing resources in the background. */
  protected readonly finishing = new Set<Promise<unknown>>();
  /** Bundles this process wrote at create and nothing changed since: start skips rewriting them. */
  protected readonly fresh = new Set<string>();
  protected readonly listeners = new Set<() => void>();

  constructor(
    readonly paths: EnginePaths,
    readonly events?: EventBus,
    readonly resolveImage: (ref: string) => Promise<ImageInfo> = (ref) => imageFromStore(paths.root, ref),
  ) {
    this.records = new RecordStore(paths);
  }

  get runtime(): OciRuntime {
    this.runtimeCache ??= new OciRuntime(join(this.paths.runRoot, 'runc'));
    return this.runtimeCache;
  }

  dir(id: string): string {
    return this.records.containerDir(id);
  }

  /** Resolves when every background finish of this process is done (before exiting, in tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.finishing]);
  }

  // ---- Observable
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  getSnapshot(): readonly ContainerSummary[] {
    return this.snapshot;
  }
  /**
   * The snapshot again. Cheap when no record changed since the last full listing (the index's
   * change counter): only the live containers are reconciled (an exit no one recorded yet).
   */
  async refresh(): Promise<void> {
    const idx = this.records.index;
    const changes = idx.complete() ? idx.changes() : undefined;
    const last = this.listed;
    if (changes !== undefined && last?.changes === changes) {
      await this.settle();
      const out = await Promise.all(last.recs.map((r) => this.reconcile(r)));
      if (out.every((r, i) => r === last.recs[i])) {
        await this.sweepLeftovers(undefined, last.recs.filter(isLive));
        // Nothing changed since the last listing: the same snapshot, and no listener is told
        // (each one told redraws the TUI's whole screen: at rest that was most of its CPU).
        return;
      }
    }
    const recs = await this.list({ all: true });
    this.listed = changes !== undefined ? { changes, recs } : undefined;
    this.snapshot = recs.map(summarize);
    for (const l of this.listeners) l();
  }

  // ---- lookup

  /** Exact id, exact name, or a unique id prefix (RecordStore.find). */
  async find(idOrName: string): Promise<ContainerRecord> {
    return this.records.find(idOrName);
  }

  /** Records, reconciled with what is actually alive; without `all`, only the running ones are read (the index's markers). */
  async list(opts: { all?: boolean } = {}): Promise<ContainerRecord[]> {
    await this.settle();
    const recs = opts.all ? await this.records.list() : await this.records.listLive();
    const out = await Promise.all(recs.map((r) => this.reconcile(r)));
    const live = out.filter((r): r is ContainerRecord => r !== undefined);
    await this.sweepLeftovers(undefined, opts.all ? live : live.filter(isLive));
    live.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    return opts.all ? live : live.filter(isLive);
  }

  /**
   * A record that says running while its monitor and process are gone (or whose exit conmon
   * has written) is finished here: exit code, reason, cleanup. Cheap when nothing changed.
   */
  async reconcile(rec: ContainerRecord): Promise<ContainerRecord | undefined> {
    if (rec.state !== 'running' && rec.state !== 'paused') return rec;
    const exited = rec.monitor === 'conmon' && existsSync(join(this.dir(rec.id), 'exit'));
    // An attached run whose dockui lives is that dockui's to finish (it has the exit code).
    const owned = rec.monitor === 'attached' && !!rec.ownerPid && (rec.ownerPid === process.pid || pidAlive(rec.ownerPid, rec.ownerStart));
    const lost = !exited && !owned && !(rec.monitorPid && pidAlive(rec.monitorPid)) && !initAlive(rec);
    if (!exited && !lost) return rec;
    const release = await tryLock(this.records.lockPath(rec.id));
    if (!release) return rec; // someone else is on it
    try {
      return await this.finishLocked(rec.id, lost ? 'monitor lost' : undefined);
    } finally {
      await release();
    }
  }

  /**
   * Frees what a dockui killed mid-start left (leftovers.ts): orphan slirp4netns holding host
   * ports, conmon and runc containers without a running record, stale netns. Two readdirs when
   * there is nothing to do. `held`: containers whose lock the caller holds.
   */
  async sweepLeftovers(held?: ReadonlySet<string>, recs?: readonly ContainerRecord[]): Promise<void> {
    const ids = this.records.runtimeStateIds();
    if (!ids.size) return;
    const running = new Set((recs ?? (await this.records.listLive())).filter(isLive).map((r) => r.id));
    if (![...ids].some((id) => !running.has(id) || held?.has(id))) return;
    await removeRuntimeLeftovers(this.paths.root, this.paths.runRoot, undefined, held ? { held } : {});
  }

  // ---- finish: record the exit, free what the run held

  /**
   * Under the lock: records the exit (conmon's file, or `code`) and frees mounts, netns, runc
   * state. `inForeground`: the caller is a CLI command waiting on it (see destroy()).
   */
  async finishLocked(id: string, reason?: string, code?: number, inForeground = false): Promise<ContainerRecord | undefined> {
    const rec = await this.records.read(id);
    if (!rec) return undefined;
    if (rec.state !== 'running' && rec.state !== 'paused') return rec;
    const dir = this.dir(id);
    trace('finish: begin');
    const exit = await readExit(dir);
    const exitCode = exit?.code ?? code ?? (reason ? 255 : undefined);
    if (exitCode === undefined) return rec; // still running after all
    // `runc run` (attached) removes its own state; conmon's `runc create` leaves it for us.
    if (existsSync(join(this.paths.runRoot, 'runc', id))) await this.runtime.delete(id, { force: true }).catch(() => undefined);
    if (rec.network === 'bridge') await stopBridge(this.paths, rec);
    if (rec.network === 'private')
      await teardownNetwork({
        runRoot: this.paths.runRoot,
        id,
        ...(rec.slirpPid ? { slirpPid: rec.slirpPid } : {}),
        ...(rec.apiSocket ? { apiSocket: rec.apiSocket } : {}),
      });
    unmount(rootfsOf(dir));
    unmount(shmDirOf(dir));
    stopHealthRunner(rec);
    delete rec.healthPid;
    delete rec.healthPidStart;
    rec.state = 'exited';
    rec.exitCode = exitCode;
    rec.finishedAt = (exit?.at ?? new Date()).toISOString();
    const why = exit?.oom ? 'oom' : reason;
    if (why) rec.exitReason = why;
    else delete rec.exitReason;
    delete rec.pid;
    delete rec.pidStart;
    delete rec.monitorPid;
    delete rec.ownerPid;
    delete rec.ownerStart;
    delete rec.slirpPid;
    // With --rm the record goes next: destroy() marks it "removing" first, so no exited write.
    if (!rec.autoRemove) await this.records.write(rec);
    // The exit code outlives an auto-removed record in RUNROOT/exits/<id> for `wait` in another
    // process: conmon writes it for its containers, the attached runs' monitor (dockui) here.
    else if (!exit) {
      mkdirSync(join(this.paths.runRoot, 'exits'), { recursive: true });
      writeFileSync(join(this.paths.runRoot, 'exits', id), String(exitCode));
    }
    trace('finish: freed');
    this.events?.emit('container.exited', { id, exitCode, ...(why ? { reason: why } : {}) });
    if (rec.autoRemove) {
      await this.destroy(rec, inForeground);
      this.events?.emit('container.removed', { id });
      return undefined;
    }
    return rec;
  }

  /** conmon's exit command: finish the container (and remove it with --rm). */
  async cleanup(id: string): Promise<void> {
    await this.records.withLock(id, () => this.finishLocked(id));
  }

  /** Waits until the container has exited (or the deadline passes); returns whether it did. */
  async waitExit(id: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const dir = this.dir(id);
    for (let delay = 5; ; delay = Date.now() + timeoutMs - deadline < 2000 ? 5 : 50) {
      const rec = await this.records.read(id);
      if (!rec || rec.state === 'exited' || rec.state === 'created') return true;
      if (rec.monitor === 'conmon' ? existsSync(join(dir, 'exit')) : !initAlive(rec) && !(rec.monitorPid && pidAlive(rec.monitorPid)))
        return true;
      if (!initAlive(rec) && !(rec.monitorPid && pidAlive(rec.monitorPid))) return true;
      if (Date.now() > deadline || signal?.aborted) return false;
      await sleep(delay);
    }
  }

  /**
   * An attached run's own dockui records the exit code runc hands it, and hears of the exit at
   * once: another process that stopped or killed the container waits for that (up to 5 s, while
   * the owner lives) rather than recording a guessed 137 first.
   */
  protected async ownerFinishes(rec: ContainerRecord): Promise<void> {
    if (rec.monitor !== 'attached' || !rec.ownerPid || rec.ownerPid === process.pid) return;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && pidAlive(rec.ownerPid, rec.ownerStart)) {
      const r = await this.records.read(rec.id);
      if (!r || (r.state !== 'running' && r.state !== 'paused')) return;
      await sleep(5);
    }
  }

  /**
   * Signals the container's init: directly when its pid is known and still the same process
   * (what `runc kill` does, without a runc process); through runc otherwise. SIGKILL to init
   * ends the whole pid namespace.
   */
  protected async signal(rec: ContainerRecord, sig: string): Promise<boolean> {
    if (rec.pid && initAlive(rec)) {
      try {
        process.kill(rec.pid, sig as NodeJS.Signals);
        return true;
      } catch {
        /* raced with its exit: runc decides below */
      }
    }
    return this.runtime.kill(rec.id, sig, { all: sig === 'SIGKILL' }).catch(() => false);
  }

  /**
   * Removes every trace of a container: runc state, netns, mount, directory, exit file; its
   * anonymous volumes too with --rm or `rm -v` (`volumes`), as Docker does.
   * `inForeground`: a CLI command is waiting (the attached run): the dir goes with rmSync, ~10×
   * quicker for the usual handful of files than the thread pool's walk. Otherwise (a TUI, or any
   * caller that must not stall) asynchronously, as a container's upper dir may hold many files.
   */
  protected async destroy(rec: ContainerRecord, inForeground = false, volumes = rec.autoRemove): Promise<void> {
    const dir = this.dir(rec.id);
    rec.state = 'removing';
    await this.records.write(rec).catch(() => undefined);
    if (existsSync(join(this.paths.runRoot, 'runc', rec.id))) await this.runtime.delete(rec.id, { force: true }).catch(() => undefined);
    if (rec.network === 'bridge') await releaseBridge(this.paths, rec);
    if (rec.network === 'private')
      await teardownNetwork({
        runRoot: this.paths.runRoot,
        id: rec.id,
        ...(rec.slirpPid ? { slirpPid: rec.slirpPid } : {}),
        ...(rec.apiSocket ? { apiSocket: rec.apiSocket } : {}),
      });
    unmount(rootfsOf(dir));
    unmount(shmDirOf(dir));
    // record.json goes first, so a half-removed dir is never listed; then its index entries.
    this.records.removeRecord(rec);
    if (inForeground) rmSync(dir, { recursive: true, force: true });
    else await rm(dir, { recursive: true, force: true });
    // conmon's copy of the exit code (RUNROOT/exits/<id>) stays for an auto-removed container:
    // `run --rm` and `wait` read it when the record is already gone.
    if (!rec.autoRemove) await rm(join(this.paths.runRoot, 'exits', rec.id), { force: true });
    const anonymous = rec.mounts.filter((m) => m.type === 'volume' && m.anonymous && /^[0-9a-f]{64}$/.test(m.source));
    if (volumes && anonymous.length) {
      const vols = new Volumes(this.paths);
      for (const m of anonymous) await vols.remove(m.source, []).catch(() => undefined); // never made: fine
    }
  }

  /** The exit code conmon left in RUNROOT/exits for a container removed meanwhile (--rm). */
  lastExitCode(id: string): number | undefined {
    try {
      const n = Number.parseInt(readFileSync(join(this.paths.runRoot, 'exits', id), 'utf8').trim(), 10);
      return Number.isFinite(n) ? n : undefined;
    } catch {
      return undefined;
    }
  }
}
