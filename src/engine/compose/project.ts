// Compose's verbs over a loaded project: up (networks, volumes, images, then each service in
// dependency order, recreated only when its config hash or image changed, each after what it
// depends on is started / healthy / completed), down, ps, start, stop, restart, rm, build, pull.
import { EngineError } from '../define.js';
import { ComposeWaits } from './waits.js';
import { fileMountsDigest, ignoredFileOwners } from './secrets.js';
import { checkReplicas, declaredReplicas } from './replicas.js';
import { dependencyOrder } from './load.js';
import type { ComposeContainer, ComposeEvent } from './ops.js';
import { configHash, containerName, L, networkName, runOptionsFor, serviceImage, stopGraceSeconds, volumeName } from './run-options.js';

/** A container `up` made or kept for a service, to start in its turn. */
interface Replica {
  readonly id: string;
  readonly name: string;
  readonly running: boolean;
  /** Created by this up: removed again when it cannot start. */
  readonly fresh: boolean;
}

/** Waits for every promise, then throws the first failure (nothing left running behind an error). */
async function settleAll(ps: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(ps)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

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

export class ComposeProject extends ComposeWaits {
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
    // Side by side: each new network waits for its daemon to start (a Node process).
    await settleAll(
      Object.keys(this.model.networks)
        .filter((key) => used.has(key))
        .map(async (key) => {
          const name = networkName(this.model, key);
          const n = this.model.networks[key]!;
          const r = await this.ops.networks.create(name, {
            labels: { ...n.labels, [L.project]: this.model.name, [L.network]: key },
            internal: n.internal ?? false,
          });
          if (r.created) onEvent?.({ kind: 'Network', name, status: 'Created' });
        }),
    );
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
    }
    for (const svc of order) checkReplicas(svc, this.model.services[svc]!, this.replicas(svc, opts), this.project.at ?? (() => undefined));
    // Networks, volumes and images side by side; images before any container, so a broken build
    // starts nothing.
    const images = new Map<string, string>();
    await settleAll([
      this.ensureNetworks(ev),
      this.ensureVolumes(ev),
      (async () => {
        if (opts.build) for (const [svc, id] of await this.buildServices(order, opts)) images.set(svc, id);
        for (const svc of order) if (!images.has(svc)) images.set(svc, await this.ensureImage(svc, opts));
      })(),
    ]);
    const existing = await this.containers();
    if (opts.removeOrphans)
      for (const c of existing)
        if (!this.model.services[c.labels[L.service] ?? ''] && !this.project.disabled[c.labels[L.service] ?? '']) {
          await this.ops.containers.remove(c.id, { force: true });
          ev({ kind: 'Container', name: c.name, status: 'Removed' });
        }
    // As docker compose: every service's containers created (or kept, or recreated) first, then
    // started in dependency order, each once what it depends on is started / healthy / done.
    const toStart = new Map<string, Replica[]>();
    for (const svc of order) {
      if (opts.signal?.aborted) throw new EngineError('canceled', 'canceled');
      toStart.set(svc, await this.createService(svc, images.get(svc)!, existing, opts, ev));
    }
    for (const svc of order) {
      if (opts.signal?.aborted) throw new EngineError('canceled', 'canceled');
      await this.waitForDependencies(svc, ev, opts.signal);
      await this.startReplicas(toStart.get(svc)!, ev);
    }
    if (opts.wait) await this.waitReady(order, opts, ev);
  }

  /** How many containers a service runs: `--scale`, else deploy.replicas / scale, else 1. */
  replicas(svc: string, opts: Pick<UpOptions, 'scale'>): number {
    return opts.scale?.[svc] ?? declaredReplicas(this.model.services[svc]!);
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
    await this.startReplicas(await this.createService(svc, imageId, existing, opts, ev), ev);
  }

  /** up's create phase for one service: containers 1..N kept, recreated or created (not started); the rest removed. */
  async createService(
    svc: string,
    imageId: string,
    existing: readonly ComposeContainer[],
    opts: UpOptions,
    ev: (e: ComposeEvent) => void,
  ): Promise<Replica[]> {
    const s = this.model.services[svc]!;
    const mine = existing.filter((c) => c.labels[L.service] === svc && c.labels[L.oneoff] !== 'True');
    const n = this.replicas(svc, opts);
    const hash = configHash(s, fileMountsDigest(this.model, this.project.fileValues ?? {}, s));
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
    const out: Replica[] = [];
    for (let k = 1; k <= n; k++) out.push(await this.createReplica(svc, k, imageId, hash, byNumber.get(k), opts, ev));
    return out;
  }

  async createReplica(
    svc: string,
    k: number,
    imageId: string,
    hash: string,
    current: ComposeContainer | undefined,
    opts: UpOptions,
    ev: (e: ComposeEvent) => void,
  ): Promise<Replica> {
    if (current && !opts.forceRecreate && current.labels[L.hash] === hash && current.imageId === imageId)
      return { id: current.id, name: current.name, running: current.state === 'running', fresh: false };
    if (current) {
      ev({ kind: 'Container', name: current.name, status: 'Recreate' });
      await this.stopContainer(current);
      await this.ops.containers.remove(current.id, { force: true });
    }
    for (const w of ignoredFileOwners(this.model, this.model.services[svc]!)) ev({ kind: 'Service', name: svc, status: w });
    const opts2 = runOptionsFor(this.model, this.project, svc, k, serviceImage(this.model, svc), imageId);
    const c = await this.ops.containers.create(opts2);
    ev({ kind: 'Container', name: c.name, status: current ? 'Recreated' : 'Created' });
    return { id: c.id, name: c.name, running: false, fresh: true };
  }

  /** up's start phase: each replica started unless running; a fresh one that cannot start is removed. */
  async startReplicas(replicas: readonly Replica[], ev: (e: ComposeEvent) => void): Promise<void> {
    for (const r of replicas) {
      if (r.running) {
        ev({ kind: 'Container', name: r.name, status: 'Running' });
        continue;
      }
      ev({ kind: 'Container', name: r.name, status: 'Starting' });
      try {
        await this.ops.containers.start(r.id);
      } catch (e) {
        if (r.fresh) await this.ops.containers.remove(r.id, { force: true }).catch(() => undefined);
        throw e;
      }
      ev({ kind: 'Container', name: r.name, status: 'Started' });
    }
  }

  /** `finish: false`: back once the process exited (a remove follows and frees what it held). */
  async stopContainer(c: ComposeContainer, timeoutSec?: number, finish = true): Promise<void> {
    if (c.state !== 'running' && c.state !== 'paused') return;
    const s = this.model.services[c.labels[L.service] ?? ''];
    const grace = timeoutSec ?? stopGraceSeconds(s);
    await this.ops.containers.stop(c.id, {
      timeoutSec: grace,
      ...(s?.stop_signal ? { signal: s.stop_signal } : {}),
      ...(finish ? {} : { finish: false }),
    });
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

    // Dependents stop before their dependencies, level by level; a level's containers are freed
    // and removed (runc state, netns, veths, mount, record) while the next level stops.
    const gone = new Set<string>();
    const removals: Promise<void>[] = [];
    const stopOne = async (c: ComposeContainer) => {
      ev({ kind: 'Container', name: c.name, status: 'Stopping' });
      await this.stopContainer(c, opts.timeoutSec, false);
      ev({ kind: 'Container', name: c.name, status: 'Stopped' });
      gone.add(c.id);
      removals.push(
        this.ops.containers.remove(c.id, { force: true, volumes: opts.volumes ?? false }).then(() => {
          ev({ kind: 'Container', name: c.name, status: 'Removed' });
        }),
      );
    };
    let stopFailed: unknown;
    try {
      for (const level of stopLevels({ ...this.project.disabled, ...this.model.services }))
        await Promise.all(cs.filter((x) => level.includes(x.labels[L.service] ?? '')).map(stopOne));
      await Promise.all(
        cs
          .filter((c) => !gone.has(c.id) && (opts.removeOrphans || c.labels[L.oneoff] === 'True') && !known(c.labels[L.service] ?? ''))
          .map(stopOne),
      );
    } catch (e) {
      stopFailed = e;
    }
    const failed = (await Promise.allSettled(removals)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (stopFailed ?? failed) throw stopFailed ?? failed!.reason;
    const left = (await this.containers()).length;
    await Promise.all(
      (await this.ops.networks.list())
        .filter((n) => n.labels[L.project] === this.model.name)
        .map(async (n) => {
          if (left) return ev({ kind: 'Network', name: n.name, status: 'Resource is still in use' });
          await this.ops.networks.remove(n.name);
          ev({ kind: 'Network', name: n.name, status: 'Removed' });
        }),
    );
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
