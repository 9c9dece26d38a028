// Docker's Go types behind `inspect` (api/types, 20.10), so that `inspect -f` runs as docker's
// does: first over the typed object, where a nil pointer prints "<nil>", a nil slice "[]", a
// nil map "map[]", a missing map key "<no value>" and an unknown field is an error; then, when
// that fails, over the raw JSON maps with missingkey=error (cli/command/inspect's
// tryRawInspectFallback). The JSON alone cannot tell these apart: docker leaves nil pointers
// out (omitempty) or writes null for all three.
import { GoStruct, NIL } from './values.js';

// One field per token: GoName[=JsonName]:kind. Kinds: s i b (string, int, bool; absent is the
// zero value), * (pointer to a scalar), *T / T (pointer to / struct T), [] / []T (slice of
// scalars / of T), [2]i (an array of two ints, never nil), {} / {}T / {}[]T (map of scalars / of T / of slices of T). Resources and
// NetworkSettingsBase are embedded structs in Go: their fields are listed flat.
const types: Readonly<Record<string, string>> = {
  'types.ContainerJSON':
    'ID=Id:s Created:s Path:s Args:[] State:*types.ContainerState Image:s ResolvConfPath:s HostnamePath:s HostsPath:s ' +
    'LogPath:s Node:* Name:s RestartCount:i Driver:s Platform:s MountLabel:s ProcessLabel:s AppArmorProfile:s ' +
    'ExecIDs:[] HostConfig:*container.HostConfig GraphDriver:types.GraphDriverData SizeRw:* SizeRootFs:* ' +
    'Mounts:[]types.MountPoint Config:*container.Config NetworkSettings:*types.NetworkSettings',
  'types.ContainerState':
    'Status:s Running:b Paused:b Restarting:b OOMKilled:b Dead:b Pid:i ExitCode:i Error:s StartedAt:s FinishedAt:s ' +
    'Health:*types.Health',
  'types.Health': 'Status:s FailingStreak:i Log:[]types.HealthcheckResult',
  'types.HealthcheckResult': 'Start:s End:s ExitCode:i Output:s',
  'container.Config':
    'Hostname:s Domainname:s User:s AttachStdin:b AttachStdout:b AttachStderr:b ExposedPorts:{}struct {} Tty:b ' +
    'OpenStdin:b StdinOnce:b Env:[] Cmd:[] Healthcheck:*container.HealthConfig ArgsEscaped:b Image:s ' +
    'Volumes:{}struct {} WorkingDir:s Entrypoint:[] NetworkDisabled:b MacAddress:s OnBuild:[] Labels:{} StopSignal:s ' +
    'StopTimeout:* Shell:[]',
  'container.HealthConfig': 'Test:[] Interval:i Timeout:i StartPeriod:i Retries:i',
  'struct {}': '',
  'container.HostConfig':
    'Binds:[] ContainerIDFile:s LogConfig:container.LogConfig NetworkMode:s PortBindings:{}[]nat.PortBinding ' +
    'RestartPolicy:container.RestartPolicy AutoRemove:b VolumeDriver:s VolumesFrom:[] CapAdd:[] CapDrop:[] ' +
    'CgroupnsMode:s DNS=Dns:[] DNSOptions=DnsOptions:[] DNSSearch=DnsSearch:[] ExtraHosts:[] GroupAdd:[] IpcMode:s ' +
    'Cgroup:s Links:[] OomScoreAdj:i PidMode:s Privileged:b PublishAllPorts:b ReadonlyRootfs:b SecurityOpt:[] ' +
    'StorageOpt:{} Tmpfs:{} UTSMode:s UsernsMode:s ShmSize:i Sysctls:{} Runtime:s ConsoleSize:[2]i Isolation:s ' +
    'CPUShares=CpuShares:i Memory:i NanoCPUs=NanoCpus:i CgroupParent:s BlkioWeight:i BlkioWeightDevice:[] ' +
    'BlkioDeviceReadBps:[] BlkioDeviceWriteBps:[] BlkioDeviceReadIOps:[] BlkioDeviceWriteIOps:[] ' +
    'CPUPeriod=CpuPeriod:i CPUQuota=CpuQuota:i CPURealtimePeriod=CpuRealtimePeriod:i ' +
    'CPURealtimeRuntime=CpuRealtimeRuntime:i CpusetCpus:s CpusetMems:s Devices:[] DeviceCgroupRules:[] ' +
    'DeviceRequests:[] KernelMemory:i KernelMemoryTCP:i MemoryReservation:i MemorySwap:i MemorySwappiness:* ' +
    'OomKillDisable:* PidsLimit:* Ulimits:[]units.Ulimit CPUCount=CpuCount:i CPUPercent=CpuPercent:i ' +
    'IOMaximumIOps:i IOMaximumBandwidth:i Mounts:[] MaskedPaths:[] ReadonlyPaths:[] Init:*',
  'container.LogConfig': 'Type:s Config:{}',
  'container.RestartPolicy': 'Name:s MaximumRetryCount:i',
  'nat.PortBinding': 'HostIP=HostIp:s HostPort:s',
  'units.Ulimit': 'Name:s Hard:i Soft:i',
  'types.GraphDriverData': 'Data:{} Name:s',
  'types.MountPoint': 'Type:s Name:s Source:s Destination:s Driver:s Mode:s RW:b Propagation:s',
  'types.NetworkSettings':
    'Bridge:s SandboxID:s HairpinMode:b LinkLocalIPv6Address:s LinkLocalIPv6PrefixLen:i Ports:{}[]nat.PortBinding ' +
    'SandboxKey:s SecondaryIPAddresses:[] SecondaryIPv6Addresses:[] EndpointID:s Gateway:s GlobalIPv6Address:s ' +
    'GlobalIPv6PrefixLen:i IPAddress:s IPPrefixLen:i IPv6Gateway:s MacAddress:s Networks:{}network.EndpointSettings',
  'network.EndpointSettings':
    'IPAMConfig:* Links:[] Aliases:[] NetworkID:s EndpointID:s Gateway:s IPAddress:s IPPrefixLen:i IPv6Gateway:s ' +
    'GlobalIPv6Address:s GlobalIPv6PrefixLen:i MacAddress:s DriverOpts:{}',
  'types.ImageInspect':
    'ID=Id:s RepoTags:[] RepoDigests:[] Parent:s Comment:s Created:s Container:s ContainerConfig:*container.Config ' +
    'DockerVersion:s Author:s Config:*container.Config Architecture:s Variant:s Os:s OsVersion:s Size:i ' +
    'VirtualSize:i GraphDriver:types.GraphDriverData RootFS:types.RootFS Metadata:types.ImageMetadata',
  'types.RootFS': 'Type:s Layers:[] BaseLayer:s',
  'types.ImageMetadata': 'LastTagTime:s',
};

