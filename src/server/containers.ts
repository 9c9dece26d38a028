// /containers/* of the Engine API over the facade's containers noun: Docker's create body turned
// into the engine's RunOptions, Docker's list shape and filters, and the lifecycle verbs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism, totalmem } from 'node:os';
import { listedImage, listedImageNames } from '../engine/define.js';
import { containerFilter, type ContainerReport, type DockuiEngine, type RunOptions } from '../engine/index.js';
import { Sessions } from './sessions.js';
import { HttpError, field, noContent, qBool, qFilters, qInt, readJson, sendJson, strings } from './http.js';
import { apiRunExtras } from './run-extras.js';

const ago = (iso: string | undefined): string => {
  const s = Math.max(0, (Date.now() - Date.parse(iso ?? '')) / 1000);
  if (!Number.isFinite(s) || s < 1) return 'Less than a second';
  if (s < 60) return `${Math.floor(s)} seconds`;
  if (s < 3600) return `${Math.floor(s / 60)} minutes`;
  if (s < 86400) return `${Math.floor(s / 3600)} hours`;
  return `${Math.floor(s / 86400)} days`;
};

export function statusText(c: ContainerReport): string {
  if (c.state === 'running') return `Up ${ago(c.startedAt)}`;
  if (c.state === 'paused') return `Up ${ago(c.startedAt)} (Paused)`;
  if (c.state === 'exited') return `Exited (${c.exitCode ?? 0}) ${ago(c.finishedAt)} ago`;
  if (c.state === 'removing') return 'Removal In Progress';
  return 'Created';
}

/**
 * What Docker's container summary opens with, in GET /containers/json and GET /system/df alike.
 * `ids`: the names the containers were created by, looked up now (listedImage's).
 */
export function summaryHead(c: ContainerReport, ids: ReadonlyMap<string, string>): Record<string, unknown> {
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: listedImage(c, ids),
    ImageID: c.imageId,
    Command: c.command,
    Created: Math.floor(Date.parse(c.createdAt) / 1000),
  };
}

/** A row of GET /containers/json. */
function summary(c: ContainerReport, ids: ReadonlyMap<string, string>): Record<string, unknown> {
  return {
    ...summaryHead(c, ids),
    Ports: c.ports.map((p) => ({ IP: p.hostIp, PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.protocol })),
    Labels: c.labels,
    State: c.state,
    Status: statusText(c),
    HostConfig: {
      NetworkMode: c.network === 'private' ? 'default' : c.network === 'bridge' ? (c.networks?.[0]?.name ?? 'none') : c.network,
    },
    NetworkSettings: {
      Networks: Object.fromEntries(
        (c.networks ?? []).map((n) => [n.name, { Aliases: [...n.aliases], Gateway: n.gateway, IPAddress: n.ip, IPPrefixLen: 24 }]),
      ),
    },
    Mounts: c.mounts.map((m) => ({
      Type: m.type,
      ...(m.type === 'volume' ? { Name: m.source } : {}),
      Source: m.source,
      Destination: m.destination,
      RW: !m.readOnly,
    })),
  };
}

export async function list(engine: DockuiEngine, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const filters = qFilters(q);
  const all = qBool(q, 'all') || (filters.get('status')?.some((s) => s !== 'running' && s !== 'paused') ?? false);
  let rows = await engine.containers.list({ all });
  const named = filters.has('before') || filters.has('since') ? (all ? rows : await engine.containers.list({ all: true })) : [];
  const ancestors = await engine.images.ancestorIds(filters.get('ancestor') ?? []);
  if (filters.size) rows = rows.filter(containerFilter(filters, named, ancestors));
  const limit = qInt(q, 'limit');
  if (limit !== undefined && limit > 0) rows = rows.slice(0, limit);
  const ids = await engine.images.resolveIds(listedImageNames(rows));
  sendJson(
    res,
    200,
    rows.map((c) => summary(c, ids)),
  );
}

