// Compose's verbs over a loaded project: up (networks, volumes, images, then each service in
// dependency order, recreated only when its config hash or image changed, each after what it
// depends on is started / healthy / completed), down, ps, start, stop, restart, rm, build, pull.
import { EngineError } from '../define.js';
import { dependencyOrder } from './load.js';
import type { ComposeContainer, ComposeEvent, ComposeOps } from './ops.js';
import { configHash, containerName, durationMs, L, networkName, runOptionsFor, serviceImage, volumeName } from './run-options.js';
import type { DependsOn, LoadedProject } from './types.js';

export interface UpOptions {
  readonly services?: readonly string[];
  readonly build?: boolean;
  readonly forceRecreate?: boolean;
  readonly noDeps?: boolean;
  readonly removeOrphans?: boolean;
  /** `--scale SERVICE=N`: N containers of the service (default 1). */
  readonly scale?: Readonly<Record<string, number>>;
  /** `--wait`: resolves once every service started is running, and healthy when it has a healthcheck. */
  readonly wait?: boolean;
  /** `--wait-timeout`: seconds (default: no limit). */
  readonly waitTimeoutSec?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: ComposeEvent) => void;
  readonly onBuildOutput?: (service: string, line: string) => void;
}

export interface DownOptions {
  readonly volumes?: boolean;
  readonly removeOrphans?: boolean;
  readonly timeoutSec?: number;
  /** `--rmi local`: the images built without an `image:` name; `all`: every service's image. */
  readonly rmi?: 'local' | 'all';
  readonly onEvent?: (e: ComposeEvent) => void;
}

/**
 * Services in stop order as groups that may stop at once: each group holds the services that
 * nothing still running depends on (dependents before their dependencies).
 */
export function stopLevels(services: Record<string, { depends_on?: Record<string, unknown> }>): string[][] {
  const left = new Set(Object.keys(services));
  const levels: string[][] = [];
  while (left.size) {
    const level = [...left].filter((s) => ![...left].some((o) => o !== s && Object.keys(services[o]!.depends_on ?? {}).includes(s)));
    if (!level.length) {
      levels.push([...left]); // a cycle (refused at load): stop the rest together
      break;
    }
    levels.push(level.sort());
    for (const s of level) left.delete(s);
  }
  return levels;
}

export class ComposeProject {
  constructor(
    readonly ops: ComposeOps,
    readonly project: LoadedProject,
  ) {}

  get model() {
    return this.project.model;
  }

  /** The project's containers (oneoff ones too), newest first. */
  async containers(opts: { all?: boolean; services?: readonly string[] } = { all: true }): Promise<ComposeContainer[]> {
    const list = await this.ops.containers.list({ all: opts.all ?? true });
    return list.filter(
      (c) => c.labels[L.project] === this.model.name && (!opts.services?.length || opts.services.includes(c.labels[L.service] ?? '')),
    );
  }

  /** Targeted services (all when none named), checked against the model. */
  targets(services?: readonly string[]): string[] {
    for (const s of services ?? [])
      if (!this.model.services[s])
        throw new EngineError('not_found', `no such service: ${s}${this.project.disabled[s] ? ' (not in the active profiles)' : ''}`);
    return services?.length ? [...services] : Object.keys(this.model.services);
  }

  /** The image id a service runs (building or pulling it when missing, or building with `build`). */
  async ensureImage(svc: string, opts: UpOptions): Promise<string> {
    const s = this.model.services[svc]!;
    const ref = serviceImage(this.model, svc);
    const have = await this.imageId(ref);
    if (s.build && (opts.build || !have)) return this.buildService(svc, opts);
    if (have && s.pull_policy !== 'always') return have;
    if (!s.image) throw new EngineError('not_found', `service ${svc}: no image ${ref}`);
    if (s.pull_policy === 'never') throw new EngineError('not_found', `service ${svc}: image ${ref} is not here and pull_policy is never`);
    opts.onEvent?.({ kind: 'Image', name: ref, status: 'Pulling' });
    const r = await this.ops.images.pull(ref, opts.signal ? { signal: opts.signal } : {});
    opts.onEvent?.({ kind: 'Image', name: ref, status: 'Pulled' });
    return r.id;
  }

