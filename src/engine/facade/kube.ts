// The facade's kube noun: Kubernetes manifests from what runs here (kube/generate.ts), checked
// against the Kubernetes schemas (kube/validate.ts). Everything loads on first use: no other
// command pays for kubernetes-models.
import { EngineError } from '../define.js';
import type { DockuiEngine, KubeDownReport, KubeEngine, KubeGenerateOptions, KubeManifests, KubePlayReport } from './api.js';
import type { containerWorkloads as ContainerWorkloads, podWorkload as PodWorkload, WorkloadSources } from '../kube/workloads.js';
import type { Workload } from '../kube/generate.js';

export class KubeEngineImpl implements KubeEngine {
  constructor(readonly engine: DockuiEngine) {}

  #sources(): WorkloadSources {
    const e = this.engine;
    return {
      list: () => e.containers.list({ all: true }),
      exposed: async (ref) => {
        try {
          const cfg = (await e.images.inspectJson(ref)).Config as { ExposedPorts?: Record<string, unknown> } | undefined;
          return Object.keys(cfg?.ExposedPorts ?? {});
        } catch {
          return [];
        }
      },
    };
  }

  async generate(o: KubeGenerateOptions): Promise<KubeManifests> {
    const names = o.containers ?? [];
    if (!names.length && !o.composeProject)
      throw new EngineError('invalid_argument', 'kube generate needs a container or --compose-project');
    if (names.length && o.composeProject)
      throw new EngineError('invalid_argument', 'kube generate takes containers or --compose-project, not both');
    if (o.type !== undefined && o.type !== 'deployment' && o.type !== 'pod')
      throw new EngineError('invalid_argument', `kube generate --type: ${o.type} (deployment or pod)`);
    const [{ containerWorkloads, composeWorkloads, podWorkload }, { manifestsFor }] = await Promise.all([
      import('../kube/workloads.js'),
      import('../kube/manifests.js'),
    ]);
    const src = this.#sources();
    const workloads = o.composeProject
      ? await composeWorkloads(src, o.composeProject)
      : (await Promise.all(names.map((n) => this.#workloadOf(src, n, containerWorkloads, podWorkload)))).flat();
    // A Compose project's services find each other by name: they get Services unless told otherwise.
    const service = o.service ?? !!o.composeProject;
    return manifestsFor(workloads, { type: o.type ?? 'deployment', service });
  }

  /** A container's workload, or a pod's (one pod spec with every member) when the name is a pod's. */
  async #workloadOf(
    src: WorkloadSources,
    name: string,
    containerWorkloads: typeof ContainerWorkloads,
    podWorkload: typeof PodWorkload,
  ): Promise<Workload[]> {
    try {
      return await containerWorkloads(src, [await this.engine.containers.find(name)]);
    } catch (e) {
      if (!(e instanceof EngineError) || e.code !== 'not_found') throw e;
      let pod;
      try {
        pod = await this.engine.pods.inspect(name);
      } catch {
        throw e; // neither a container nor a pod: the container's not_found
      }
      const infra = await this.engine.containers.find(pod.infraId);
      const members = await Promise.all(pod.containers.map((c) => this.engine.containers.find(c.id)));
      return [await podWorkload(src, { name: pod.name, infra, members })];
    }
  }

  async play(file: string, opts: { text?: string; publish?: readonly string[]; signal?: AbortSignal } = {}): Promise<KubePlayReport> {
    return (await import('../kube/run-play.js')).play(this.engine, file, opts);
  }

  async down(file: string, opts: { text?: string; force?: boolean } = {}): Promise<KubeDownReport> {
    return (await import('../kube/run-play.js')).down(this.engine, file, opts);
  }
}
