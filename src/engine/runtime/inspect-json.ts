// `docker inspect`'s shape of a container record: a module of its own, light enough that
// `dockui inspect NAME` reads the record and answers without loading the runtime (the facade
// does, when the record is settled; see facade/containers.ts).
import { join } from 'node:path';
import { configImage } from '../define.js';
import { macOf } from '../network/addr.js';
import { pidAlive } from '../sysx.js';
import { crypto } from '../util/builtin.js';
import { defaultLogMaxSize, defaultShmSize } from './defaults.js';
import { logPath, rootfsOf, type ContainerRecord } from './records.js';

export function inspectJson(r: ContainerRecord, dir: string): Record<string, unknown> {
  const restarting = r.state === 'exited' && !!r.restartingPid && pidAlive(r.restartingPid);
  const x = r.extras;
  const out = {
    Id: r.id,
    Name: `/${r.name}`,
    Created: r.createdAt,
    Path: r.path,
    Args: r.args,
    State: {
      Status: restarting ? 'restarting' : r.state,
      Running: r.state === 'running',
      Paused: r.state === 'paused',
      Restarting: restarting,
      OOMKilled: r.exitReason === 'oom',
      Pid: r.state === 'running' ? (r.pid ?? 0) : 0,
      ExitCode: r.exitCode ?? 0,
      Error: r.exitReason === 'monitor lost' ? 'monitor lost' : '',
      ExitReason: r.exitReason ?? '',
      StartedAt: r.startedAt ?? '',
      FinishedAt: r.finishedAt ?? '',
      ...(r.health ? { Health: r.health } : {}),
    },
    Image: r.imageId,
    ImageName: r.image,
    RestartCount: r.restartCount,
    Mounts: r.mounts.map((m) => ({
      Type: m.type,
      Source: m.source,
      Destination: m.destination,
      RW: !m.readOnly,
      Propagation: m.type === 'bind' ? (m.propagation ?? 'rprivate') : '',
    })),
    Config: {
      Hostname: r.hostname,
      User: r.user,
      Env: r.env,
      Cmd: r.args.length ? [r.path, ...r.args] : [r.path],
      WorkingDir: r.workdir,
      Tty: r.tty,
      OpenStdin: r.interactive,
      StopSignal: r.stopSignal,
      Labels: r.labels,
      // As the create named it, as Docker keeps it (the id this name had then is Image above).
      Image: configImage(r),
      ...(r.healthcheck ? { Healthcheck: r.healthcheck } : {}),
      ...(x?.ExposedPorts ? { ExposedPorts: Object.fromEntries(x.ExposedPorts.map((k) => [k, {}])) } : {}),
      ...(x?.StopTimeout !== undefined ? { StopTimeout: x.StopTimeout } : {}),
    },
    HostConfig: {
      // Docker's words: a dockui network's name, or the mode (none, host, private).
      NetworkMode:
        r.network === 'bridge' ? (r.networks?.[0]?.name ?? 'none') : r.network === 'container' ? `container:${r.nsOwner}` : r.network,
      Privileged: r.privileged,
      ReadonlyRootfs: r.readOnly,
      CapAdd: r.capAdd,
      CapDrop: r.capDrop,
      Memory: r.memoryBytes ?? 0,
      MemorySwap: r.memorySwap ?? 0,
      MemoryReservation: r.memoryReservation ?? 0,
      CpuShares: r.cpuShares ?? 0,
      NanoCpus: r.nanoCpus ?? 0,
      DeviceRequests: r.deviceRequests ?? null,
      PidsLimit: r.pidsLimit ?? 0,
      ...(r.init ? { Init: true } : {}), // docker: *bool, omitempty
      AutoRemove: r.autoRemove,
      RestartPolicy: { Name: r.restartPolicy?.Name || 'no', MaximumRetryCount: r.restartPolicy?.MaximumRetryCount ?? 0 },
      ...extrasHostConfig(r),
      LogConfig: {
        Type: x?.LogDriver ?? 'k8s-file',
        // Go's JSON of dockerd's map: keys sorted; the values as given (logOptRaw).
        Config: sortedKeys({
          'max-size': r.logOptRaw?.['max-size'] ?? String(r.logMaxSize ?? defaultLogMaxSize),
          ...(r.logMaxFile !== undefined || r.logOptRaw?.['max-file'] !== undefined
            ? { 'max-file': r.logOptRaw?.['max-file'] ?? String(r.logMaxFile) }
            : {}),
          ...r.logAttrOpts,
        }),
      },
    },
    NetworkSettings: {
      Ports: r.ports.reduce<Record<string, { HostIp: string; HostPort: string }[]>>((o, p) => {
        (o[`${p.containerPort}/${p.protocol}`] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
        return o;
      }, {}),
      IPAddress: r.network === 'private' ? '10.0.2.100' : (r.networks?.[0]?.ip ?? ''),
      // dockui networks, in docker's shape (Compose-aware tools read the aliases here).
      Networks: Object.fromEntries(
        (r.networks ?? []).map((n) => [
          n.name,
          {
            Aliases: [...n.aliases],
            EndpointID: crypto().createHash('sha256').update(`${r.id}/${n.name}`).digest('hex'),
            Gateway: n.gateway,
            IPAddress: n.ip,
            IPPrefixLen: 24,
            MacAddress: macOf(n.ip),
          },
        ]),
      ),
    },
    GraphDriver: {
      Name: 'overlay',
      Data: { LowerDir: r.lowerDirs.join(':'), UpperDir: join(dir, 'upper'), MergedDir: rootfsOf(dir) },
    },
    LogPath: logPath(dir),
  };
  // Docker's nil pointers (State.Health, Config.Healthcheck, Config.StopTimeout) are left out
  // (omitempty); `inspect -f` knows them from docker's Go types (src/cli/template/docker-types.ts).
  return out;
}

/** inspect's HostConfig fields of these flags, with Docker's values when a flag was not given. */
export function extrasHostConfig(rec: ContainerRecord): Record<string, unknown> {
  const x = rec.extras ?? {};
  return {
    ExtraHosts: x.ExtraHosts ?? null,
    Dns: x.Dns ?? [],
    DnsSearch: x.DnsSearch ?? [],
    DnsOptions: x.DnsOptions ?? [],
    Ulimits: x.Ulimits ?? null,
    SecurityOpt: x.SecurityOpt ?? null,
    Devices: x.Devices ?? [],
    ShmSize: x.ShmSize ?? defaultShmSize,
    GroupAdd: x.GroupAdd ?? null,
    ...(x.Sysctls ? { Sysctls: x.Sysctls } : {}),
    PidMode: x.PidMode ?? '',
    IpcMode: x.IpcMode ?? 'private',
    UTSMode: x.UTSMode ?? '',
    VolumesFrom: x.VolumesFrom ?? null,
  };
}

/** An object with its keys in Go's JSON order for a map (sorted). */
function sortedKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
