// `dockui kube generate`: Kubernetes manifests from what runs here, as podman's `kube generate`
// and kompose make them. Each workload (a container, or a Compose service with its replicas)
// becomes a Deployment (or a bare Pod), its ports a Service named after it (so names resolve in
// the cluster as they do on a Compose network), named volumes PersistentVolumeClaims, env files
// ConfigMaps; healthchecks become probes, limits resources, capabilities a securityContext.
// What has no Kubernetes equivalent is reported, never silently dropped. Pure: no I/O.
import type { HealthConfig, PortMapping, RestartPolicy } from '../define.js';
import type { ContainerRecord } from '../runtime/records.js';
import { podExtras } from './pod-extras.js';
import { fileVolume, type FileContent } from './file-volumes.js';

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; [k: string]: unknown };
};

/** One workload: a container, or a Compose service's containers (replicas). */
export interface Workload {
  readonly name: string;
  readonly containers: readonly ContainerRecord[];
  /** Ports the image exposes or the service declares (`expose:`), "80/tcp". */
  readonly exposed: readonly string[];
  /** The image reference to write (its pushed name when --push ran). */
  readonly image: string;
  /** Variables that came from env files (Compose's env_file): a ConfigMap, not inline env. */
  readonly envFile?: Readonly<Record<string, string>>;
  /**
   * A pod: its members, each a container of the one pod spec (they share its network, so its
   * localhost); `containers` then holds the infra container, whose ports and hostname are the pod's.
   */
  readonly members?: readonly PodMember[];
  /** The content of its file mounts (secrets, configs) by source path: a Secret or ConfigMap each. */
  readonly files?: ReadonlyMap<string, FileContent>;
}

/** A pod's member container, with what its image says. */
export interface PodMember {
  readonly rec: ContainerRecord;
  readonly image: string;
  readonly exposed: readonly string[];
}

export interface GenerateOptions {
  readonly type?: 'deployment' | 'pod';
  /** Add a Service for each workload with ports (podman's -s; on by default for Compose projects). */
  readonly service?: boolean;
}

export interface GenerateResult {
  readonly objects: KubeObject[];
  /** What could not be mapped, one line each ("web: --pids-limit has no Kubernetes field"). */
  readonly notes: string[];
}

/** A DNS-1123 label: lower case, digits and '-', at most 63, starting and ending alphanumeric. */
export function dnsName(s: string): string {
  const n = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return n || 'app';
}

const labelKey = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function seconds(ns: number | undefined, def: number): number {
  return ns === undefined || ns <= 0 ? def : Math.max(1, Math.round(ns / 1e9));
}

function probe(h: HealthConfig): Record<string, unknown> | undefined {
  const t = h.Test ?? [];
  let command: string[];
  if (t[0] === 'CMD') command = t.slice(1);
  else if (t[0] === 'CMD-SHELL') command = ['/bin/sh', '-c', t.slice(1).join(' ')];
  else return undefined;
  return {
    exec: { command },
    periodSeconds: seconds(h.Interval, 30),
    timeoutSeconds: seconds(h.Timeout, 30),
    failureThreshold: h.Retries && h.Retries > 0 ? h.Retries : 3,
    ...(h.StartPeriod ? { initialDelaySeconds: seconds(h.StartPeriod, 0) } : {}),
  };
}

function restartPolicy(p: RestartPolicy | undefined): 'Always' | 'OnFailure' | 'Never' {
  if (!p || p.Name === 'no' || p.Name === '') return 'Never';
  return p.Name === 'on-failure' ? 'OnFailure' : 'Always';
}

function portKey(p: PortMapping): string {
  return `${p.containerPort}/${p.protocol}`;
}

/** The env a workload's pods get, minus what every image sets anyway. */
function envOf(rec: ContainerRecord): { name: string; value: string }[] {
  return rec.env
    .map((e) => {
      const i = e.indexOf('=');
      return { name: i === -1 ? e : e.slice(0, i), value: i === -1 ? '' : e.slice(i + 1) };
    })
    .filter((e) => e.name !== 'PATH' && e.name !== 'HOSTNAME' && e.name !== '');
}

interface SpecContext {
  readonly m: ContainerRecord;
  readonly image: string;
  readonly exposed: readonly string[];
  readonly published: readonly PortMapping[];
  /** The container's name in the pod spec; `name` the workload's (labels, PVC owners). */
  readonly cname: string;
  readonly name: string;
  readonly envFile: Readonly<Record<string, string>> | undefined;
  readonly objects: KubeObject[];
  readonly claims: Set<string>;
  readonly volumes: Record<string, unknown>[];
  readonly files: ReadonlyMap<string, FileContent> | undefined;
  readonly note: (what: string) => void;
}

