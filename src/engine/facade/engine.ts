// The engine behind src/engine/index.ts: one object per process (a CLI command or the TUI) with
// a noun per subsystem. Opening it is free (paths and an event bus); each operation loads what
// it needs. No daemon: everything runs in the calling process; containers outlive it through
// their monitors.
import { EventBus } from '../events.js';
import { existsSync } from 'node:fs';
import { findExecutable } from '../runtime/oci-runtime.js';
import { resolvePaths, type EnginePaths } from '../paths.js';
import type { DockuiEngine, EngineOptions } from './api.js';
import { BuildEngineImpl } from './build.js';
import { ContainerEngineImpl } from './containers.js';
import { DevEngineImpl } from './dev.js';
import { EngineCore } from './core.js';
import { ImageEngineImpl } from './images.js';
import { RegistryEngineImpl, SystemEngineImpl, VolumeEngineImpl } from './system.js';
import { ComposeEngineImpl, NetworkEngineImpl } from './compose.js';
import { KubeEngineImpl } from './kube.js';
import { PodEngineImpl } from './pods.js';

/** What stops containers from running here, said plainly; undefined when nothing does. */
export function detectRuntimeProblem(): string | undefined {
  const pre = runtimePrecheck();
  if (typeof pre !== 'object') return pre;
  try {
    process.getBuiltinModule('node:child_process').execFileSync(pre.runc, ['--version'], { stdio: 'ignore' });
  } catch {
    return runcBroken(pre.runc);
  }
  return undefined;
}

/** detectRuntimeProblem, with `runc --version` run without blocking this process. */
async function runtimeProblemInBackground(): Promise<string | undefined> {
  const pre = runtimePrecheck();
  if (typeof pre !== 'object') return pre;
  const { execFile } = process.getBuiltinModule('node:child_process');
  return new Promise((resolve) => execFile(pre.runc, ['--version'], (err) => resolve(err ? runcBroken(pre.runc) : undefined)).stdin?.end());
}

const runcBroken = (runc: string) => `runc at ${runc} does not run: containers cannot run (apt-get install --reinstall runc)`;

/** The problems found without running anything, or the runc to try. */
function runtimePrecheck(): string | { runc: string } {
  // An ordinary user's dockui runs as uid 0 of its user namespace (bin/userns.mjs); uid ≠ 0 here
  // means it was kept out of it (DOCKUI_USERNS set by hand).
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return "running containers needs root or dockui's user namespace (unset DOCKUI_USERNS)";
  // DOCKUI_RUNC names the runtime binary, as OciRuntime reads it.
  const runc = process.env.DOCKUI_RUNC ?? findExecutable('runc');
  if (!runc) return 'runc is not installed: containers cannot run (apt-get install runc, or scripts/setup.sh)';
  if (!existsSync(runc)) return `runc is not installed at ${runc}`;
  return { runc };
}

class EngineImpl implements DockuiEngine {
  readonly events = new EventBus();
  readonly images: ImageEngineImpl;
  readonly containers: ContainerEngineImpl;
  readonly builds: BuildEngineImpl;
  readonly volumes: VolumeEngineImpl;
  readonly registry: RegistryEngineImpl;
  readonly system: SystemEngineImpl;
  readonly dev: DevEngineImpl;
  readonly networks: NetworkEngineImpl;
  readonly compose: ComposeEngineImpl;
  readonly kube: KubeEngineImpl;
  readonly pods: PodEngineImpl;
  #runtimeProblem: { value: string | undefined } | undefined;
  #runtimeCheck: Promise<string | undefined> | undefined;
  #closed = false;

  constructor(
    readonly paths: EnginePaths,
    insecure: readonly string[],
  ) {
    const core = new EngineCore(paths, this.events, insecure);
    this.images = new ImageEngineImpl(core);
    this.containers = new ContainerEngineImpl(core);
    this.builds = new BuildEngineImpl(core);
    this.volumes = new VolumeEngineImpl(core);
    this.registry = new RegistryEngineImpl(core);
    this.system = new SystemEngineImpl(core);
    this.dev = new DevEngineImpl(this);
    this.networks = new NetworkEngineImpl(core);
    this.compose = new ComposeEngineImpl(this);
    this.kube = new KubeEngineImpl(this);
    this.pods = new PodEngineImpl(this);
    this.containers.pods = this.pods;
  }

  /** Checked on first read (it runs `runc --version`): a CLI command never pays for it. */
  get runtimeProblem(): string | undefined {
    this.#runtimeProblem ??= { value: detectRuntimeProblem() };
    return this.#runtimeProblem.value;
  }

  runtimeCheck(): Promise<string | undefined> {
    if (this.#runtimeProblem) return Promise.resolve(this.#runtimeProblem.value);
    this.#runtimeCheck ??= runtimeProblemInBackground().then((value) => (this.#runtimeProblem ??= { value }).value);
    return this.#runtimeCheck;
  }

  async close(): Promise<void> {
    this.#closed = true;
    // wait() returns once an exit code is known; the mount and runc state are freed after.
    await this.containers.core.loadedRuntime?.settle();
  }

  get closed(): boolean {
    return this.#closed;
  }
}

function pathsOf(opts: EngineOptions): EnginePaths {
  return (
    opts.paths ??
    resolvePaths({
      ...(opts.root ? { root: opts.root } : {}),
      ...(opts.runRoot ? { runRoot: opts.runRoot } : {}),
    })
  );
}

/** The engine for one command: nothing is read or loaded until an operation needs it. */
export function openEngine(opts: EngineOptions = {}): DockuiEngine {
  return new EngineImpl(pathsOf(opts), opts.insecureRegistries ?? []);
}

/**
 * The engine as the TUI and long-lived callers hold it: opened, with the images and containers
 * snapshots read (so getSnapshot() has them) and kept current after every change.
 */
export async function createEngine(opts: EngineOptions = {}): Promise<DockuiEngine> {
  const engine = openEngine(opts);
  await Promise.all([engine.images.refresh(), engine.containers.refresh().catch(() => undefined)]);
  return engine;
}
