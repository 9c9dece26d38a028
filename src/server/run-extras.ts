// The create body's fields of run's further flags (HostConfig.ExtraHosts, Dns*, Ulimits,
// SecurityOpt, Devices, ShmSize, GroupAdd, Sysctls, PidMode/IpcMode/UTSMode, VolumesFrom, Mounts,
// LogConfig.Type, MemorySwap, MemoryReservation, CpuShares, DeviceRequests; Config.StopTimeout,
// ExposedPorts) → the engine's RunOptions, in the words the dockui CLI would have typed, so the
// engine checks both alike.
import type { RunOptions } from '../engine/index.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const strs = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.length ? v.filter((x): x is string => typeof x === 'string') : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function mountSpec(m: Obj): string {
  const parts = [`type=${str(m.Type) ?? 'volume'}`];
  if (str(m.Source)) parts.push(`source=${str(m.Source)}`);
  parts.push(`target=${str(m.Target) ?? ''}`);
  if (m.ReadOnly === true) parts.push('readonly');
  const prop = str(obj(m.BindOptions)?.Propagation);
  if (prop) parts.push(`bind-propagation=${prop}`);
  const tmpfs = obj(m.TmpfsOptions);
  if (num(tmpfs?.SizeBytes)) parts.push(`tmpfs-size=${num(tmpfs?.SizeBytes)}`);
  if (num(tmpfs?.Mode)) parts.push(`tmpfs-mode=${num(tmpfs?.Mode)!.toString(8)}`);
  return parts.join(',');
}

export function apiRunExtras(body: Obj, host: Obj): Partial<RunOptions> {
  const out: { -readonly [K in keyof RunOptions]?: RunOptions[K] } = {};
  const set = <K extends keyof RunOptions>(k: K, v: RunOptions[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('addHosts', strs(host.ExtraHosts));
  set('dns', strs(host.Dns));
  set('dnsSearch', strs(host.DnsSearch));
  set('dnsOptions', strs(host.DnsOptions));
  set('securityOpt', strs(host.SecurityOpt));
  set('groupAdd', strs(host.GroupAdd));
  set('volumesFrom', strs(host.VolumesFrom));
  set('pid', str(host.PidMode));
  set('ipc', str(host.IpcMode));
  set('uts', str(host.UTSMode));
  const shm = num(host.ShmSize);
  if (shm) out.shmSize = String(shm);
  if (Array.isArray(host.Ulimits) && host.Ulimits.length)
    out.ulimits = (host.Ulimits as unknown[])
      .map(obj)
      .flatMap((u) => (u && str(u.Name) ? [`${str(u.Name)}=${num(u.Soft) ?? -1}:${num(u.Hard) ?? -1}`] : []));
  if (Array.isArray(host.Devices) && host.Devices.length)
    out.devices = (host.Devices as unknown[]).map(obj).flatMap((d) => {
      const h = str(d?.PathOnHost);
      return h ? [`${h}:${str(d?.PathInContainer) ?? h}:${str(d?.CgroupPermissions) ?? 'rwm'}`] : [];
    });
  const sysctls = obj(host.Sysctls);
  if (sysctls && Object.keys(sysctls).length) out.sysctls = Object.entries(sysctls).map(([k, v]) => `${k}=${String(v)}`);
  if (Array.isArray(host.Mounts) && host.Mounts.length)
    out.mounts = (host.Mounts as unknown[]).map(obj).flatMap((m) => (m ? [mountSpec(m)] : []));
  const driver = str(obj(host.LogConfig)?.Type);
  if (driver) out.logDriver = driver;
  const stop = num(body.StopTimeout);
  if (stop !== undefined) out.stopTimeout = stop;
  // Resources as dockerd takes them: bytes (MemorySwap -1: unlimited swap) and a weight; 0 is unset.
  const swap = num(host.MemorySwap);
  if (swap) out.memorySwap = swap;
  const reservation = num(host.MemoryReservation);
  if (reservation) out.memoryReservation = reservation;
  const shares = num(host.CpuShares);
  if (shares) out.cpuShares = shares;
  if (Array.isArray(host.DeviceRequests) && host.DeviceRequests.length)
    out.deviceRequests = (host.DeviceRequests as unknown[]).map(obj).flatMap((r) =>
      r
        ? [
            {
              Driver: typeof r.Driver === 'string' ? r.Driver : '',
              Count: num(r.Count) ?? 0,
              DeviceIDs: strs(r.DeviceIDs) ?? null,
              Capabilities: Array.isArray(r.Capabilities) ? (r.Capabilities as unknown[]).map((c) => strs(c) ?? []) : null,
              Options: (obj(r.Options) as Record<string, string> | undefined) ?? null,
            },
          ]
        : [],
    );
  const exposed = obj(body.ExposedPorts);
  if (exposed && Object.keys(exposed).length) out.expose = Object.keys(exposed);
  return out;
}