/** One container of a pod spec (its volumes, PVCs and ConfigMap added to the context's lists). */
function containerSpec(ctx: SpecContext): {
  container: Record<string, unknown>;
  ports: Map<string, { containerPort: number; protocol: string; hostPort?: number }>;
} {
  const { m: rec, image, exposed, cname, name, objects, claims, volumes, note } = ctx;
  const w = { envFile: ctx.envFile, exposed };
  const volumeMounts: Record<string, unknown>[] = [];
  for (const [i, m] of rec.mounts.entries()) {
    const vname = dnsName(`${cname}-vol-${i}`);
    const fv = m.file
      ? fileVolume({ ...m, file: m.file }, ctx.files?.get(m.source), vname, { objects, app: name, dnsName, note })
      : undefined;
    if (fv) {
      volumes.push(fv.volume);
      volumeMounts.push(fv.mount);
      continue;
    }
    if (m.type === 'volume' && m.source && !m.anonymous) {
      const claim = dnsName(m.source);
      volumes.push({ name: vname, persistentVolumeClaim: { claimName: claim } });
      if (!claims.has(claim)) {
        claims.add(claim);
        objects.push({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: claim, labels: { app: name } },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        });
      }
    } else if (m.type === 'volume') volumes.push({ name: vname, emptyDir: {} });
    else if (m.type === 'tmpfs') volumes.push({ name: vname, emptyDir: { medium: 'Memory' } });
    else {
      volumes.push({ name: vname, hostPath: { path: m.source } });
      note(`bind mount ${m.source} → ${m.destination} became a hostPath volume: the path must exist on the node`);
    }
    volumeMounts.push({ name: vname, mountPath: m.destination, ...(m.readOnly ? { readOnly: true } : {}) });
  }

  const ports = new Map<string, { containerPort: number; protocol: string; hostPort?: number }>();
  for (const p of ctx.published)
    ports.set(portKey(p), { containerPort: p.containerPort, protocol: p.protocol.toUpperCase(), hostPort: p.hostPort });
  for (const e of w.exposed) {
    const [n, proto = 'tcp'] = e.split('/');
    const port = Number(n);
    if (Number.isInteger(port) && port > 0 && port < 65536 && !ports.has(`${port}/${proto}`))
      ports.set(`${port}/${proto}`, { containerPort: port, protocol: proto.toUpperCase() });
  }

  const resources: Record<string, string> = {};
  if (rec.memoryBytes) resources.memory = String(rec.memoryBytes);
  if (rec.nanoCpus) resources.cpu = `${Math.max(1, Math.round(rec.nanoCpus / 1e6))}m`;
  if (rec.pidsLimit) note('--pids-limit has no per-container Kubernetes field: left out');
  if (rec.network === 'none') note('--network none has no Kubernetes equivalent: the pod gets the cluster network');

  const caps: Record<string, string[]> = {};
  if (rec.capAdd.length) caps.add = rec.capAdd.map((c) => c.replace(/^CAP_/i, '').toUpperCase());
  if (rec.capDrop.length) caps.drop = rec.capDrop.map((c) => c.replace(/^CAP_/i, '').toUpperCase());
  const securityContext = {
    ...(rec.privileged ? { privileged: true } : {}),
    ...(rec.readOnly ? { readOnlyRootFilesystem: true } : {}),
    ...(Object.keys(caps).length ? { capabilities: caps } : {}),
    ...(/^\d+$/.test(rec.user.split(':')[0] ?? '') ? { runAsUser: Number(rec.user.split(':')[0]) } : {}),
  };
  if (rec.user && !/^\d+(:\d+)?$/.test(rec.user))
    note(`user ${rec.user} is a name: Kubernetes takes numeric ids (runAsUser); left to the image`);

  let env = envOf(rec);
  const fromFile = Object.entries(w.envFile ?? {}).filter(([k, v]) => env.some((e) => e.name === k && e.value === v));
  let envFrom: Record<string, unknown>[] | undefined;
  if (fromFile.length) {
    const cm = dnsName(`${cname}-env`);
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: cm, labels: { app: name } },
      data: Object.fromEntries(fromFile),
    });
    envFrom = [{ configMapRef: { name: cm } }];
    env = env.filter((e) => !fromFile.some(([k]) => k === e.name));
  }
  const hc = rec.healthcheck && rec.healthcheck.Test?.[0] !== 'NONE' ? probe(rec.healthcheck) : undefined;
  const container: Record<string, unknown> = {
    name: cname,
    image,
    command: [rec.path],
    ...(rec.args.length ? { args: [...rec.args] } : {}),
    ...(env.length ? { env } : {}),
    ...(envFrom ? { envFrom } : {}),
    ...(rec.workdir && rec.workdir !== '/' ? { workingDir: rec.workdir } : {}),
    // A published port keeps its host port (podman's kube generate writes hostPort; kube play publishes it).
    ...(ports.size
      ? {
          ports: [...ports.values()].map((p) => ({
            containerPort: p.containerPort,
            ...(p.hostPort ? { hostPort: p.hostPort } : {}),
            protocol: p.protocol,
          })),
        }
      : {}),
    ...(volumeMounts.length ? { volumeMounts } : {}),
    ...(Object.keys(resources).length ? { resources: { limits: resources } } : {}),
    ...(Object.keys(securityContext).length ? { securityContext } : {}),
    ...(hc ? { livenessProbe: hc, readinessProbe: hc } : {}),
    ...(rec.tty ? { tty: true } : {}),
    ...(rec.interactive ? { stdin: true } : {}),
  };
  return { container, ports };
}