/** Docker's create body → the engine's RunOptions. Unknown fields are ignored, as Docker does. */
export function runOptions(body: Record<string, unknown>, name: string | undefined): RunOptions {
  const image = field(body, 'Image', 'string');
  if (!image) throw new HttpError(400, 'config cannot be empty in order to create a container');
  const host = field(body, 'HostConfig', 'object') ?? {};
  const publish: string[] = [];
  const bindings = field(host, 'PortBindings', 'object') ?? {};
  for (const [port, list] of Object.entries(bindings)) {
    const [ctr, proto = 'tcp'] = port.split('/');
    if (!/^\d+$/.test(ctr ?? '')) throw new HttpError(400, `invalid port ${JSON.stringify(port)}`);
    for (const b of Array.isArray(list) ? (list as Record<string, unknown>[]) : []) {
      const ip = field(b, 'HostIp', 'string') ?? '';
      const hp = field(b, 'HostPort', 'string') ?? '';
      publish.push(`${ip ? (ip.includes(':') ? `[${ip}]:` : `${ip}:`) : ''}${hp}:${ctr}/${proto}`);
    }
  }
  const nm = field(host, 'NetworkMode', 'string') || 'default';
  const builtin = nm === 'none' ? 'none' : nm === 'host' ? 'host' : nm === 'default' || nm === 'bridge' ? 'private' : undefined;
  // A dockui network by name (the engine says 404 when there is none), with the aliases of
  // NetworkingConfig.EndpointsConfig (compose names each service so); other endpoints join too.
  const endpoints = field(field(body, 'NetworkingConfig', 'object'), 'EndpointsConfig', 'object') ?? {};
  const aliasesOf = (n: string) => strings(field(endpoints, n, 'object'), 'Aliases') ?? [];
  const networks = builtin
    ? undefined
    : [nm, ...Object.keys(endpoints).filter((n) => n !== nm)].map((n) => ({ name: n, aliases: aliasesOf(n) }));
  const labels = field(body, 'Labels', 'object');
  const memory = field(host, 'Memory', 'number');
  const nanoCpus = field(host, 'NanoCpus', 'number');
  const pids = field(host, 'PidsLimit', 'number');
  const logCfg = field(field(host, 'LogConfig', 'object'), 'Config', 'object');
  const cmd = strings(body, 'Cmd');
  const entrypoint = strings(body, 'Entrypoint');
  const env = strings(body, 'Env');
  const binds = strings(host, 'Binds');
  const tmpfs = field(host, 'Tmpfs', 'object');
  const capAdd = strings(host, 'CapAdd');
  const capDrop = strings(host, 'CapDrop');
  const workdir = field(body, 'WorkingDir', 'string');
  const user = field(body, 'User', 'string');
  const hostname = field(body, 'Hostname', 'string');
  return {
    image,
    ...(name ? { name } : {}),
    ...(cmd ? { cmd } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    ...(env ? { env } : {}),
    ...(publish.length ? { publish } : {}),
    ...(field(host, 'PublishAllPorts', 'boolean') ? { publishAll: true } : {}),
    ...(networks ? { networks } : { network: builtin }),
    ...(binds ? { volumes: binds } : {}),
    ...(tmpfs ? { tmpfs: Object.entries(tmpfs).map(([k, v]) => (typeof v === 'string' && v ? `${k}:${v}` : k)) } : {}),
    ...(workdir ? { workdir } : {}),
    ...(user ? { user } : {}),
    ...(hostname ? { hostname } : {}),
    tty: field(body, 'Tty', 'boolean') ?? false,
    interactive: field(body, 'OpenStdin', 'boolean') ?? false,
    ...(field(host, 'ReadonlyRootfs', 'boolean') ? { readOnly: true } : {}),
    ...(field(host, 'Privileged', 'boolean') ? { privileged: true } : {}),
    ...(capAdd ? { capAdd } : {}),
    ...(capDrop ? { capDrop } : {}),
    ...(memory ? { memory: String(memory) } : {}),
    ...(nanoCpus ? { cpus: String(nanoCpus / 1e9) } : {}),
    ...(pids && pids > 0 ? { pidsLimit: pids } : {}),
    ...(logCfg ? { logOpts: Object.entries(logCfg).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`) } : {}),
    ...(field(host, 'Init', 'boolean') ? { init: true } : {}),
    ...(labels
      ? { labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) }
      : {}),
    ...apiRunExtras(body, host),
  };
}

export class ContainerRoutes {
  /**
   * Containers created with AutoRemove and an attached client (docker run --rm): the service
   * removes them once they exit and their output has been read, so that the log outlives the
   * exit long enough to reach the client. Without an attached client the engine removes them.
   */
  readonly #autoRemove = new Set<string>();
  /** Removals under way (wait?condition=removed waits for them). */
  readonly #removing = new Map<string, Promise<void>>();
  /** Open attach streams per container: the service removes a --rm container after them. */
  readonly #attached = new Map<string, Set<Promise<void>>>();
  /** TTY sessions answered started before their container runs (see start). */
  readonly #starting = new Map<string, Promise<void>>();

  readonly sessions: Sessions;

  constructor(
    readonly engine: DockuiEngine,
    readonly background: (p: Promise<unknown>) => void,
  ) {
    this.sessions = new Sessions(engine.paths);
  }

  async create(req: IncomingMessage, q: URLSearchParams, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    let opts = runOptions(body, q.get('name') ?? undefined);
    // Networks named by id (docker run --network ID) are dockui networks by name to the engine.
    if (opts.networks) {
      const named = [];
      for (const n of opts.networks)
        named.push({ ...n, name: (await this.engine.networks.inspect(n.name).catch(() => undefined))?.name ?? n.name });
      opts = { ...opts, networks: named };
    }
    const host = field(body, 'HostConfig', 'object') ?? {};
    const autoRemove = field(host, 'AutoRemove', 'boolean') ?? false;
    const attached = (field(body, 'AttachStdout', 'boolean') ?? false) || (field(body, 'AttachStderr', 'boolean') ?? false);
    const c = await this.engine.containers.create({ ...opts, ...(autoRemove && !attached ? { autoRemove: true } : {}) });
    if (autoRemove && attached) this.#autoRemove.add(c.id);
    sendJson(res, 201, { Id: c.id, Warnings: c.warnings ?? [] });
  }

  trackAttach(id: string, p: Promise<void>): void {
    let set = this.#attached.get(id);
    if (!set) this.#attached.set(id, (set = new Set()));
    set.add(p);
    void p.finally(() => set.delete(p));
  }

  async start(id: string, res: ServerResponse): Promise<void> {
    const c = await this.engine.containers.find(id);
    if (c.state === 'running') return noContent(res, 304);
    if (this.sessions.has(c.id)) {
      const tty = this.sessions.start(c.id);
      const running = this.#leftCreated(c.id);
      // Answered once the record says it runs, so that a wait or inspect that follows sees it;
      // but a TTY session's client sends its terminal size only after this answer, and the
      // container waits for that size (a `stty size` at once would read 0 0): answered at once,
      // with inspect held until the record says it runs.
      if (tty) {
        this.#starting.set(c.id, running);
        void running.finally(() => this.#starting.delete(c.id));
      } else await running;
    } else await this.engine.containers.start(c.id);
    if (this.#autoRemove.has(c.id)) {
      const removal = (async () => {
        await this.engine.containers.wait(c.id).catch(() => undefined);
        await Promise.all([...(this.#attached.get(c.id) ?? [])]);
        await this.engine.containers.remove(c.id, { force: true, volumes: true }).catch(() => undefined);
        this.#autoRemove.delete(c.id);
        this.#removing.delete(c.id);
      })();
      this.#removing.set(c.id, removal);
      this.background(removal);
    }
    noContent(res);
  }

  /** Resolves once the record of a container being started leaves "created" (at most 4 s). */
  async #leftCreated(id: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const now = await this.engine.containers.find(id).catch(() => undefined);
      if (!now || now.state !== 'created') return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Inspect of a container whose TTY session is starting waits for it to run. */
  async inspect(id: string): Promise<unknown> {
    if (this.#starting.size > 0) {
      const c = await this.engine.containers.find(id).catch(() => undefined);
      if (c) await this.#starting.get(c.id);
    }
    return this.engine.containers.inspect(id);
  }

  async wait(id: string, q: URLSearchParams, res: ServerResponse, closed: AbortSignal): Promise<void> {
    const c = await this.engine.containers.find(id);
    const condition = q.get('condition') || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new HttpError(400, `invalid condition: ${condition}`);
    // Headers first, as Docker does: a client waits on the body, not the status.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    let code: number;
    if (condition === 'not-running' && c.state !== 'running' && c.state !== 'paused' && c.state !== 'created') code = c.exitCode ?? 0;
    else {
      code = await this.engine.containers.wait(c.id, closed).catch(() => -1);
      if (condition === 'removed') {
        await this.#removing.get(c.id);
        // The engine's own --rm cleanup runs in conmon's exit command.
        for (let i = 0; i < 400; i++) {
          if (
            !(await this.engine.containers.find(c.id).then(
              () => true,
              () => false,
            ))
          )
            break;
          await new Promise((r) => setTimeout(r, 25));
        }
      }
    }
    res.end(`${JSON.stringify({ StatusCode: code, Error: null })}\n`);
  }

  async handle(
    method: string,
    id: string,
    action: string,
    q: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<boolean> {
    const e = this.engine.containers;
    const t = qInt(q, 't');
    switch (`${method} ${action}`) {
      case 'GET json':
        sendJson(res, 200, await this.inspect(id));
        return true;
      case 'POST start':
        await this.start(id, res);
        return true;
      case 'POST stop': {
        const c = await e.find(id);
        if (c.state !== 'running' && c.state !== 'paused') return (noContent(res, 304), true);
        await e.stop(c.id, t !== undefined ? { timeoutSec: t } : {});
        noContent(res);
        return true;
      }
      case 'POST restart':
        await e.restart(id, t !== undefined ? { timeoutSec: t } : {});
        noContent(res);
        return true;
      case 'POST kill': {
        const c = await e.find(id);
        if (c.state !== 'running' && c.state !== 'paused') throw new HttpError(409, `Container ${c.id} is not running`);
        await e.kill(c.id, q.get('signal') ?? undefined);
        noContent(res);
        return true;
      }
      case 'POST pause':
        await e.pause(id);
        noContent(res);
        return true;
      case 'POST unpause':
        await e.unpause(id);
        noContent(res);
        return true;
      case 'POST rename': {
        const name = q.get('name');
        if (!name) throw new HttpError(400, 'name is required');
        await e.rename(id, name);
        noContent(res);
        return true;
      }
      case 'GET stats':
        await this.stats(id, q, res);
        return true;
      case 'GET top': {
        const t2 = await e.top(id, q.get('ps_args') || undefined);
        sendJson(res, 200, { Titles: t2.titles, Processes: t2.processes });
        return true;
      }
      case 'GET changes': {
        const kinds = { C: 0, A: 1, D: 2 } as const;
        sendJson(
          res,
          200,
          (await e.diff(id)).map((c) => ({ Path: c.path, Kind: kinds[c.kind] })),
        );
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * GET /containers/{id}/stats: Docker's stats object from the facade's sample. The engine
   * gives a CPU percentage, so the counters are made up to give the client that same figure
   * (cpu delta / system delta × online CPUs × 100).
   */
  async stats(id: string, q: URLSearchParams, res: ServerResponse): Promise<void> {
    const c = await this.engine.containers.find(id);
    const stream = qBool(q, 'stream', true) && !qBool(q, 'one-shot');
    const cpus = availableParallelism();
    const sample = async (ms: number) => {
      const st = await this.engine.containers.stats(c.id, ms);
      const system = 1e9 * cpus;
      const now = new Date(st.at).toISOString();
      return {
        read: now,
        preread: new Date(st.at - ms).toISOString(),
        id: c.id,
        name: `/${c.name}`,
        pids_stats: { current: st.pids },
        cpu_stats: {
          cpu_usage: { total_usage: Math.round(st.cpuPercent * 1e7), usage_in_kernelmode: 0, usage_in_usermode: 0 },
          system_cpu_usage: system,
          online_cpus: cpus,
          throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
        },
        precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0, online_cpus: cpus },
        memory_stats: { usage: st.memoryBytes, limit: st.memoryLimitBytes ?? totalmem(), stats: {} },
        blkio_stats: { io_service_bytes_recursive: [] },
        networks: {},
      };
    };
    if (!stream) return sendJson(res, 200, await sample(250));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let open = true;
    res.on('close', () => (open = false));
    while (open) {
      const one = await sample(1000).catch(() => undefined);
      if (!one || !open) break;
      res.write(`${JSON.stringify(one)}\n`);
    }
    res.end();
  }

  async remove(id: string, q: URLSearchParams, res: ServerResponse): Promise<void> {
    const c = await this.engine.containers.find(id);
    const force = qBool(q, 'force');
    if (!force && (c.state === 'running' || c.state === 'paused'))
      throw new HttpError(
        409,
        `You cannot remove a ${c.state} container ${c.id}. Stop the container before attempting removal or force remove`,
      );
    await this.engine.containers.remove(c.id, { force, volumes: qBool(q, 'v') });
    this.#autoRemove.delete(c.id);
    noContent(res);
  }

  async prune(res: ServerResponse): Promise<void> {
    const gone = await this.engine.containers.prune();
    sendJson(res, 200, { ContainersDeleted: gone, SpaceReclaimed: 0 });
  }
}
