// Pods in podman's words: `pod create` makes an infra container (a pause process from a local
// image holding busybox-static, kept by conmon as any container) that owns the network, IPC and
// UTS namespaces and the pod's published ports; `run --pod P` joins them (`--network
// container:INFRA`), so a pod's containers share localhost and a hostname. start starts the
// infra first; stop stops the members, then the infra; rm -f removes members, infra, record.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, isEngineError } from '../define.js';
import type { EnginePaths } from '../paths.js';
import type { RunOptions } from '../types.js';
import type { BuildEngine, ContainerEngine, ContainerReport, ImageEngine } from '../facade/api.js';
import { findExecutable } from '../runtime/oci-runtime.js';
import { PodStore, infraLabel, newPodId, podLabel, validPodName, type PodRecord } from './store.js';

export interface PodHost {
  readonly paths: EnginePaths;
  readonly containers: ContainerEngine;
  readonly images: ImageEngine;
  readonly builds: BuildEngine;
}

export interface PodCreateOptions {
  readonly name?: string;
  readonly publish?: readonly string[];
  readonly network?: string;
  readonly networks?: readonly { readonly name: string; readonly aliases?: readonly string[] }[];
  readonly hostname?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** The infra container's (its network namespace is the pod's): run's --add-host, --dns*, --sysctl net.*. */
  readonly addHosts?: readonly string[];
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOptions?: readonly string[];
  readonly sysctls?: readonly string[];
}

export type PodStatus = 'Created' | 'Running' | 'Degraded' | 'Stopped' | 'Exited' | 'Paused';

export interface PodReport extends PodRecord {
  readonly status: PodStatus;
  readonly infra?: ContainerReport;
  /** The members (not the infra container), oldest first. */
  readonly containers: readonly ContainerReport[];
}

/** The pause image: busybox-static's `sleep infinity` (podman builds localhost/podman-pause the same way). */
export const pauseImage = 'localhost/dockui-pause:2';

