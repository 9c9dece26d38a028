// The facade's networks and compose nouns: dockui bridge networks (network/bridge.ts) and
// Compose projects (compose/), which reach the engine through this facade's own nouns.
import { EngineError, compareText } from '../define.js';
import type { ComposeOps } from '../compose/ops.js';
import type { LoadOptions } from '../compose/load.js';
import type { ComposeEngine, ComposeProjectHandle, ComposeProjectSummary, DockuiEngine, NetworkEngine, NetworkReport } from './api.js';
import type { EngineCore } from './core.js';

export class NetworkEngineImpl implements NetworkEngine {
  constructor(readonly core: EngineCore) {}

  async list(): Promise<NetworkReport[]> {
    return (await import('../network/bridge.js')).listNetworks(this.core.paths);
  }
  async create(name: string, opts: { labels?: Record<string, string>; internal?: boolean } = {}) {
    this.core.secure();
    return (await import('../network/bridge.js')).createNetwork(this.core.paths, name, opts);
  }
  async remove(nameOrId: string): Promise<void> {
    const n = await this.inspect(nameOrId);
    await (await import('../network/bridge.js')).removeNetwork(this.core.paths, n.name);
  }
  async inspect(nameOrId: string): Promise<NetworkReport> {
    const bridge = await import('../network/bridge.js');
    const byName = await bridge.readNetwork(this.core.paths, nameOrId);
    if (byName) return byName;
    if (/^[0-9a-f]+$/.test(nameOrId)) {
      const hits = (await bridge.listNetworks(this.core.paths)).filter((n) => n.id.startsWith(nameOrId));
      if (hits.length === 1 || (hits.length > 1 && hits[0]!.id === nameOrId)) return hits[0]!;
      if (hits.length > 1)
        throw new EngineError('invalid_argument', `network id prefix ${nameOrId} is ambiguous: ${hits.length} networks match`);
    }
    throw new EngineError('not_found', `no such network: ${nameOrId}`);
  }
  async connect(nameOrId: string, container: string, opts: { aliases?: readonly string[] } = {}): Promise<void> {
    const n = await this.inspect(nameOrId);
    await (await this.core.runtime()).connectNetwork(container, n.name, opts);
    if (this.core.live) await this.core.loadedRuntime?.refresh();
  }
  async disconnect(nameOrId: string, container: string): Promise<void> {
    const n = await this.inspect(nameOrId);
    await (await this.core.runtime()).disconnectNetwork(container, n.name);
    if (this.core.live) await this.core.loadedRuntime?.refresh();
  }
  async prune(opts: { keep?: (n: NetworkReport) => boolean } = {}): Promise<string[]> {
    const bridge = await import('../network/bridge.js');
    const gone: string[] = [];
    for (const n of await bridge.listNetworks(this.core.paths)) {
      if (opts.keep?.(n)) continue;
      try {
        await bridge.removeNetwork(this.core.paths, n.name);
        gone.push(n.name);
      } catch (e) {
        if (!(e instanceof EngineError) || e.code !== 'conflict') throw e;
      }
    }
    return gone;
  }
}

export class ComposeEngineImpl implements ComposeEngine {
  constructor(readonly engine: DockuiEngine) {}

  async ls(opts: { all?: boolean } = {}): Promise<ComposeProjectSummary[]> {
    const byProject = new Map<string, { states: Map<string, number>; files: string }>();
    for (const c of await this.engine.containers.list({ all: true })) {
      const name = c.labels['com.docker.compose.project'];
      if (!name) continue;
      const p = byProject.get(name) ?? { states: new Map<string, number>(), files: '' };
      p.states.set(c.state, (p.states.get(c.state) ?? 0) + 1);
      if (!p.files && c.labels['com.docker.compose.oneoff'] !== 'True') p.files = c.labels['com.docker.compose.project.config_files'] ?? '';
      byProject.set(name, p);
    }
    return [...byProject]
      .map(([name, p]) => ({
        name,
        status: [...p.states]
          .sort(([a], [b]) => compareText(a, b))
          .map(([st, n]) => `${st}(${n})`)
          .join(', '),
        configFiles: p.files,
        running: p.states.has('running'),
      }))
      .filter((p) => opts.all || p.running)
      .sort((a, b) => compareText(a.name, b.name));
  }

