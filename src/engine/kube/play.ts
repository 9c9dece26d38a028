// `dockui kube play FILE`, the plan: Kubernetes objects → the pods, containers and volumes that
// run them here, by podman's kube play rules. A Pod is one dockui pod; a Deployment is `replicas`
// pods (NAME-pod, NAME-pod-1, …); containers are POD-CONTAINER. Every pod joins one dockui network
// ("kube", podman's podman-default-kube-network) under its name and the names of the Services
// that select it, so Services resolve by name. Ports: a container port's hostPort is published
// on 127.0.0.1 (first replica only), as is a NodePort Service's nodePort, and --publish adds or
// overrides; a Service's own port is not a host port. PVCs are named volumes, emptyDirs volumes
// of the pod (removed with it), ConfigMaps and Secrets feed env and envFrom and secret/configMap
// volumes (read-only files in each container, file-volumes.ts), probes become
// healthchecks. What cannot be carried out is refused by name before anything is made. Pure.
import { parseAllDocuments } from 'yaml';
import { EngineError, type HealthConfig, type RestartPolicy } from '../define.js';
import type { FileMount, RunOptions } from '../types.js';
import type { KubeObject } from './generate.js';
import { knownKinds, validateObjects } from './validate.js';
import { podSpecExtras, type PodNetworkExtras } from './play-extras.js';
import { fileSources, playFileMount, playVolumeItems } from './file-volumes.js';

/** The network every played pod joins. */
export const kubeNetwork = 'kube';
/** On every pod and container kube play makes: the file's base name. */
export const playLabel = 'io.dockui.kube.play';

type Obj = Record<string, unknown>;
interface Port {
  containerPort?: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface PlannedPod {
  readonly name: string;
  readonly hostname: string;
  readonly aliases: readonly string[];
  readonly publish: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Volumes of the pod itself (emptyDir): made before its containers, removed with it. */
  readonly podVolumes: readonly string[];
  /** Hosts, DNS and net.* sysctls of the pod: its infra container's (play-extras.ts). */
  readonly network: PodNetworkExtras;
  readonly containers: readonly RunOptions[];
}

export interface PlayPlan {
  readonly pods: readonly PlannedPod[];
  /** PersistentVolumeClaims: named volumes (kept by `kube down` unless --force). */
  readonly claims: readonly string[];
  readonly notes: readonly string[];
}

/** Multi-document YAML → objects (empty documents skipped); a YAML error is one line. */
export function parseKubeYaml(text: string, file: string): KubeObject[] {
  const out: KubeObject[] = [];
  // YAML 1.1, as Kubernetes reads it (go-yaml): `defaultMode: 0400` is octal.
  for (const d of parseAllDocuments(text, { version: '1.1' }) as ReturnType<typeof parseAllDocuments> & unknown[]) {
    if ('errors' in d && d.errors.length) throw new EngineError('invalid_argument', `${file}: ${d.errors[0]!.message.split('\n')[0]}`);
    const v = (d as { toJS(): unknown }).toJS();
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v))
      throw new EngineError('invalid_argument', `${file}: a document is not a Kubernetes object`);
    const o = v as Partial<KubeObject>;
    if (typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || typeof o.metadata?.name !== 'string')
      throw new EngineError('invalid_argument', `${file}: every object needs apiVersion, kind and metadata.name`);
    out.push(o as KubeObject);
  }
  if (!out.length) throw new EngineError('invalid_argument', `${file}: no Kubernetes objects in it`);
  return out;
}

interface Publish {
  readonly spec: string;
  readonly key: string; // "8080/tcp"
  readonly arg: string; // "127.0.0.1:18080:8080/tcp", as `run -p` takes it
}

/** `[[ip:][hostPort]:]containerPort[/proto]` of --publish, as podman's kube play takes it (host side on 127.0.0.1 by default). */
function parsePublishFlag(spec: string): Publish {
  const m = /^(?:(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5})?:)?(\d{1,5})(?:\/(tcp|udp))?$/i.exec(spec.trim());
  if (!m)
    throw new EngineError('invalid_argument', `invalid --publish ${JSON.stringify(spec)}: use [[IP:][HOSTPORT]:]CONTAINERPORT[/PROTO]`);
  const proto = (m[4] ?? 'tcp').toLowerCase();
  return { spec, key: `${m[3]}/${proto}`, arg: `${m[1] ?? '127.0.0.1'}:${m[2] ?? m[3]}:${m[3]}/${proto}` };
}

