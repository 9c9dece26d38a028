// The facade's pods noun over pod/pods.ts, loaded on first use (a `ps` never reads a pod).
import type { RunOptions } from '../types.js';
import type { DockuiEngine, PodCreateOptions, PodEngine, PodReport } from './api.js';
import type { Pods } from '../pod/pods.js';

export class PodEngineImpl implements PodEngine {
  #pods: Promise<Pods> | undefined;
  constructor(readonly engine: DockuiEngine) {}

  #load(): Promise<Pods> {
    this.#pods ??= import('../pod/pods.js').then((m) => new m.Pods(this.engine));
    return this.#pods;
  }

  async create(opts: PodCreateOptions): Promise<PodReport> {
    return (await this.#load()).create(opts);
  }
  async list(): Promise<PodReport[]> {
    return (await this.#load()).list();
  }
  async inspect(nameOrId: string): Promise<PodReport> {
    return (await this.#load()).inspect(nameOrId);
  }
  async start(nameOrId: string): Promise<PodReport> {
    return (await this.#load()).start(nameOrId);
  }
  async stop(nameOrId: string, opts?: { timeoutSec?: number }): Promise<PodReport> {
    return (await this.#load()).stop(nameOrId, opts);
  }
  async remove(nameOrId: string, opts?: { force?: boolean }): Promise<void> {
    await (await this.#load()).remove(nameOrId, opts);
  }
  /** `run --pod P`'s options: the pod's namespaces (its infra container started). */
  async join(opts: RunOptions & { pod: string }): Promise<RunOptions> {
    return (await this.#load()).join(opts);
  }
  /** A member whose infra container is down: started first (podman starts the pod). */
  async startInfraOf(labels: Readonly<Record<string, string>>): Promise<boolean> {
    const { podLabel } = await import('../pod/store.js');
    const pod = labels[podLabel];
    if (!pod) return false;
    const p = (await this.#load()).store.find(pod);
    await this.engine.containers.start(p.infraId);
    return true;
  }
}