  async load(opts: LoadOptions = {}): Promise<ComposeProjectHandle> {
    const [{ loadProject }, { ComposeProject }, { ComposeFileError, toYaml }] = await Promise.all([
      import('../compose/load.js'),
      import('../compose/project.js'),
      import('../compose/yaml-read.js'),
    ]);
    let loaded;
    try {
      loaded = loadProject(opts);
    } catch (e) {
      if (e instanceof ComposeFileError) throw new EngineError('invalid_argument', e.message);
      throw e;
    }
    const e = this.engine;
    const ops: ComposeOps = {
      containers: e.containers,
      images: {
        inspectJson: (r) => e.images.inspectJson(r),
        pull: (r, o) => e.images.pull(r, o),
        remove: async (r) => {
          const res = (await e.images.removeMany([r])).results[0];
          if (res && 'error' in res) throw res.error;
        },
        push: async (r, o) => {
          await e.images.push(r, o);
        },
      },
      builds: e.builds,
      volumes: {
        list: () => e.volumes.list(),
        create: async (n) => ({ created: (await e.volumes.create(n)).created }),
        remove: (n) => e.volumes.remove(n),
      },
      networks: {
        list: () => e.networks.list(),
        create: async (n, o) => ({ created: (await e.networks.create(n, o)).created }),
        remove: (n) => e.networks.remove(n),
      },
    };
    const p = new ComposeProject(ops, loaded);
    const reload = () => {
      try {
        return new ComposeProject(ops, loadProject(opts));
      } catch (err) {
        if (err instanceof ComposeFileError) throw new EngineError('invalid_argument', err.message);
        throw err;
      }
    };
    return {
      project: loaded,
      configYaml: () => toYaml(loaded.model),
      up: (o) => p.up(o),
      down: (o) => p.down(o),
      containers: (o) => p.containers(o),
      start: (s, ev) => p.start(s, ev),
      stop: (s, o) => p.stop(s, o),
      restart: (s, o) => p.restart(s, o),
      rm: (s, o) => p.rm(s, o),
      build: async (services, o = {}) => {
        await p.buildServices(p.targets(services), o);
      },
      pull: async (services, o = {}) => {
        for (const svc of p.targets(services)) {
          const img = loaded.model.services[svc]!.image;
          if (!img || loaded.model.services[svc]!.build) continue;
          o.onEvent?.({ kind: 'Image', name: img, status: 'Pulling' });
          await e.images.pull(img, o.signal ? { signal: o.signal } : {});
          o.onEvent?.({ kind: 'Image', name: img, status: 'Pulled' });
        }
      },
      push: async (services, o = {}) => {
        for (const svc of p.targets(services)) {
          const s = loaded.model.services[svc]!;
          if (!s.build || !s.image) continue;
          o.onEvent?.({ kind: 'Image', name: s.image, status: 'Pushing' });
          try {
            await e.images.push(s.image, o.signal ? { signal: o.signal } : {});
          } catch (err) {
            if (!o.ignoreFailures) throw err;
            o.onError?.(err);
            continue;
          }
          o.onEvent?.({ kind: 'Image', name: s.image, status: 'Pushed' });
        }
      },
      runOneOff: async (o) => {
        const { createOneOff } = await import('../compose/oneoff.js');
        return createOneOff(p, o);
      },
      serviceContainer: (s, i) => p.serviceContainer(s, i),
      watch: async (o = {}) => {
        const { ComposeWatch } = await import('../compose/watch.js');
        const w = new ComposeWatch(p, { ...o, reload });
        await w.start();
        return { idle: () => w.idle(), close: () => w.close() };
      },
    };
  }
}