function seconds(n: unknown, def: number): number {
  return typeof n === 'number' && n > 0 ? n * 1e9 : def * 1e9;
}

function healthOf(probe: Obj | undefined, note: (s: string) => void): HealthConfig | undefined {
  if (!probe) return undefined;
  let test: string[];
  const exec = probe.exec as { command?: string[] } | undefined;
  const http = probe.httpGet as { path?: string; port?: number | string; scheme?: string } | undefined;
  const tcp = probe.tcpSocket as { port?: number | string } | undefined;
  if (exec?.command?.length) test = ['CMD', ...exec.command];
  else if (http && typeof http.port === 'number') {
    const url = `${(http.scheme ?? 'HTTP').toLowerCase()}://127.0.0.1:${http.port}${http.path ?? '/'}`;
    test = ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`];
  } else if (tcp && typeof tcp.port === 'number') test = ['CMD-SHELL', `nc -z 127.0.0.1 ${tcp.port}`];
  else {
    note('a probe with a named port or no handler dockui knows: left out');
    return undefined;
  }
  return {
    Test: test,
    Interval: seconds(probe.periodSeconds, 10),
    Timeout: seconds(probe.timeoutSeconds, 1),
    Retries: typeof probe.failureThreshold === 'number' ? probe.failureThreshold : 3,
    ...(typeof probe.initialDelaySeconds === 'number' && probe.initialDelaySeconds > 0
      ? { StartPeriod: probe.initialDelaySeconds * 1e9 }
      : {}),
  };
}

function restartOf(p: unknown): RestartPolicy {
  return p === 'Never' ? { Name: 'no' } : p === 'OnFailure' ? { Name: 'on-failure' } : { Name: 'always' };
}

function matches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  const e = Object.entries(selector ?? {});
  return e.length > 0 && e.every(([k, v]) => labels[k] === v);
}

interface Sources {
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly secrets: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

function envOf(c: Obj, src: Sources, where: string): string[] {
  const out = new Map<string, string>();
  const from = (kind: 'ConfigMap' | 'Secret', name: string, optional: boolean) => {
    const m = (kind === 'ConfigMap' ? src.configMaps : src.secrets).get(name);
    if (!m && !optional) throw new EngineError('invalid_argument', `${where}: ${kind} ${name} is not in the file`);
    return m;
  };
  for (const e of (c.envFrom as Obj[] | undefined) ?? []) {
    const ref = (e.configMapRef ?? e.secretRef) as { name?: string; optional?: boolean } | undefined;
    const m = ref?.name ? from(e.configMapRef ? 'ConfigMap' : 'Secret', ref.name, !!ref.optional) : undefined;
    for (const [k, v] of Object.entries(m ?? {})) out.set(`${(e.prefix as string | undefined) ?? ''}${k}`, v);
  }
  for (const e of (c.env as Obj[] | undefined) ?? []) {
    const name = String(e.name);
    if (typeof e.value === 'string' || e.valueFrom === undefined) {
      out.set(name, typeof e.value === 'string' ? e.value : '');
      continue;
    }
    const vf = e.valueFrom as Obj;
    const ref = (vf.configMapKeyRef ?? vf.secretKeyRef) as { name: string; key: string; optional?: boolean } | undefined;
    if (!ref) throw new EngineError('invalid_argument', `${where}: env ${name}: only configMapKeyRef and secretKeyRef are supported`);
    const m = from(vf.configMapKeyRef ? 'ConfigMap' : 'Secret', ref.name, !!ref.optional);
    const v = m?.[ref.key];
    if (v === undefined && !ref.optional)
      throw new EngineError('invalid_argument', `${where}: env ${name}: no key ${ref.key} in ${ref.name}`);
    if (v !== undefined) out.set(name, v);
  }
  return [...out].map(([k, v]) => `${k}=${v}`);
}

/** The plan of a file's objects; `publish`: kube play's --publish. */
export function planPlay(objects: readonly KubeObject[], opts: { file: string; publish?: readonly string[] }): PlayPlan {
  const known = new Set(knownKinds.map((k) => k.split('/').pop()));
  for (const o of objects)
    if (!knownKinds.includes(`${o.apiVersion}/${o.kind}`))
      throw new EngineError(
        'invalid_argument',
        `${opts.file}: kind ${o.kind} (${o.apiVersion}) is not supported by kube play (${[...known].join(', ')})`,
      );
  const problems = validateObjects(objects);
  if (problems.length) throw new EngineError('invalid_argument', `${opts.file}: ${problems[0]}`);
  const notes: string[] = [];
  const base = opts.file.split('/').pop() ?? opts.file;
  const src: Sources = {
    configMaps: new Map(
      objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, (o.data ?? {}) as Record<string, string>]),
    ),
    secrets: new Map(
      objects
        .filter((o) => o.kind === 'Secret')
        .map((o) => [
          o.metadata.name,
          {
            ...Object.fromEntries(
              Object.entries((o.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
            ),
            ...((o.stringData ?? {}) as Record<string, string>),
          },
        ]),
    ),
  };
  const fileSrc = fileSources(objects);
  const services = objects.filter((o) => o.kind === 'Service');
  const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name);
  const publish = (opts.publish ?? []).map(parsePublishFlag);
  const published = new Set<string>();
  const pods: PlannedPod[] = [];
  const usedHostPorts = new Set<string>();

  const addPod = (podName: string, podLabels: Record<string, string>, spec: Obj, restart: RestartPolicy, first: boolean) => {
    const where = `${opts.file}: pod ${podName}`;
    const note = (s: string) => notes.push(`${podName}: ${s}`);
    if ((spec.initContainers as unknown[] | undefined)?.length)
      throw new EngineError('invalid_argument', `${where}: initContainers are not supported`);
    if (spec.hostNetwork) throw new EngineError('invalid_argument', `${where}: hostNetwork is not supported by kube play`);
    const aliases = services
      .filter((s) => matches((s.spec as Obj | undefined)?.selector as Record<string, string>, podLabels))
      .map((s) => s.metadata.name);
    const ports: string[] = [];
    for (const s of services) {
      const sp = s.spec as Obj | undefined;
      if (!first || sp?.type !== 'NodePort' || !matches(sp.selector as Record<string, string>, podLabels)) continue;
      for (const p of (sp.ports as Port[] | undefined) ?? [])
        if (typeof p.nodePort === 'number')
          ports.push(`127.0.0.1:${p.nodePort}:${typeof p.targetPort === 'number' ? p.targetPort : p.port}`);
    }
    const vols = new Map<string, { kind: 'claim' | 'pod' | 'host'; source: string }>();
    const fileVols = new Map<string, ReturnType<typeof playVolumeItems>>();
    const podVolumes: string[] = [];
    for (const v of (spec.volumes as Obj[] | undefined) ?? []) {
      const name = String(v.name);
      const pvc = v.persistentVolumeClaim as { claimName?: string } | undefined;
      const host = v.hostPath as { path?: string } | undefined;
      if (pvc?.claimName) vols.set(name, { kind: 'claim', source: pvc.claimName });
      else if (v.emptyDir !== undefined) {
        const vol = `${podName}-${name}`;
        podVolumes.push(vol);
        vols.set(name, { kind: 'pod', source: vol });
      } else if (host?.path) vols.set(name, { kind: 'host', source: host.path });
      else if (v.secret !== undefined || v.configMap !== undefined) fileVols.set(name, playVolumeItems(v, fileSrc, where));
      else
        throw new EngineError(
          'invalid_argument',
          `${where}: volume ${name}: only persistentVolumeClaim, emptyDir, hostPath, secret and configMap are supported`,
        );
    }
    const extras = podSpecExtras(spec, note);
    const containers: RunOptions[] = [];
    for (const c of (spec.containers as Obj[] | undefined) ?? []) {
      const cname = String(c.name);
      const cwhere = `${where}: container ${cname}`;
      for (const p of (c.ports as Port[] | undefined) ?? []) {
        const proto = (p.protocol ?? 'TCP').toLowerCase();
        const key = `${String(p.containerPort)}/${proto}`;
        const over = publish.find((x) => x.key === key);
        if (over) {
          // --publish overrides the file's hostPort (or adds one), on the first replica.
          if (first) ports.push(over.arg);
          published.add(over.spec);
          continue;
        }
        if (typeof p.hostPort !== 'number') continue;
        if (!first) {
          note(`hostPort ${p.hostPort} is published by the first replica only`);
          continue;
        }
        const hp = `${p.hostIP ?? '127.0.0.1'}:${p.hostPort}`;
        if (usedHostPorts.has(hp)) throw new EngineError('invalid_argument', `${cwhere}: host port ${hp} is used twice`);
        usedHostPorts.add(hp);
        ports.push(`${hp}:${String(p.containerPort)}/${proto}`);
      }
      const volumes: string[] = [];
      const files: FileMount[] = [];
      for (const m of (c.volumeMounts as Obj[] | undefined) ?? []) {
        const fv = fileVols.get(String(m.name));
        if (fv) {
          files.push(playFileMount(fv, m, cwhere));
          continue;
        }
        const v = vols.get(String(m.name));
        if (!v) throw new EngineError('invalid_argument', `${cwhere}: volumeMount ${String(m.name)} names no volume of the pod`);
        volumes.push(`${v.source}:${String(m.mountPath)}${m.readOnly ? ':ro' : ''}`);
      }
      const sc = (c.securityContext ?? {}) as Obj;
      const caps = (sc.capabilities ?? {}) as { add?: string[]; drop?: string[] };
      const lim = ((c.resources as Obj | undefined)?.limits ?? {}) as Record<string, string | number>;
      const hc = healthOf((c.livenessProbe ?? c.readinessProbe) as Obj | undefined, note);
      if (c.livenessProbe && c.readinessProbe) note(`${cname}: liveness and readiness probes: the liveness one is the healthcheck`);
      if (c.startupProbe) note(`${cname}: startupProbe has no dockui equivalent: left out`);
      const user =
        typeof sc.runAsUser === 'number' ? `${sc.runAsUser}${typeof sc.runAsGroup === 'number' ? `:${sc.runAsGroup}` : ''}` : undefined;
      containers.push({
        image: String(c.image),
        name: `${podName}-${cname}`,
        ...(Array.isArray(c.command) ? { entrypoint: c.command as string[] } : {}),
        ...(Array.isArray(c.args) ? { cmd: c.args as string[] } : {}),
        env: envOf(c, src, cwhere),
        volumes,
        ...(files.length ? { files } : {}),
        ...(typeof c.workingDir === 'string' ? { workdir: c.workingDir } : {}),
        ...(user !== undefined ? { user } : {}),
        tty: c.tty === true,
        interactive: c.stdin === true,
        ...(sc.privileged === true ? { privileged: true } : {}),
        ...(sc.readOnlyRootFilesystem === true ? { readOnly: true } : {}),
        capAdd: caps.add ?? [],
        capDrop: caps.drop ?? [],
        ...(lim.memory !== undefined ? { memory: String(lim.memory).replace(/i$/, '') } : {}),
        ...(lim.cpu !== undefined ? { cpus: String(/m$/.test(String(lim.cpu)) ? parseInt(String(lim.cpu), 10) / 1000 : lim.cpu) } : {}),
        labels: { ...podLabels, [playLabel]: base },
        restart,
        ...(hc ? { healthcheck: hc } : {}),
        ...extras.member,
      });
    }
    if (!containers.length) throw new EngineError('invalid_argument', `${where}: no containers`);
    pods.push({
      name: podName,
      hostname: typeof spec.hostname === 'string' ? spec.hostname : podName,
      aliases: [...new Set([podName, ...aliases])],
      publish: ports,
      labels: { ...podLabels, [playLabel]: base },
      podVolumes,
      network: extras.network,
      containers,
    });
  };

  for (const o of objects) {
    const labels = o.metadata.labels ?? {};
    if (o.kind === 'Pod')
      addPod(o.metadata.name, labels, (o.spec ?? {}) as Obj, restartOf((o.spec as Obj | undefined)?.restartPolicy), true);
    else if (o.kind === 'Deployment') {
      const spec = (o.spec ?? {}) as Obj;
      const tpl = (spec.template ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: Obj };
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      for (let i = 0; i < replicas; i++)
        addPod(
          i === 0 ? `${o.metadata.name}-pod` : `${o.metadata.name}-pod-${i}`,
          tpl.metadata?.labels ?? {},
          tpl.spec ?? {},
          { Name: 'always' },
          i === 0,
        );
    }
  }
  for (const s of services) {
    const sp = (s.spec ?? {}) as Obj;
    for (const p of (sp.ports as Port[] | undefined) ?? [])
      if (p.targetPort !== undefined && p.targetPort !== p.port)
        notes.push(
          `Service ${s.metadata.name}: port ${String(p.port)} → ${String(p.targetPort)}: reached by name on ${String(p.targetPort)} (dockui has no service proxy)`,
        );
  }
  for (const x of publish)
    if (!published.has(x.spec))
      throw new EngineError('invalid_argument', `--publish ${x.spec}: no container of ${opts.file} declares port ${x.key}`);
  return { pods, claims, notes };
}
