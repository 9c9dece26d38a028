// /_ping, /version, /info, /events, /system/df and /volumes of the Engine API.
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { dockerEventKinds, type DockuiEngine, type VolumeReport } from '../engine/index.js';
import { listedImageNames, type EngineEvents, type EngineTopic } from '../engine/define.js';
import { API_VERSION, HttpError, MIN_API_VERSION, noContent, qFilters, sendJson } from './http.js';
import { summaryHead } from './containers.js';
import { jsonLines } from './images.js';

export const VERSION = '0.1.0';
const goArch = () => (arch() === 'x64' ? 'amd64' : arch());

export function pingHeaders(): Record<string, string> {
  return {
    'API-Version': API_VERSION,
    'Docker-Experimental': 'false',
    OSType: 'linux',
    Server: `dockui/${VERSION}`,
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
  };
}

/**
 * The headers dockerd's version middleware puts on every reply, which its exec start copies
 * onto the hijacked stream after its own (its attach does not): in dockerd's order and case.
 */
export function streamHeaders(): Record<string, string> {
  const h = pingHeaders();
  return { 'Api-Version': h['API-Version']!, 'Docker-Experimental': h['Docker-Experimental']!, Ostype: h.OSType!, Server: h.Server! };
}

export function version(res: ServerResponse): void {
  const details = {
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    Arch: goArch(),
    Os: 'linux',
    KernelVersion: release(),
    GitCommit: 'dockui',
    GoVersion: `node${process.versions.node}`,
  };
  sendJson(res, 200, {
    Platform: { Name: 'dockui' },
    Components: [{ Name: 'Engine', Version: VERSION, Details: details }],
    Version: VERSION,
    ...details,
    BuildTime: '',
  });
}

export async function info(engine: DockuiEngine, res: ServerResponse): Promise<void> {
  const [cs, imgs] = await Promise.all([engine.containers.list({ all: true }), engine.images.list()]);
  const n = (s: string) => cs.filter((c) => c.state === s).length;
  sendJson(res, 200, {
    ID: 'dockui',
    Containers: cs.length,
    ContainersRunning: n('running'),
    ContainersPaused: n('paused'),
    ContainersStopped: cs.length - n('running') - n('paused'),
    Images: imgs.length,
    Driver: 'overlay',
    DriverStatus: [],
    DockerRootDir: engine.paths.root,
    LoggingDriver: 'k8s-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: '1',
    KernelVersion: release(),
    OperatingSystem: 'dockui',
    OSType: 'linux',
    Architecture: arch() === 'x64' ? 'x86_64' : arch(),
    NCPU: cpus().length,
    MemTotal: totalmem(),
    Name: hostname(),
    ServerVersion: VERSION,
    Runtimes: { runc: { path: 'runc' } },
    DefaultRuntime: 'runc',
    Swarm: { LocalNodeState: 'inactive', ControlAvailable: false, NodeID: '', NodeAddr: '' },
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Log: ['k8s-file'] },
    RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: ['127.0.0.0/8'], Mirrors: [] },
    SecurityOptions: ['name=seccomp,profile=default'],
    Labels: [],
    ExperimentalBuild: false,
    Warnings: [],
  });
}

// ---- events

/** GET /events: what this service's engine does from now on, as Docker's event objects. */
export function events(engine: DockuiEngine, q: URLSearchParams, res: ServerResponse, closed: AbortSignal): Promise<void> {
  const filters = qFilters(q);
  const until = q.get('until');
  const out = jsonLines(res);
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      off();
      if (timer) clearTimeout(timer);
      out.end();
      resolve();
    };
    const off = engine.events.onAny(<T extends EngineTopic>(topic: T, p: EngineEvents[T]) => {
      const m = dockerEventKinds[topic];
      if (!m) return;
      const [Type, Action] = m;
      const payload = p as Record<string, string | number | undefined>;
      const id = String(payload.id ?? payload.ref ?? '');
      const attrs: Record<string, string> = {};
      for (const k of ['name', 'ref', 'exitCode', 'container', 'type'] as const)
        if (payload[k] !== undefined) attrs[k] = String(payload[k]);
      const want = (k: string, v: string) => !filters.get(k)?.length || filters.get(k)!.includes(v);
      // Docker's container= and network= match the event's actor (its id or name attribute).
      const actor = (k: string) => want(k, id) || want(k, attrs.name ?? '');
      if (!want('type', Type) || !want('event', Action) || !actor('container') || !actor('network')) return;
      const now = Date.now();
      out.send({
        status: Action,
        id,
        Type,
        Action,
        Actor: { ID: id, Attributes: attrs },
        scope: 'local',
        time: Math.floor(now / 1000),
        timeNano: now * 1e6,
      });
    });
    closed.addEventListener('abort', done);
    if (until) {
      const ms = Number(until) * 1000 - Date.now();
      if (!Number.isFinite(ms)) throw new HttpError(400, `invalid until: ${until}`);
      timer = setTimeout(done, Math.max(0, ms));
    }
  });
}

// ---- system df, volumes

function volumeJson(v: VolumeReport): Record<string, unknown> {
  return { Name: v.name, Driver: 'local', Mountpoint: v.mountpoint, CreatedAt: v.createdAt, Labels: {}, Scope: 'local', Options: {} };
}

export async function df(engine: DockuiEngine, res: ServerResponse): Promise<void> {
  const [d, imgs, cs, vols] = await Promise.all([
    engine.system.df(),
    engine.images.list(),
    engine.containers.list({ all: true }),
    engine.volumes.list(),
  ]);
  const ids = await engine.images.resolveIds(listedImageNames(cs));
  sendJson(res, 200, {
    LayersSize: d.layers.size,
    Images: imgs.map((i) => ({
      Id: i.id,
      ParentId: '',
      RepoTags: i.names,
      RepoDigests: [],
      Created: i.created ? Math.floor(Date.parse(i.created) / 1000) : 0,
      Size: i.size,
      SharedSize: -1,
      VirtualSize: i.size,
      Labels: {},
      Containers: i.inUse,
    })),
    Containers: cs.map((c) => ({
      SizeRw: d.containers.items.find((x) => x.id === c.id)?.size ?? 0,
      ...summaryHead(c, ids),
      State: c.state,
      Status: c.state,
      Mounts: [],
    })),
    Volumes: vols.map((v) => {
      const u = d.volumes.items.find((x) => x.name === v.name);
      return { ...volumeJson(v), UsageData: { Size: u?.size ?? -1, RefCount: u?.refCount ?? -1 } };
    }),
    BuildCache: [],
  });
}

export async function volumes(
  engine: DockuiEngine,
  method: string,
  name: string | undefined,
  body: () => Promise<Record<string, unknown>>,
  res: ServerResponse,
) {
  if (method === 'GET' && name === undefined) {
    sendJson(res, 200, { Volumes: (await engine.volumes.list()).map(volumeJson), Warnings: [] });
  } else if (method === 'POST' && name === 'create') {
    const b = await body();
    const n = b.Name;
    if (n !== undefined && typeof n !== 'string') throw new HttpError(400, 'invalid Name: expected a string');
    const r = await engine.volumes.create(n || randomBytes(32).toString('hex'));
    sendJson(res, 201, volumeJson(r.volume));
  } else if (method === 'GET' && name) {
    sendJson(res, 200, volumeJson(await engine.volumes.inspect(name)));
  } else if (method === 'DELETE' && name) {
    await engine.volumes.remove(name);
    noContent(res);
  } else throw new HttpError(404, 'page not found');
}
