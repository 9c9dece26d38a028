// A service's container as the engine creates it: the RunOptions, Compose's labels and the
// config hash that decides whether `up` recreates it.
import { createHash } from 'node:crypto';
import { parseGoDuration } from '../util/duration.js';
import { EngineError, type HealthConfig, type RestartPolicy } from '../define.js';
import type { RunOptions } from '../types.js';
import { publishedFor } from './replicas.js';
import { fileMountsDigest, fileMountsFor } from './secrets.js';
import type { ComposeModel, Healthcheck, ServiceConfig } from './types.js';

export const L = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  hash: 'com.docker.compose.config-hash',
  oneoff: 'com.docker.compose.oneoff',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  image: 'com.docker.compose.image',
  network: 'com.docker.compose.network',
  version: 'com.docker.compose.version',
} as const;

/** The network's name on the engine: `name:` or PROJECT_KEY. */
export const networkName = (m: ComposeModel, key: string) => m.networks[key]?.name ?? `${m.name}_${key}`;
export const volumeName = (m: ComposeModel, key: string) => m.volumes[key]?.name ?? `${m.name}_${key}`;
/** The image a service runs: `image:`, or PROJECT-SERVICE for a build without one. */
export const serviceImage = (m: ComposeModel, svc: string) => m.services[svc]!.image ?? `${m.name}-${svc}`;
export const containerName = (m: ComposeModel, svc: string, n: number) => m.services[svc]!.container_name ?? `${m.name}-${svc}-${n}`;

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** Compose's ulimits as `--ulimit` lines ("nofile=1024:2048", "nproc=512"), in the file's order. */
function ulimitLines(u: NonNullable<ServiceConfig['ulimits']>): string[] {
  return Object.entries(u).map(([name, l]) => (typeof l === 'number' ? `${name}=${l}` : `${name}=${l.soft}:${l.hard}`));
}

/** Compose's sysctls as `--sysctl` lines ("net.core.somaxconn=1024"), in the file's order. */
function sysctlLines(m: Readonly<Record<string, string>>): string[] {
  return Object.entries(m).map(([k, v]) => `${k}=${v}`);
}

/** A hash of what the container is made from (the service's config without develop and extensions). */
export function configHash(s: ServiceConfig, fileMounts?: string): string {
  // The replica count is no container's config (compose leaves it out of the hash too): scaling keeps the others.
  const keep: Record<string, unknown> = Object.fromEntries(
    Object.entries(s).filter(([k]) => !['develop', 'profiles', 'scale', 'deploy'].includes(k) && !k.startsWith('x-')),
  );
  // Limits as --ulimit lines, the form they were hashed in before the model kept Compose's map:
  // a container made then is not recreated for it.
  if (s.ulimits) keep.ulimits = ulimitLines(s.ulimits);
  // Sysctls too, as the "key=value" lines they were hashed as.
  if (s.sysctls) keep.sysctls = sysctlLines(s.sysctls);
  // Resource limits are the container's config: a change recreates it (only existing when set, so
  // the hash of a service without them is what it was).
  if (s.deploy?.resources) keep.deploy_resources = s.deploy.resources;
  // What its secrets and configs resolve to (a changed file path or value recreates it).
  if (fileMounts) keep.file_mounts = fileMounts;
  return createHash('sha256')
    .update(JSON.stringify(sorted(keep)))
    .digest('hex');
}