export type InspectType = 'types.ContainerJSON' | 'types.ImageInspect';

/** An inspect object with the Go type docker decodes it into. */
export class TypedJson {
  constructor(
    readonly json: unknown,
    readonly type: InspectType,
  ) {}
}

interface Field {
  readonly name: string;
  readonly key: string;
  readonly kind: string;
}

const parsed = new Map<string, readonly Field[]>();
function fieldsOf(type: string): readonly Field[] {
  let f = parsed.get(type);
  if (!f) {
    const spec = types[type];
    if (spec === undefined) throw new Error(`docker-types: no type ${type}`);
    // A kind may hold a space ("struct {}"): split on the space before the next "Name:".
    f = (spec.match(/[A-Za-z0-9]+(?:=[A-Za-z0-9]+)?:(?:[^ ]| (?![A-Za-z0-9=]+:))*/g) ?? []).map((tok) => {
      const colon = tok.indexOf(':');
      const [name, key] = tok.slice(0, colon).split('=') as [string, string | undefined];
      return { name, key: key ?? name, kind: tok.slice(colon + 1) };
    });
    parsed.set(type, f);
  }
  return f;
}

const nilSlice = (): unknown[] => Object.defineProperty([], NIL, { value: true });
const nilMap = (): Record<string, unknown> => Object.defineProperty({}, NIL, { value: true });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function convert(v: unknown, kind: string): unknown {
  switch (kind) {
    case 's':
      return v ?? '';
    case 'i':
      return v ?? 0;
    case 'b':
      return v ?? false;
    case '*':
      return v ?? null;
    case '[2]i':
      return Array.isArray(v) ? v : [0, 0];
  }
  if (kind.startsWith('[]')) {
    if (!Array.isArray(v)) return v === null || v === undefined ? nilSlice() : v;
    const el = kind.slice(2);
    return el === '' ? v : v.map((e) => convert(e, el));
  }
  if (kind.startsWith('{}')) {
    if (!isObj(v)) return v === null || v === undefined ? nilMap() : v;
    const el = kind.slice(2);
    if (el === '') return v;
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, convert(e, el.startsWith('[]') ? el : `*${el}`)]));
  }
  if (kind.startsWith('*')) return v === null || v === undefined ? null : struct(v, kind.slice(1));
  return struct(v ?? {}, kind);
}

function struct(v: unknown, type: string): unknown {
  if (!isObj(v)) return v; // Not the shape the type says: leave it to the raw fallback.
  const fields: Record<string, unknown> = {};
  for (const f of fieldsOf(type)) fields[f.name] = convert(v[f.key], f.kind);
  return new GoStruct(type, fields, v);
}

/** The typed view of an inspect object: Go structs over its JSON. */
export function typedView(o: TypedJson): unknown {
  return struct(o.json, o.type);
}
