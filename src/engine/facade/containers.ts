// The containers noun of the facade over the runtime (runtime/containers.ts), loaded on first
// use. Listing is kept light: records are read here and the runtime is only loaded when one of
// them needs reconciling (its monitor gone or its exit written), so `dockui ps` stays cheap.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, EngineError, type ContainerStats, type ContainerSummary } from '../define.js';
import type { ContainerRecord } from '../runtime/records.js';
import { pidAlive } from '../sysx.js';
import type { LogsOptions, RunOptions } from '../types.js';
import type { ContainerChange, ContainerEngine, ContainerPathStat, ContainerReport, ExecOptions, LogLineReport, TopReport } from './api.js';
import type {
  AttachOptions,
  AttachResult,
  ExecSessionOptions,
  ExecStreamsOptions,
  CommitOptions,
  CommitResult,
  ContainerUpdate,
  CopyEnd,
  CopyOptions,
} from './api.js';
import type { EngineCore } from './core.js';
import type { PodEngineImpl } from './pods.js';

function report(r: ContainerRecord): ContainerReport {
  const live = r.state === 'running' || r.state === 'paused';
  return {
    ...r,
    command: commandLine(r.path, r.args),
    ...(r.health && live ? { healthStatus: r.health.Status } : {}),
    ...(r.state === 'exited' && r.restartingPid && pidAlive(r.restartingPid) ? { restarting: true } : {}),
  };
}

/**
 * Would Containers.reconcile() return this record as it is? A sufficient condition only (the
 * runtime decides every other case): not running; or no exit file from conmon and either the
 * attached run's owner or the monitor alive.
 */
async function settled(rec: ContainerRecord, dir: string): Promise<boolean> {
  if (rec.state !== 'running' && rec.state !== 'paused') return true;
  if (rec.monitor === 'conmon' && existsSync(join(dir, 'exit'))) return false;
  if (rec.monitor === 'attached' && rec.ownerPid && (rec.ownerPid === process.pid || pidAlive(rec.ownerPid, rec.ownerStart))) return true;
  return !!rec.monitorPid && pidAlive(rec.monitorPid);
}

/** The snapshot before the first listing: one array, so useSyncExternalStore sees no change. */
const noContainers: readonly ContainerSummary[] = Object.freeze([]);
export class ContainerEngineImpl implements ContainerEngine {
  readonly #listeners = new Set<() => void>();
  #forwarding = false;
  /** Set by the engine: `--pod` and a pod member's start go through it. */
  pods: PodEngineImpl | undefined;

  constructor(readonly core: EngineCore) {}

  async #rt() {
    const rt = await this.core.runtime();
    if (!this.#forwarding) {
      this.#forwarding = true;
      rt.subscribe(() => {
        for (const l of this.#listeners) l();
      });
    }
    return rt;
  }