async function ensurePauseImage(host: PodHost): Promise<void> {
  try {
    await host.images.inspect(pauseImage);
    return;
  } catch (e) {
    if (!isEngineError(e) || e.code !== 'not_found') throw e;
  }
  const busybox = ['busybox-static', 'busybox'].map((n) => findExecutable(n)).find(Boolean);
  if (!busybox)
    throw new EngineError('failed_precondition', 'pods need busybox-static for their pause process: apt-get install busybox-static');
  const dir = join(host.paths.root, 'tmp', `pod-pause-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  try {
    copyFileSync(busybox, join(dir, 'busybox'));
    await host.builds.build({
      context: dir,
      tags: [pauseImage],
      dockerfileText: 'FROM scratch\nCOPY busybox /sleep\nENTRYPOINT ["/sleep", "infinity"]\n',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function statusOf(infra: ContainerReport | undefined, members: readonly ContainerReport[]): PodStatus {
  const all = [...(infra ? [infra] : []), ...members];
  const running = all.filter((c) => c.state === 'running').length;
  if (all.some((c) => c.state === 'paused')) return 'Paused';
  if (running === all.length && running > 0) return 'Running';
  if (running > 0) return 'Degraded';
  if (all.every((c) => c.state === 'created')) return 'Created';
  return members.length ? 'Exited' : 'Stopped';
}

export class Pods {
  readonly store: PodStore;
  constructor(readonly host: PodHost) {
    this.store = new PodStore(host.paths);
  }

  async #report(p: PodRecord, all?: readonly ContainerReport[]): Promise<PodReport> {
    const list = all ?? (await this.host.containers.list({ all: true }));
    const mine = list.filter((c) => c.labels[podLabel] === p.id);
    const infra = mine.find((c) => c.id === p.infraId);
    const members = mine.filter((c) => c.id !== p.infraId).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    return { ...p, status: statusOf(infra, members), ...(infra ? { infra } : {}), containers: members };
  }

  async list(): Promise<PodReport[]> {
    const pods = this.store.list();
    if (!pods.length) return [];
    const all = await this.host.containers.list({ all: true });
    return Promise.all(pods.map((p) => this.#report(p, all)));
  }

  async inspect(nameOrId: string): Promise<PodReport> {
    return this.#report(this.store.find(nameOrId));
  }

  async create(o: PodCreateOptions): Promise<PodReport> {
    if (o.name !== undefined && !validPodName(o.name))
      throw new EngineError('invalid_argument', `invalid pod name ${JSON.stringify(o.name)}: use [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
    await ensurePauseImage(this.host);
    const id = newPodId();
    const name = o.name ?? `pod-${id.slice(0, 8)}`;
    const hostname = o.hostname ?? name.replace(/[_.]/g, '-').slice(0, 63);
    const rec = await this.store.withLock(async () => {
      if (this.store.list().some((p) => p.name === name))
        throw new EngineError('conflict', `the pod name "${name}" is already in use: remove it or pick another name`);
      const infra = await this.host.containers.create({
        image: pauseImage,
        name: `${id.slice(0, 12)}-infra`,
        hostname,
        publish: o.publish ?? [],
        ...(o.network !== undefined ? { network: o.network } : {}),
        ...(o.networks?.length ? { networks: o.networks } : {}),
        ...(o.addHosts?.length ? { addHosts: o.addHosts } : {}),
        ...(o.dns?.length ? { dns: o.dns } : {}),
        ...(o.dnsSearch?.length ? { dnsSearch: o.dnsSearch } : {}),
        ...(o.dnsOptions?.length ? { dnsOptions: o.dnsOptions } : {}),
        ...(o.sysctls?.length ? { sysctls: o.sysctls } : {}),
        labels: { [podLabel]: id, [infraLabel]: 'true' },
      });
      const p: PodRecord = {
        id,
        name,
        createdAt: new Date().toISOString(),
        infraId: infra.id,
        hostname,
        labels: { ...(o.labels ?? {}) },
        publish: [...(o.publish ?? [])],
        ...(o.network !== undefined ? { network: o.network } : {}),
        ...(o.networks?.length ? { networks: o.networks } : {}),
      };
      try {
        this.store.write(p);
      } catch (e) {
        await this.host.containers.remove(infra.id, { force: true }).catch(() => undefined);
        throw e;
      }
      return p;
    });
    return this.#report(rec);
  }

  /** The infra container running (started when it is not); its record. */
  async #infraUp(p: PodRecord): Promise<ContainerReport> {
    const infra = await this.host.containers.find(p.infraId).catch(() => undefined);
    if (!infra)
      throw new EngineError(
        'failed_precondition',
        `pod ${p.name} has lost its infra container: remove the pod (dockui pod rm -f ${p.name})`,
      );
    if (infra.state !== 'running') await this.host.containers.start(infra.id);
    return infra;
  }

  /** RunOptions of `run --pod P`: the pod's namespaces joined, its infra started. */
  async join(opts: RunOptions & { pod: string }): Promise<RunOptions> {
    const p = this.store.find(opts.pod);
    const taken = [
      opts.publish?.length || opts.publishAll ? 'published ports' : '',
      opts.network !== undefined || opts.networks?.length ? 'the network' : '',
      opts.hostname !== undefined ? 'the hostname' : '',
    ].filter(Boolean);
    if (taken.length)
      throw new EngineError(
        'invalid_argument',
        `${taken.join(', ')} cannot be set on a container of pod ${p.name}: the pod owns them (dockui pod create -p/--network/--hostname)`,
      );
    const infra = await this.#infraUp(p);
    const { pod: _pod, ...rest } = opts;
    return { ...rest, network: `container:${infra.id}`, labels: { ...(opts.labels ?? {}), [podLabel]: p.id } };
  }

  async start(nameOrId: string): Promise<PodReport> {
    const p = this.store.find(nameOrId);
    await this.#infraUp(p);
    const r = await this.#report(p);
    const errors: string[] = [];
    for (const c of r.containers)
      if (c.state !== 'running')
        await this.host.containers.start(c.id).catch((e: unknown) => errors.push(`${c.name}: ${(e as Error).message}`));
    if (errors.length) throw new EngineError('failed_precondition', `pod ${p.name}: cannot start ${errors.join('; ')}`);
    return this.#report(p);
  }

  async stop(nameOrId: string, opts: { timeoutSec?: number } = {}): Promise<PodReport> {
    const p = this.store.find(nameOrId);
    const r = await this.#report(p);
    const live = (c: ContainerReport) => c.state === 'running' || c.state === 'paused';
    await Promise.all(r.containers.filter(live).map((c) => this.host.containers.stop(c.id, opts)));
    // The pause process ignores SIGTERM (pid 1 of its namespace): it is killed.
    if (r.infra && live(r.infra)) await this.host.containers.stop(r.infra.id, { signal: 'SIGKILL' });
    return this.#report(p);
  }

  /** Removes the members, the infra container and the record; running ones only with `force`. */
  async remove(nameOrId: string, opts: { force?: boolean } = {}): Promise<PodRecord> {
    const p = this.store.find(nameOrId);
    const r = await this.#report(p);
    const all = [...r.containers, ...(r.infra ? [r.infra] : [])];
    const live = all.filter((c) => c.state === 'running' || c.state === 'paused');
    if (live.length && !opts.force)
      throw new EngineError(
        'conflict',
        `pod ${p.name} has running containers (${live.map((c) => c.name).join(', ')}): stop the pod first or use -f`,
      );
    for (const c of r.containers) await this.#removeQuiet(c.id);
    if (r.infra) await this.#removeQuiet(r.infra.id);
    await this.store.withLock(async () => this.store.remove(p.id));
    return p;
  }

  async #removeQuiet(id: string): Promise<void> {
    await this.host.containers.remove(id, { force: true }).catch((e: unknown) => {
      if (!(isEngineError(e) && e.code === 'not_found')) throw e;
    });
  }
}
