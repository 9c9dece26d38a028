// createEngine(): the one facade the TUI, the dev loop and the tests drive. It ties the
// content store, pulls, the builder and the container runtime to one event bus. No daemon:
// everything here runs in the calling process; containers outlive it through their monitors.
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readlink, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { EngineError, type ContainerStats, type ContainerSummary, type LogLine } from './define.js';
import { EventBus } from './events.js';
import { ImagesService } from './images/service.js';
import { resolvePaths, type EnginePaths } from './paths.js';
import { openBuilder, type RunRequest } from './build/index.js';
import { Containers, summarize } from './runtime/containers.js';
import { rootfsOf } from './runtime/bundle.js';
import { runInRootfs } from './runtime/index.js';
import { openStore } from './store/index.js';
import type { ContainersApi, Engine, LogsOptions, RunOptions } from './types.js';

export interface CreateEngineOptions {
  readonly root?: string;
  readonly runRoot?: string;
  readonly insecureRegistries?: readonly string[];
}

/** What stops containers from running here, said plainly; undefined when nothing does. */
export function detectRuntimeProblem(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'running containers needs root (images can still be pulled, built and listed)';
  try {
    execFileSync('runc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'runc is not installed: containers cannot run (apt-get install runc, or scripts/setup.sh)';
  }
  return undefined;
}

/** The containers half of the facade over the runtime's record-level API. */
class ContainersFacade implements ContainersApi {
  constructor(readonly rt: Containers) {}

  subscribe(listener: () => void): () => void {
    return this.rt.subscribe(listener);
  }
  getSnapshot(): readonly ContainerSummary[] {
    return this.rt.getSnapshot();
  }
  refresh(): Promise<void> {
    return this.rt.refresh();
  }
  async create(opts: RunOptions): Promise<ContainerSummary> {
    const r = await this.rt.create(opts);
    await this.rt.refresh();
    return summarize(r);
  }
  async start(idOrName: string): Promise<void> {
    await this.rt.start(idOrName);
    await this.rt.refresh();
  }
  async run(opts: RunOptions): Promise<ContainerSummary> {
    const created = await this.rt.create(opts);
    try {
      const started = await this.rt.start(created.id);
      await this.rt.refresh();
      return summarize(started);
    } catch (e) {
      // A container that could not start is not left behind (docker keeps it; a UI swap must not).
      await this.rt.remove(created.id, { force: true }).catch(() => undefined);
      await this.rt.refresh();
      throw e;
    }
  }
  async stop(idOrName: string, opts?: { timeoutSec?: number; signal?: string }): Promise<void> {
    await this.rt.stop(idOrName, opts);
    await this.rt.refresh();
  }
  async pause(idOrName: string): Promise<void> {
    await this.rt.pause(idOrName);
    await this.rt.refresh();
  }
  async unpause(idOrName: string): Promise<void> {
    await this.rt.unpause(idOrName);
    await this.rt.refresh();
  }
  async restart(idOrName: string, opts?: { timeoutSec?: number }): Promise<void> {
    await this.rt.restart(idOrName, opts);
    await this.rt.refresh();
  }
  async kill(idOrName: string, signal?: string): Promise<void> {
    await this.rt.kill(idOrName, signal);
    await this.rt.refresh();
  }
  async remove(idOrName: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void> {
    await this.rt.remove(idOrName, opts);
    await this.rt.refresh();
  }
  logs(idOrName: string, opts?: LogsOptions): AsyncIterable<LogLine> {
    return this.rt.logs(idOrName, opts);
  }
  stats(idOrName: string): Promise<ContainerStats> {
    return this.rt.stats(idOrName);
  }
  execShellCommand(idOrName: string): readonly string[] {
    return this.rt.execShellCommand(idOrName);
  }

  /**
   * Copies host files into the running container's merged overlay (the host-side mount runc
   * started the container on), so images with no shell or tar work too. Every path component
   * inside the container is checked with lstat: a symlink in the container cannot redirect the
   * write outside its root filesystem.
   */
  async syncFiles(idOrName: string, entries: readonly { hostPath?: string; ctrPath: string }[]): Promise<void> {
    const rec = await this.rt.find(idOrName);
    if (rec.state !== 'running') throw new EngineError('failed_precondition', `container ${rec.name} is ${rec.state}, not running`);
    const root = rootfsOf(this.rt.dir(rec.id));
    for (const e of entries) {
      const rel = posix.normalize(e.ctrPath).replace(/^\/+/, '');
      if (rel === '' || rel === '.' || rel.startsWith('..'))
        throw new EngineError('invalid_argument', `cannot sync to ${e.ctrPath}: outside the container's filesystem`);
      const parts = rel.split('/');
      let cur = root;
      for (const p of parts.slice(0, -1)) {
        cur = `${cur}/${p}`;
        const st = await lstat(cur).catch(() => undefined);
        if (!st) await mkdir(cur);
        else if (!st.isDirectory())
          throw new EngineError(
            'invalid_argument',
            `cannot sync to ${e.ctrPath}: /${rel.slice(0, cur.length - root.length - 1)} is not a directory in the container`,
          );
      }
      const dest = `${root}/${rel}`;
      const existing = await lstat(dest).catch(() => undefined);
      if (existing?.isSymbolicLink()) await rm(dest);
      if (e.hostPath === undefined) {
        await rm(dest, { recursive: true, force: true });
        continue;
      }
      const src = await lstat(e.hostPath);
      if (src.isDirectory()) {
        if (!existing?.isDirectory()) {
          if (existing) await rm(dest, { force: true });
          await mkdir(dest);
        }
        await chmod(dest, src.mode & 0o7777);
      } else if (src.isSymbolicLink()) {
        if (existing) await rm(dest, { recursive: true, force: true });
        await symlink(await readlink(e.hostPath), dest);
      } else {
        if (existing?.isDirectory()) await rm(dest, { recursive: true, force: true });
        await mkdir(dirname(dest), { recursive: true });
        // Write beside, then rename: a reader in the container never sees half a file.
        const tmp = `${dest}.dockui-sync-${process.pid}`;
        await copyFile(e.hostPath, tmp);
        await chmod(tmp, src.mode & 0o7777);
        await rename(tmp, dest);
      }
    }
  }
}

/**
 * The builder's RUN through the container runtime. RUN gets the host's network by default
 * (outbound access, as BuildKit gives RUN) and a `--mount=type=tmpfs` becomes a fresh scratch
 * dir bound in and removed afterwards: the same contract, no size limit.
 */
export async function runBuildStep(paths: EnginePaths, req: RunRequest): Promise<{ exitCode: number }> {
  const scratch: string[] = [];
  try {
    const mounts = [];
    for (const m of req.mounts) {
      if (m.type === 'bind') {
        if (!m.source) throw new EngineError('invalid_argument', `RUN --mount target ${m.target} has no source`);
        mounts.push({ source: m.source, target: m.target, readOnly: m.readonly });
      } else {
        const dir = await mkdtemp(join(paths.root, 'tmp', 'run-tmpfs-'));
        scratch.push(dir);
        mounts.push({ source: dir, target: m.target, readOnly: false });
      }
    }
    return await runInRootfs({
      paths,
      lowerDirs: req.lowerDirs,
      upperDir: req.upperDir,
      workDir: req.workDir,
      args: req.args,
      env: req.env,
      ...(req.user ? { user: req.user } : {}),
      cwd: req.cwd,
      network: req.network === 'none' ? 'none' : 'host',
      mounts,
      ...(req.signal ? { signal: req.signal } : {}),
      onOutput: req.onOutput,
    });
  } finally {
    await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
  }
}

class EngineImpl implements Engine {
  readonly events = new EventBus();
  readonly images: ImagesService;
  readonly containers: ContainersFacade;
  readonly builds;
  readonly runtimeProblem: string | undefined;
  #closed = false;

  constructor(
    readonly paths: EnginePaths,
    store: Awaited<ReturnType<typeof openStore>>,
    insecure: readonly string[],
  ) {
    this.images = new ImagesService(store, this.events, insecure);
    this.containers = new ContainersFacade(new Containers(paths, this.events));
    this.builds = openBuilder({
      root: paths.root,
      store,
      events: this.events,
      insecureRegistries: insecure,
      runInRootfs: (req) => runBuildStep(paths, req),
    });
    this.runtimeProblem = detectRuntimeProblem();
  }

  async close(): Promise<void> {
    this.#closed = true;
    // wait() returns once an exit code is known; the mount and runc state are freed after.
    await this.containers.rt.settle();
  }

  get closed(): boolean {
    return this.#closed;
  }
}

export async function createEngine(opts: CreateEngineOptions = {}): Promise<Engine> {
  const paths = resolvePaths({
    ...(opts.root ? { root: opts.root } : {}),
    ...(opts.runRoot ? { runRoot: opts.runRoot } : {}),
  });
  const store = await openStore(paths.root);
  const engine = new EngineImpl(paths, store, opts.insecureRegistries ?? []);
  await Promise.all([engine.images.refresh(), engine.containers.refresh().catch(() => undefined)]);
  return engine;
}