  async imageId(ref: string): Promise<string | undefined> {
    try {
      return String((await this.ops.images.inspectJson(ref)).Id);
    } catch (e) {
      if (e instanceof EngineError && e.code === 'not_found') return undefined;
      throw e;
    }
  }

  /** Builds these services; a build several share (same context, Dockerfile, args, target, labels) runs once, tagged for each. */
  async buildServices(
    svcs: readonly string[],
    opts: Pick<UpOptions, 'signal' | 'onEvent' | 'onBuildOutput'> = {},
  ): Promise<Map<string, string>> {
    const groups = new Map<string, string[]>();
    for (const svc of svcs) {
      const b = this.model.services[svc]!.build;
      if (!b) continue;
      const key = JSON.stringify([b.context, b.dockerfile ?? '', b.args ?? {}, b.target ?? '', b.labels ?? {}]);
      groups.set(key, [...(groups.get(key) ?? []), svc]);
    }
    const out = new Map<string, string>();
    for (const group of groups.values()) {
      const id = await this.buildService(group[0]!, opts, group.slice(1));
      for (const svc of group) out.set(svc, id);
    }
    return out;
  }

  async buildService(
    svc: string,
    opts: Pick<UpOptions, 'signal' | 'onEvent' | 'onBuildOutput'> = {},
    alsoFor: readonly string[] = [],
  ): Promise<string> {
    const s = this.model.services[svc]!;
    const b = s.build;
    if (!b) throw new EngineError('invalid_argument', `service ${svc} has no build section`);
    const ref = serviceImage(this.model, svc);
    const also = alsoFor.map((x) => serviceImage(this.model, x));
    opts.onEvent?.({ kind: 'Image', name: [ref, ...also].join(', '), status: 'Building' });
    const r = await this.ops.builds.build({
      context: b.context,
      ...(b.dockerfile ? { dockerfile: b.dockerfile.startsWith('/') ? b.dockerfile : `${b.context}/${b.dockerfile}` } : {}),
      ...(b.args ? { buildArgs: b.args } : {}),
      ...(b.target ? { target: b.target } : {}),
      labels: { ...b.labels, [L.project]: this.model.name, [L.service]: svc },
      tags: [ref, ...also],
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onBuildOutput ? { onOutput: (_i: number, _s: 'stdout' | 'stderr', line: string) => opts.onBuildOutput!(svc, line) } : {}),
    });
    opts.onEvent?.({ kind: 'Image', name: [ref, ...also].join(', '), status: 'Built' });
    return r.imageId;
  }

  async ensureNetworks(onEvent?: (e: ComposeEvent) => void): Promise<void> {
    const used = new Set(Object.values(this.model.services).flatMap((s) => Object.keys(s.networks ?? {})));
    for (const key of Object.keys(this.model.networks)) {
      if (!used.has(key)) continue;
      const name = networkName(this.model, key);
      const n = this.model.networks[key]!;
      const r = await this.ops.networks.create(name, {
        labels: { ...n.labels, [L.project]: this.model.name, [L.network]: key },
        internal: n.internal ?? false,
      });
      if (r.created) onEvent?.({ kind: 'Network', name, status: 'Created' });
    }
  }

  async ensureVolumes(onEvent?: (e: ComposeEvent) => void): Promise<void> {
    const have = new Set((await this.ops.volumes.list()).map((v) => v.name));
    for (const [key, v] of Object.entries(this.model.volumes)) {
      const name = volumeName(this.model, key);
      if (v.external) {
        if (!have.has(name)) throw new EngineError('not_found', `external volume ${JSON.stringify(name)} not found`);
        continue;
      }
      const r = await this.ops.volumes.create(name);
      if (r.created) onEvent?.({ kind: 'Volume', name, status: 'Created' });
    }
  }

  /** The services to bring up for these targets: with their dependencies unless noDeps, in order. */
  upOrder(targets: readonly string[], noDeps = false): string[] {
    const want = new Set<string>();
    const add = (s: string) => {
      if (want.has(s)) return;
      want.add(s);
      if (!noDeps) for (const d of Object.keys(this.model.services[s]!.depends_on ?? {})) add(d);
    };
    targets.forEach(add);
    return dependencyOrder(this.model.services).filter((s) => want.has(s));
  }

  async up(opts: UpOptions = {}): Promise<void> {
    const ev = opts.onEvent ?? (() => undefined);
    const order = this.upOrder(this.targets(opts.services), opts.noDeps);
    for (const [svc, n] of Object.entries(opts.scale ?? {})) {
      this.targets([svc]);
      if (!Number.isInteger(n) || n < 0) throw new EngineError('invalid_argument', `invalid scale ${JSON.stringify(n)} for service ${svc}`);
      const fixed = this.model.services[svc]!.container_name;
      if (n > 1 && fixed)
        throw new EngineError(
          'invalid_argument',
          `service ${svc} has container_name ${JSON.stringify(fixed)}: it cannot be scaled to ${n}`,
        );
    }
    await this.ensureNetworks(ev);
    await this.ensureVolumes(ev);
    // Images first (built or pulled), so a broken build starts nothing.
    const images = opts.build ? await this.buildServices(order, opts) : new Map<string, string>();
    for (const svc of order) if (!images.has(svc)) images.set(svc, await this.ensureImage(svc, opts));
    const existing = await this.containers();
    if (opts.removeOrphans)
      for (const c of existing)
        if (!this.model.services[c.labels[L.service] ?? ''] && !this.project.disabled[c.labels[L.service] ?? '']) {
          await this.ops.containers.remove(c.id, { force: true });
          ev({ kind: 'Container', name: c.name, status: 'Removed' });
        }
    for (const svc of order) {
      if (opts.signal?.aborted) throw new EngineError('canceled', 'canceled');
      await this.waitForDependencies(svc, ev, opts.signal);
      await this.upService(svc, images.get(svc)!, existing, opts, ev);
    }
    if (opts.wait) await this.waitReady(order, opts, ev);
  }

  /** `up --wait`: each container of these services running, and healthy when it has a healthcheck. */
  async waitReady(order: readonly string[], opts: UpOptions, ev: (e: ComposeEvent) => void): Promise<void> {
    const limit = opts.waitTimeoutSec !== undefined ? AbortSignal.timeout(opts.waitTimeoutSec * 1000) : undefined;
    const signal = limit && opts.signal ? AbortSignal.any([limit, opts.signal]) : (limit ?? opts.signal);
    try {
      for (const svc of order) {
        const h = this.model.services[svc]!.healthcheck;
        const checked = !!h?.test && !h.disable && h.test[0] !== 'NONE';
        for (const c of (await this.containers({ all: true, services: [svc] })).filter((x) => x.labels[L.oneoff] !== 'True')) {
          if (c.state !== 'running')
            throw new EngineError(
              'failed_precondition',
              `container ${c.name} is ${c.state}${c.exitCode !== undefined ? ` (exit ${c.exitCode})` : ''}`,
            );
          if (!checked) continue;
          ev({ kind: 'Container', name: c.name, status: 'Waiting' });
          await this.waitHealthy(c, svc, signal);
          ev({ kind: 'Container', name: c.name, status: 'Healthy' });
        }
      }
    } catch (e) {
      if (limit?.aborted)
        throw new EngineError('unavailable', `timed out after ${opts.waitTimeoutSec} s waiting for the services to be healthy`);
      throw e;
    }
  }

  /** How many containers a service runs: `--scale` or 1. */
  replicas(svc: string, opts: Pick<UpOptions, 'scale'>): number {
    return opts.scale?.[svc] ?? 1;
  }

  /**
   * The service's containers 1..N (N from --scale, default 1): each kept when its config hash and
   * image are unchanged (started if stopped), else recreated; those numbered above N removed.
   */
  async upService(
    svc: string,
    imageId: string,
    existing: readonly ComposeContainer[],
    opts: UpOptions,
    ev: (e: ComposeEvent) => void,
  ): Promise<void> {
    const s = this.model.services[svc]!;
    const mine = existing.filter((c) => c.labels[L.service] === svc && c.labels[L.oneoff] !== 'True');
    const n = this.replicas(svc, opts);
    const hash = configHash(s);
    const byNumber = new Map<number, ComposeContainer>();
    for (const c of mine) {
      const k = Number(c.labels[L.number]);
      if (Number.isInteger(k) && k >= 1 && k <= n && !byNumber.has(k)) byNumber.set(k, c);
      else {
        ev({ kind: 'Container', name: c.name, status: 'Stopping' });
        await this.stopContainer(c);
        await this.ops.containers.remove(c.id, { force: true });
        ev({ kind: 'Container', name: c.name, status: 'Removed' });
      }
    }
    for (let k = 1; k <= n; k++) await this.upReplica(svc, k, imageId, hash, byNumber.get(k), opts, ev);
  }

  async upReplica(
    svc: string,
    k: number,
    imageId: string,
    hash: string,
    current: ComposeContainer | undefined,
    opts: UpOptions,
    ev: (e: ComposeEvent) => void,
  ): Promise<void> {
    if (current && !opts.forceRecreate && current.labels[L.hash] === hash && current.imageId === imageId) {
      if (current.state === 'running') ev({ kind: 'Container', name: current.name, status: 'Running' });
      else {
        ev({ kind: 'Container', name: current.name, status: 'Starting' });
        await this.ops.containers.start(current.id);
        ev({ kind: 'Container', name: current.name, status: 'Started' });
      }
      return;
    }
    if (current) {
      ev({ kind: 'Container', name: current.name, status: 'Recreate' });
      await this.stopContainer(current);
      await this.ops.containers.remove(current.id, { force: true });
    }
    const opts2 = runOptionsFor(this.model, this.project, svc, k, serviceImage(this.model, svc), imageId);
    const c = await this.ops.containers.create(opts2);
    ev({ kind: 'Container', name: c.name, status: current ? 'Recreated' : 'Created' });
    try {
      ev({ kind: 'Container', name: c.name, status: 'Starting' });
      await this.ops.containers.start(c.id);
    } catch (e) {
      await this.ops.containers.remove(c.id, { force: true }).catch(() => undefined);
      throw e;
    }
    ev({ kind: 'Container', name: c.name, status: 'Started' });
  }

  /** Waits until each dependency of svc meets its condition; says what it waits for. */
  async waitForDependencies(svc: string, ev: (e: ComposeEvent) => void, signal?: AbortSignal): Promise<void> {
    for (const [dep, cond] of Object.entries(this.model.services[svc]!.depends_on ?? {})) {
      const c = (await this.containers({ all: true, services: [dep] })).find((x) => x.labels[L.oneoff] !== 'True');
      if (!c) {
        if (!cond.required) continue;
        throw new EngineError('failed_precondition', `service ${svc} depends on ${dep}, which has no container`);
      }
      await this.waitCondition(c, dep, cond, ev, signal);
    }
  }

  async waitCondition(
    c: ComposeContainer,
    dep: string,
    cond: DependsOn,
    ev: (e: ComposeEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    if (cond.condition === 'service_started') return;
    if (cond.condition === 'service_completed_successfully') {
      ev({ kind: 'Container', name: c.name, status: 'Waiting' });
      const code = await this.ops.containers.wait(c.id, signal);
      if (code !== 0) throw new EngineError('failed_precondition', `service ${dep} didn't complete successfully: exit ${code}`);
      ev({ kind: 'Container', name: c.name, status: 'Exited' });
      return;
    }
    const h = this.model.services[dep]!.healthcheck;
    if (!h?.test || h.disable || h.test[0] === 'NONE')
      throw new EngineError('failed_precondition', `service ${dep} has no healthcheck, so service_healthy cannot be met`);
    ev({ kind: 'Container', name: c.name, status: 'Waiting' });
    await this.waitHealthy(c, dep, signal);
    ev({ kind: 'Container', name: c.name, status: 'Healthy' });
  }

  /**
   * Runs the service's healthcheck test in the container (exec) until it passes: the first probe
   * at once, then every start_interval during start_period and every interval after it; failures
   * during start_period do not count; `retries` failures in a row after it mean unhealthy.
   */
  async waitHealthy(c: ComposeContainer, svc: string, signal?: AbortSignal): Promise<void> {
    const h = this.model.services[svc]!.healthcheck!;
    const interval = durationMs(h.interval, 30_000);
    const timeout = durationMs(h.timeout, 30_000);
    const startPeriod = durationMs(h.start_period, 0);
    const startInterval = durationMs(h.start_interval, 5_000);
    const retries = h.retries ?? 3;
    const argv = h.test![0] === 'CMD-SHELL' ? ['/bin/sh', '-c', h.test!.slice(1).join(' ')] : h.test!.slice(1);
    const began = Date.now();
    let failures = 0;
    let last = '';
    for (;;) {
      if (signal?.aborted) throw new EngineError('canceled', 'canceled');
      const now = (await this.containers({ all: true, services: [svc] })).find((x) => x.id === c.id);
      if (!now || now.state !== 'running')
        throw new EngineError(
          'failed_precondition',
          `dependency failed to start: container ${c.name} exited (${now?.exitCode ?? 'removed'})`,
        );
      const r = await this.probe(c.id, argv, timeout);
      if (r.code === 0) return;
      last = r.output.trim().split('\n').pop() ?? '';
      const inStart = Date.now() - began < startPeriod;
      if (!inStart && ++failures >= retries)
        throw new EngineError(
          'failed_precondition',
          `dependency failed to start: container ${c.name} is unhealthy${last ? ` (${last})` : ''}`,
        );
      await new Promise((res) => setTimeout(res, inStart ? startInterval : interval));
    }
  }

  async probe(id: string, argv: readonly string[], timeoutMs: number): Promise<{ code: number; output: string }> {
    const child = await this.ops.containers.exec(id, { args: argv, stdio: 'pipe' });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4096)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4096)));
    return new Promise((res) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        res({ code: -1, output: `timed out after ${timeoutMs} ms` });
      }, timeoutMs);
      child.once('close', (code) => {
        clearTimeout(t);
        res({ code: code ?? -1, output });
      });
      child.once('error', (e) => {
        clearTimeout(t);
        res({ code: -1, output: e.message });
      });
    });
  }

  async stopContainer(c: ComposeContainer, timeoutSec?: number): Promise<void> {
    if (c.state !== 'running' && c.state !== 'paused') return;
    const s = this.model.services[c.labels[L.service] ?? ''];
    const grace = timeoutSec ?? (s?.stop_grace_period ? Math.ceil(durationMs(s.stop_grace_period, 10_000) / 1000) : 10);
    await this.ops.containers.stop(c.id, { timeoutSec: grace, ...(s?.stop_signal ? { signal: s.stop_signal } : {}) });
  }

  /** Stops the targeted services' containers, dependents first. */
  async stop(services?: readonly string[], opts: { timeoutSec?: number; onEvent?: (e: ComposeEvent) => void } = {}): Promise<void> {
    const targets = new Set(this.targets(services));
    const cs = await this.containers();
    for (const level of stopLevels(this.model.services))
      await Promise.all(
        cs
          .filter(
            (x) =>
              targets.has(x.labels[L.service] ?? '') &&
              level.includes(x.labels[L.service] ?? '') &&
              (x.state === 'running' || x.state === 'paused'),
          )
          .map(async (c) => {
            opts.onEvent?.({ kind: 'Container', name: c.name, status: 'Stopping' });
            await this.stopContainer(c, opts.timeoutSec);
            opts.onEvent?.({ kind: 'Container', name: c.name, status: 'Stopped' });
          }),
      );
  }

  async start(services?: readonly string[], onEvent?: (e: ComposeEvent) => void): Promise<void> {
    const targets = new Set(this.targets(services));
    const cs = await this.containers();
    for (const svc of dependencyOrder(this.model.services)) {
      if (!targets.has(svc)) continue;
      for (const c of cs.filter((x) => x.labels[L.service] === svc && x.labels[L.oneoff] !== 'True' && x.state !== 'running')) {
        await this.waitForDependencies(svc, onEvent ?? (() => undefined));
        await this.ops.containers.start(c.id);
        onEvent?.({ kind: 'Container', name: c.name, status: 'Started' });
      }
    }
  }

  async restart(services?: readonly string[], opts: { timeoutSec?: number; onEvent?: (e: ComposeEvent) => void } = {}): Promise<void> {
    await this.stop(services, opts);
    await this.start(services, opts.onEvent);
  }

  /** Removes stopped containers of the targeted services (`force`: running ones too). */
  async rm(
    services?: readonly string[],
    opts: { force?: boolean; stop?: boolean; volumes?: boolean; onEvent?: (e: ComposeEvent) => void } = {},
  ): Promise<void> {
    const targets = new Set(this.targets(services));
    if (opts.stop) await this.stop(services, opts);
    for (const c of await this.containers()) {
      if (!targets.has(c.labels[L.service] ?? '')) continue;
      if ((c.state === 'running' || c.state === 'paused') && !opts.force) continue;
      await this.ops.containers.remove(c.id, { force: true, volumes: opts.volumes ?? false });
      opts.onEvent?.({ kind: 'Container', name: c.name, status: 'Removed' });
    }
  }

  /** Stops and removes the project's containers and networks (and with `volumes` its volumes). */
  async down(opts: DownOptions = {}): Promise<void> {
    if (opts.rmi !== undefined && opts.rmi !== 'local' && opts.rmi !== 'all')
      throw new EngineError('invalid_argument', `invalid --rmi ${JSON.stringify(opts.rmi)}: local or all`);
    const ev = opts.onEvent ?? (() => undefined);
    const cs = await this.containers();
    const known = (svc: string) => !!this.model.services[svc] || !!this.project.disabled[svc];

    const gone = new Set<string>();
    const removeOne = async (c: ComposeContainer) => {
      ev({ kind: 'Container', name: c.name, status: 'Stopping' });
      await this.stopContainer(c, opts.timeoutSec);
      await this.ops.containers.remove(c.id, { force: true, volumes: opts.volumes ?? false });
      ev({ kind: 'Container', name: c.name, status: 'Removed' });
      gone.add(c.id);
    };
    for (const level of stopLevels({ ...this.project.disabled, ...this.model.services }))
      await Promise.all(cs.filter((x) => level.includes(x.labels[L.service] ?? '')).map(removeOne));
    await Promise.all(
      cs
        .filter((c) => !gone.has(c.id) && (opts.removeOrphans || c.labels[L.oneoff] === 'True') && !known(c.labels[L.service] ?? ''))
        .map(removeOne),
    );
    const left = (await this.containers()).length;
    for (const n of await this.ops.networks.list()) {
      if (n.labels[L.project] !== this.model.name) continue;
      if (left) {
        ev({ kind: 'Network', name: n.name, status: 'Resource is still in use' });
        continue;
      }
      await this.ops.networks.remove(n.name);
      ev({ kind: 'Network', name: n.name, status: 'Removed' });
    }
    if (opts.rmi) {
      const refs = Object.keys(this.model.services)
        .filter((svc) => opts.rmi === 'all' || !this.model.services[svc]!.image)
        .map((svc) => serviceImage(this.model, svc));
      for (const ref of new Set(refs))
        if (await this.imageId(ref)) {
          await this.ops.images.remove(ref);
          ev({ kind: 'Image', name: ref, status: 'Removed' });
        }
    }
    if (opts.volumes) {
      const have = new Set((await this.ops.volumes.list()).map((v) => v.name));
      for (const [key, v] of Object.entries(this.model.volumes)) {
        const name = volumeName(this.model, key);
        if (v.external || !have.has(name)) continue;
        await this.ops.volumes.remove(name);
        ev({ kind: 'Volume', name, status: 'Removed' });
      }
    }
  }

  /** The container of a service to exec in (the `index`th, default 1), running. */
  async serviceContainer(svc: string, index = 1): Promise<ComposeContainer> {
    this.targets([svc]);
    const c = (await this.containers({ all: true, services: [svc] })).find(
      (x) => x.labels[L.number] === String(index) && x.labels[L.oneoff] !== 'True',
    );
    if (!c || c.state !== 'running') throw new EngineError('failed_precondition', `service ${JSON.stringify(svc)} is not running`);
    return c;
  }

  containerNameOf(svc: string): string {
    return containerName(this.model, svc, 1);
  }
}