export function runOptionsFor(
  m: ComposeModel,
  project: { workingDir: string; files: readonly string[]; fileValues?: Readonly<Record<string, string>> },
  svc: string,
  n: number,
  image: string,
  imageId: string,
): RunOptions {
  const s = m.services[svc]!;
  const volumes: string[] = [];
  const tmpfs: string[] = [...(s.tmpfs ?? [])];
  for (const v of s.volumes ?? []) {
    const ro = v.read_only ? ':ro' : '';
    if (v.type === 'tmpfs') tmpfs.push(v.target);
    else if (v.type === 'bind') volumes.push(`${v.source}:${v.target}${ro}`);
    else if (v.source) volumes.push(`${volumeName(m, v.source)}:${v.target}${ro}`);
    else volumes.push(v.target);
  }
  const networks = Object.entries(s.networks ?? { default: null }).map(([key, c]) => ({
    name: networkName(m, key),
    aliases: [svc, ...(c?.aliases ?? [])],
  }));
  const labels: Record<string, string> = {
    ...s.labels,
    [L.project]: m.name,
    [L.service]: svc,
    [L.number]: String(n),
    [L.hash]: configHash(s, fileMountsDigest(m, project.fileValues ?? {}, s)),
    [L.oneoff]: 'False',
    [L.workingDir]: project.workingDir,
    [L.configFiles]: project.files.join(','),
    [L.image]: imageId,
    [L.version]: '2.0.0-dockui',
  };
  const o: {
    -readonly [K in keyof RunOptions]: RunOptions[K];
  } = {
    image,
    name: containerName(m, svc, n),
    env: Object.entries(s.environment ?? {}).map(([k, v]) => `${k}=${v ?? ''}`),
    // Published ports: on 127.0.0.1 unless the file names an address.
    publish: (s.ports ?? []).map((p) => `${p.host_ip ?? '127.0.0.1'}:${publishedFor(p, n)}:${p.target}/${p.protocol}`),
    networks,
    volumes,
    tmpfs,
    labels,
  };
  const files = fileMountsFor(m, project.fileValues ?? {}, s);
  if (files.length) o.files = files;
  if (s.command) o.cmd = s.command;
  if (s.entrypoint) o.entrypoint = s.entrypoint;
  if (s.working_dir) o.workdir = s.working_dir;
  if (s.user) o.user = s.user;
  if (s.hostname) o.hostname = s.hostname;
  if (s.init) o.init = true;
  if (s.read_only) o.readOnly = true;
  if (s.privileged) o.privileged = true;
  if (s.tty) o.tty = true;
  if (s.stdin_open) o.interactive = true;
  if (s.cap_add) o.capAdd = s.cap_add;
  if (s.cap_drop) o.capDrop = s.cap_drop;
  // mem_limit/cpus/pids_limit, or the same under deploy.resources.limits (the first wins when both).
  const lim = s.deploy?.resources?.limits;
  const memory = s.mem_limit ?? lim?.memory;
  const cpus = s.cpus ?? lim?.cpus;
  const pids = s.pids_limit ?? lim?.pids;
  if (memory) o.memory = memory;
  if (cpus) o.cpus = cpus;
  if (pids !== undefined) o.pidsLimit = pids;
  if (s.extra_hosts?.length) o.addHosts = s.extra_hosts;
  if (s.dns?.length) o.dns = s.dns;
  if (s.dns_search?.length) o.dnsSearch = s.dns_search;
  if (s.dns_opt?.length) o.dnsOptions = s.dns_opt;
  if (s.ulimits && Object.keys(s.ulimits).length) o.ulimits = ulimitLines(s.ulimits);
  if (s.sysctls && Object.keys(s.sysctls).length) o.sysctls = sysctlLines(s.sysctls);
  if (s.restart) o.restart = restartPolicy(svc, s.restart);
  if (s.healthcheck) o.healthcheck = healthConfig(s.healthcheck);
  // As docker compose creates them: the container's own Config.StopTimeout and StopSignal, so a
  // plain stop or restart of it (compose watch's restart, `dockui restart`) waits as the file says.
  if (s.stop_grace_period) o.stopTimeout = stopGraceSeconds(s);
  if (s.stop_signal) o.stopSignal = s.stop_signal;
  return o;
}

/** The service's stop_grace_period in whole seconds (rounded up; 10 when unset, as docker's). */
export function stopGraceSeconds(s: ServiceConfig | undefined): number {
  return s?.stop_grace_period ? Math.ceil(durationMs(s.stop_grace_period, 10_000) / 1000) : 10;
}

/** Compose's `restart:` (no, always, on-failure[:N], unless-stopped) as Docker's RestartPolicy. */
function restartPolicy(svc: string, v: string): RestartPolicy {
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(v);
  if (!m || (m[2] !== undefined && m[1] !== 'on-failure'))
    throw new EngineError('invalid_argument', `service ${JSON.stringify(svc)}: invalid restart policy ${JSON.stringify(v)}`);
  return { Name: m[1] as RestartPolicy['Name'], ...(m[2] !== undefined ? { MaximumRetryCount: Number(m[2]) } : {}) };
}

/**
 * The service's healthcheck as Docker's Config.Healthcheck, so the container's own health
 * runner records State.Health (inspect, ps, the TUI); durations in nanoseconds.
 */
function healthConfig(h: Healthcheck): HealthConfig {
  if (h.disable) return { Test: ['NONE'] };
  const ns = (d: string | undefined) => (d === undefined ? undefined : parseGoDuration(d));
  const out: { -readonly [K in keyof HealthConfig]: HealthConfig[K] } = {};
  if (h.test) out.Test = h.test;
  const interval = ns(h.interval);
  const timeout = ns(h.timeout);
  const startPeriod = ns(h.start_period);
  if (interval !== undefined) out.Interval = interval;
  if (timeout !== undefined) out.Timeout = timeout;
  if (startPeriod !== undefined) out.StartPeriod = startPeriod;
  if (h.retries !== undefined) out.Retries = h.retries;
  return out;
}

/** Go-style durations Compose uses ("1m30s", "500ms", "10s"); ms. */
export function durationMs(s: string | undefined, dflt: number): number {
  if (!s) return dflt;
  const ns = parseGoDuration(s);
  return ns === undefined ? dflt : ns / 1e6;
}
