// `compose run`: a one-off container of a service (Compose's words and labels: PROJECT-SERVICE-
// run-HEX, com.docker.compose.oneoff=True). Its dependencies are brought up first (unless
// noDeps); it takes the service's config with the command, entrypoint, env, user and workdir
// overridden, publishes no port unless servicePorts, has no restart policy and answers to no
// service alias (the service's name keeps meaning its own containers).
import { randomBytes } from 'node:crypto';
import type { RunOptions } from '../types.js';
import type { ComposeContainer, ComposeEvent } from './ops.js';
import type { ComposeProject } from './project.js';
import { L, runOptionsFor, serviceImage } from './run-options.js';

export interface RunOneOffOptions {
  readonly service: string;
  /** Replaces the service's command. */
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** "K=V", over the service's environment. */
  readonly env?: readonly string[];
  readonly name?: string;
  readonly user?: string;
  readonly workdir?: string;
  /** Removed when it exits (`--rm`). */
  readonly rm?: boolean;
  readonly tty?: boolean;
  readonly interactive?: boolean;
  readonly noDeps?: boolean;
  /** The service's published ports too (`--service-ports`). */
  readonly servicePorts?: boolean;
  readonly build?: boolean;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: ComposeEvent) => void;
  readonly onBuildOutput?: (service: string, line: string) => void;
}

/** Creates (does not start) the one-off container; its dependencies are started and waited for. */
export async function createOneOff(p: ComposeProject, o: RunOneOffOptions): Promise<ComposeContainer> {
  const [svc] = p.targets([o.service]) as [string];
  const hooks = {
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    ...(o.onBuildOutput ? { onBuildOutput: o.onBuildOutput } : {}),
  };
  const ev = o.onEvent ?? (() => undefined);
  const deps = o.noDeps ? [] : p.upOrder([svc]).filter((s) => s !== svc);
  if (deps.length) await p.up({ services: deps, ...hooks });
  else {
    await p.ensureNetworks(ev);
    await p.ensureVolumes(ev);
  }
  const imageId = await p.ensureImage(svc, { ...hooks, ...(o.build ? { build: true } : {}) });
  if (!o.noDeps) await p.waitForDependencies(svc, ev, o.signal);
  const runs = (await p.containers({ all: true, services: [svc] })).filter((c) => c.labels[L.oneoff] === 'True');
  const base = runOptionsFor(p.model, p.project, svc, runs.length + 1, serviceImage(p.model, svc), imageId);
  const { restart: _restart, ...rest } = base;
  const run: RunOptions = {
    ...rest,
    name: o.name ?? `${p.model.name}-${svc}-run-${randomBytes(6).toString('hex')}`,
    labels: { ...base.labels, [L.oneoff]: 'True' },
    publish: o.servicePorts ? (base.publish ?? []) : [],
    networks: (base.networks ?? []).map((n) => ({ name: n.name, aliases: [] })),
    env: [...(base.env ?? []), ...(o.env ?? [])],
    ...(o.command?.length ? { cmd: o.command } : {}),
    ...(o.entrypoint ? { entrypoint: o.entrypoint } : {}),
    ...(o.user ? { user: o.user } : {}),
    ...(o.workdir ? { workdir: o.workdir } : {}),
    tty: o.tty ?? false,
    interactive: o.interactive ?? false,
    autoRemove: o.rm ?? false,
  };
  const c = await p.ops.containers.create(run);
  ev({ kind: 'Container', name: c.name, status: 'Created' });
  return c;
}