export function generate(workloads: readonly Workload[], opts: GenerateOptions = {}): GenerateResult {
  const objects: KubeObject[] = [];
  const notes: string[] = [];
  const claims = new Set<string>();
  for (const w of workloads) {
    const rec = w.containers[0];
    if (!rec) continue;
    const name = dnsName(w.name);
    const note = (what: string) => notes.push(`${w.name}: ${what}`);
    const labels: Record<string, string> = { app: name };
    for (const [k, v] of Object.entries(rec.labels)) {
      if (k.startsWith('com.docker.compose.') || k.startsWith('io.dockui.')) continue;
      if (labelKey.test(k) && labelValue.test(v) && v.length <= 63) labels[k] = v;
      else note(`label ${k}=${v} is not a valid Kubernetes label: left out`);
    }

    const volumes: Record<string, unknown>[] = [];
    const allPorts = new Map<string, { containerPort: number; protocol: string; hostPort?: number }>();
    const members: readonly PodMember[] = w.members ?? [{ rec, image: w.image, exposed: w.exposed }];
    const containers = members.map((m, i) => {
      // A pod's published ports are its infra container's: declared on its first member.
      // The :: half of a port published on both families is the same port to Kubernetes.
      const published = (w.members ? (i === 0 ? rec.ports : []) : m.rec.ports).filter((p) => !p.v6Twin);
      const cname = w.members ? dnsName(m.rec.name.startsWith(`${w.name}-`) ? m.rec.name.slice(w.name.length + 1) : m.rec.name) : name;
      const c = containerSpec({
        m: m.rec,
        image: m.image,
        exposed: m.exposed,
        published,
        cname,
        name,
        envFile: w.envFile,
        files: w.files,
        objects,
        claims,
        volumes,
        note,
      });
      for (const [k, p] of c.ports) if (!allPorts.has(k)) allPorts.set(k, p);
      return c.container;
    });
    const ports = allPorts;
    const podSpec: Record<string, unknown> = {
      containers,
      ...(volumes.length ? { volumes } : {}),
      ...(rec.hostname && rec.hostname !== rec.id.slice(0, 12) ? { hostname: dnsName(rec.hostname) } : {}),
      ...(rec.network === 'host' ? { hostNetwork: true } : {}),
      ...podExtras(
        members.map((m) => m.rec),
        note,
      ),
    };
    // A pod's members say how it restarts (its infra container never exits on its own).
    const lead = w.members?.[0]?.rec ?? rec;
    const policy = restartPolicy(lead.restartPolicy);
    if (opts.type === 'pod') {
      objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { ...podSpec, restartPolicy: policy } });
    } else {
      if (policy !== 'Always')
        note(`restart policy ${lead.restartPolicy?.Name || 'no'}: a Deployment always restarts (use --type pod to keep it)`);
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, labels },
        spec: {
          replicas: w.members ? 1 : w.containers.length,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels }, spec: { ...podSpec, restartPolicy: 'Always' } },
        },
      });
    }
    if (members.some((m) => m.rec.init)) note('--init has no Kubernetes field: the image must reap its children and handle SIGTERM itself');
    const nets = rec.networks ?? [];
    if (nets.length > 1)
      note(`networks ${nets.map((n) => n.name).join(', ')}: a cluster has one flat network (isolate with NetworkPolicies)`);
    // Other names on its networks (Compose aliases) become Services too, so they resolve in the cluster.
    const aliases = [...new Set(nets.flatMap((n) => n.aliases).map(dnsName))].filter(
      (a) => a !== name && !workloads.some((o) => dnsName(o.name) === a),
    );
    if (opts.service !== false && ports.size)
      for (const svcName of [name, ...aliases]) {
        objects.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: svcName, labels: { app: name } },
          spec: {
            selector: { app: name },
            ports: [...ports.values()].map((p) => ({
              name: `${p.protocol.toLowerCase()}-${p.containerPort}`,
              port: p.hostPort ?? p.containerPort,
              targetPort: p.containerPort,
              protocol: p.protocol,
            })),
          },
        });
      }
  }
  return { objects, notes };
}