  /** After a change: the snapshot follows when someone observes it. */
  async #changed(): Promise<void> {
    if (this.core.live) await this.refresh();
  }

  // ---- Observable (the TUI)
  subscribe(listener: () => void): () => void {
    this.core.live = true;
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  getSnapshot(): readonly ContainerSummary[] {
    return this.core.loadedRuntime?.getSnapshot() ?? noContainers;
  }
  async refresh(): Promise<void> {
    this.core.live = true;
    await (await this.#rt()).refresh();
  }

  // ---- lookup
  async list(opts: { all?: boolean } = {}): Promise<ContainerReport[]> {
    if (!this.core.loadedRuntime) {
      const { RecordStore } = await import('../runtime/records.js');
      const records = new RecordStore(this.core.paths);
      // Without -a only the running ones are read (the index's running markers).
      const recs = opts.all ? await records.list() : await records.listLive();
      const ok = await Promise.all(recs.map((r) => settled(r, records.containerDir(r.id))));
      // A netns or runc state of a container that is not running: a killed start's leftovers,
      // which the runtime's list frees.
      const running = new Set(recs.filter((r) => r.state === 'running' || r.state === 'paused').map((r) => r.id));
      if (ok.every(Boolean) && [...records.runtimeStateIds()].every((id) => running.has(id))) {
        recs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
        return (opts.all ? recs : recs.filter((r) => r.state === 'running' || r.state === 'paused')).map(report);
      }
    }
    return (await (await this.#rt()).list(opts)).map(report);
  }
  async find(idOrName: string): Promise<ContainerReport> {
    const rt = await this.#rt();
    // An exit wait() reported may still be being recorded by this process: it shows first.
    await rt.settle();
    return report(await rt.find(idOrName));
  }
  async inspect(idOrName: string): Promise<Record<string, unknown>> {
    if (!this.core.loadedRuntime) {
      // As list(): a settled record answers from the record, without loading the runtime.
      const [{ RecordStore }, { inspectJson }] = await Promise.all([import('../runtime/records.js'), import('../runtime/inspect-json.js')]);
      const records = new RecordStore(this.core.paths);
      const rec = await records.find(idOrName);
      const dir = records.containerDir(rec.id);
      if (await settled(rec, dir)) return inspectJson(rec, dir);
    }
    const rt = await this.#rt();
    await rt.settle();
    const rec = await rt.find(idOrName);
    return rt.inspectJson((await rt.reconcile(rec)) ?? rec);
  }

  // ---- lifecycle
  /** `--pod P`: the pod's namespaces instead of the container's own. */
  async #podOptions(opts: RunOptions): Promise<RunOptions> {
    if (opts.pod === undefined) return opts;
    if (!this.pods) throw new EngineError('internal', 'pods are not wired into this engine');
    return this.pods.join({ ...opts, pod: opts.pod });
  }
  async create(opts: RunOptions): Promise<ContainerReport> {
    const r = await (await this.#rt()).create(await this.#podOptions(opts));
    await this.#changed();
    return report(r);
  }
  async start(idOrName: string, opts: { foreground?: boolean } = {}): Promise<void> {
    const rt = await this.#rt();
    try {
      await rt.start(idOrName, opts);
    } catch (e) {
      // A pod's member whose infra container is down: podman starts the pod's infra first.
      if (!(e instanceof EngineError) || !/cannot join the namespaces/.test(e.message) || !this.pods) throw e;
      if (!(await this.pods.startInfraOf((await rt.find(idOrName)).labels))) throw e;
      await rt.start(idOrName, opts);
    }
    await this.#changed();
  }
  async run(opts: RunOptions): Promise<ContainerSummary> {
    const rt = await this.#rt();
    const created = await rt.create(await this.#podOptions(opts));
    try {
      const started = await rt.start(created.id);
      await this.#changed();
      return report(started);
    } catch (e) {
      // A container that could not start is not left behind (docker keeps it; a UI swap must not).
      await rt.remove(created.id, { force: true }).catch(() => undefined);
      await this.#changed();
      throw e;
    }
  }
  async runAttached(idOrName: string, opts: { signal?: AbortSignal } = {}): Promise<number> {
    return (await this.#rt()).runAttached(idOrName, opts);
  }
  async wait(idOrName: string, signal?: AbortSignal): Promise<number> {
    return (await this.#rt()).wait(idOrName, signal);
  }
  async stop(idOrName: string, opts?: { timeoutSec?: number; signal?: string; finish?: boolean }): Promise<void> {
    await (await this.#rt()).stop(idOrName, opts);
    await this.#changed();
  }
  async restart(idOrName: string, opts?: { timeoutSec?: number }): Promise<void> {
    await (await this.#rt()).restart(idOrName, opts);
    await this.#changed();
  }
  async pause(idOrName: string): Promise<void> {
    await (await this.#rt()).pause(idOrName);
    await this.#changed();
  }
  async unpause(idOrName: string): Promise<void> {
    await (await this.#rt()).unpause(idOrName);
    await this.#changed();
  }
  async kill(idOrName: string, signal?: string): Promise<void> {
    await (await this.#rt()).kill(idOrName, signal);
    await this.#changed();
  }
  async remove(idOrName: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void> {
    await (await this.#rt()).remove(idOrName, opts);
    await this.#changed();
  }
  async update(idOrName: string, u: ContainerUpdate): Promise<void> {
    await (await this.#rt()).update(idOrName, u);
    await this.#changed();
  }
  async rename(idOrName: string, newName: string): Promise<void> {
    await (await this.#rt()).rename(idOrName, newName);
    await this.#changed();
  }
  async prune(): Promise<string[]> {
    const gone = await (await this.#rt()).prune();
    await this.#changed();
    return gone;
  }
  // conmon's exit command and the health runner call these from their own processes, possibly
  // after `rm -f` removed the container (and a test its whole root): with no record there is
  // nothing to do, and the runtime is not loaded, so nothing is created under the roots.
  async cleanup(id: string): Promise<void> {
    if (!this.#recorded(id)) return;
    await (await this.#rt()).cleanup(id);
  }
  async healthcheck(id: string): Promise<boolean> {
    if (!this.#recorded(id)) return false;
    return (await this.#rt()).healthcheck(id);
  }
  #recorded(id: string): boolean {
    return /^[0-9a-f]{64}$/.test(id) && existsSync(join(this.core.paths.root, 'containers', id, 'record.json'));
  }
  async restore(): Promise<string[]> {
    const ids = await (await this.#rt()).restore();
    await this.#changed();
    return ids;
  }

  // ---- I/O
  async *logs(idOrName: string, opts?: LogsOptions): AsyncGenerator<LogLineReport> {
    yield* (await this.#rt()).logs(idOrName, opts);
  }
  async exec(idOrName: string, opts: ExecOptions) {
    return (await this.#rt()).exec(idOrName, opts);
  }
  async stats(idOrName: string, sampleMs?: number): Promise<ContainerStats> {
    return (await this.#rt()).stats(idOrName, sampleMs);
  }
  async top(idOrName: string, psArgs?: string): Promise<TopReport> {
    return (await this.#rt()).top(idOrName, psArgs);
  }
  async diff(idOrName: string): Promise<ContainerChange[]> {
    return (await this.#changes(idOrName)).changes;
  }
  async #changes(idOrName: string) {
    const [rt, diff] = await Promise.all([this.#rt(), import('../runtime/diff.js')]);
    const rec = await rt.find(idOrName);
    // Volume and bind destinations are mount points the runtime made, not the container's changes.
    const skip = new Set(rec.mounts.map((m) => m.destination.replace(/(.)\/+$/, '$1')));
    const upper = join(rt.dir(rec.id), 'upper');
    return { rec, upper, diff, changes: await diff.overlayChanges(upper, rec.lowerDirs, skip) };
  }
  async size(idOrName: string): Promise<{ rw: number; rootFs: number }> {
    const { rec, upper, diff, changes } = await this.#changes(idOrName);
    const rw = await diff.changesSize(upper, changes);
    const image = (await (await this.core.store()).listImages({ all: true, countUsers: false })).find((i) => i.id === rec.imageId);
    return { rw, rootFs: (image?.size ?? 0) + rw };
  }
  async attach(idOrName: string, opts: AttachOptions): Promise<AttachResult> {
    const [c, { attachContainer, checkAttachable }] = await Promise.all([this.find(idOrName), import('./attach.js')]);
    let r: AttachResult;
    try {
      r = await attachContainer(this.core.paths.root, c, opts);
    } catch (e) {
      // Gone between the look and the connect: said as for a stopped container.
      if ((e as { code?: string }).code === 'unavailable') checkAttachable(await this.find(c.id));
      throw e;
    }
    if (r.detached) return r;
    return { detached: false, exitCode: await this.wait(c.id) };
  }

  async execDetachKeys(keys: string): Promise<Buffer> {
    return (await import('./exec-session.js')).execDetachKeys(keys);
  }
  async execSession(idOrName: string, opts: ExecSessionOptions): Promise<AttachResult> {
    const { execDetachKeys, runExecSession } = await import('./exec-session.js');
    const keys = execDetachKeys(opts.detachKeys);
    const { args, env, user, workdir, privileged } = opts;
    const pty = await (await this.#rt()).execPty(idOrName, { args, env, user, workdir, privileged });
    return runExecSession(pty, opts, keys);
  }
  async execStreams(idOrName: string, opts: ExecStreamsOptions): Promise<AttachResult> {
    const [rt, { runExecStreams }] = await Promise.all([this.#rt(), import('./exec-streams.js')]);
    const { args, env, user, workdir, privileged } = opts;
    const child = await rt.exec(idOrName, {
      args,
      ...(env ? { env } : {}),
      ...(user ? { user } : {}),
      ...(workdir ? { workdir } : {}),
      ...(privileged ? { privileged } : {}),
      tty: false,
      interactive: opts.stdin !== undefined,
      stdio: 'pipe',
    });
    return runExecStreams(child, opts);
  }
  async execDetached(idOrName: string, opts: Omit<ExecOptions, 'interactive' | 'stdio'>): Promise<void> {
    const rt = await this.#rt();
    const { tty, ...rest } = opts;
    if (!tty) return rt.execDetached(idOrName, rest);
    const { detachPty } = await import('./exec-session.js');
    return detachPty(await rt.execPty(idOrName, rest));
  }
  async configDetachKeys(): Promise<{ keys?: string; warning?: string }> {
    return (await import('./exec-session.js')).configDetachKeys();
  }

  async copyFrom(idOrName: string, ctrPath: string, to: CopyEnd, opts?: CopyOptions): Promise<void> {
    const [rt, { copyFromContainer }] = await Promise.all([this.#rt(), import('./archive.js')]);
    await copyFromContainer(rt, idOrName, ctrPath, to, opts);
  }
  async copyTo(idOrName: string, from: CopyEnd, ctrPath: string, opts?: CopyOptions): Promise<void> {
    const [rt, { copyToContainer }] = await Promise.all([this.#rt(), import('./archive.js')]);
    await copyToContainer(rt, join(this.core.paths.root, 'tmp'), idOrName, from, ctrPath, opts);
  }
  async exportTo(idOrName: string, to: NodeJS.WritableStream): Promise<void> {
    const [rt, { exportContainer }] = await Promise.all([this.#rt(), import('./archive.js')]);
    await exportContainer(rt, idOrName, to);
  }
  async commit(idOrName: string, opts?: CommitOptions): Promise<CommitResult> {
    const [rt, store, { commitContainer }] = await Promise.all([this.#rt(), this.core.store(), import('./commit.js')]);
    return commitContainer(store, rt, idOrName, opts);
  }
  execShellCommand(idOrName: string): readonly string[] {
    const rt = this.core.loadedRuntime;
    // The TUI, the one caller, loaded the runtime with its first refresh.
    if (!rt) throw new EngineError('failed_precondition', 'the container runtime is not loaded yet: refresh() first');
    return rt.execShellCommand(idOrName);
  }
  async statPath(idOrName: string, path: string): Promise<ContainerPathStat> {
    const [rt, a] = await Promise.all([this.#rt(), import('./archive.js')]);
    return a.statPath(rt, idOrName, path);
  }
  async syncFiles(idOrName: string, entries: readonly { hostPath?: string; ctrPath: string }[]): Promise<void> {
    const [rt, { syncIntoRootfs }] = await Promise.all([this.#rt(), import('./sync-files.js')]);
    await syncIntoRootfs(rt, idOrName, entries);
  }
}
