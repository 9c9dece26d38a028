// run's further flags (the record's extras, runtime/run-extras.ts) in a Pod's spec, where
// Kubernetes has a field for them: --add-host → hostAliases, --dns* → dnsConfig, --sysctl →
// securityContext.sysctls, numeric --group-add → supplementalGroups, --pid/--ipc host →
// hostPID/hostIPC. What has none (--ulimit, --device, --security-opt, a bigger --shm-size,
// --volumes-from, a log driver, another container's namespaces) is reported through `note`,
// never silently dropped. Pure: no I/O.
import { defaultShmSize } from '../runtime/defaults.js';
import type { RunExtras } from '../runtime/run-extras.js';

/** The pod-level fields for the members' extras (merged: the first member that sets one wins). */
export function podExtras(
  members: readonly { readonly name: string; readonly extras?: RunExtras }[],
  note: (what: string) => void,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const aliases = new Map<string, Set<string>>();
  const sysctls = new Map<string, string>();
  const groups = new Set<number>();
  for (const { name, extras: x } of members) {
    if (!x) continue;
    const who = members.length > 1 ? `${name}: ` : '';
    for (const line of x.ExtraHosts ?? []) {
      const at = line.indexOf(':');
      const host = line.slice(0, at);
      const ip = line.slice(at + 1);
      if (ip === 'host-gateway') note(`${who}--add-host ${line}: the host's gateway has no address in a cluster: left out`);
      else aliases.set(ip, (aliases.get(ip) ?? new Set()).add(host));
    }
    if ((x.Dns?.length || x.DnsSearch?.length || x.DnsOptions?.length) && out.dnsConfig === undefined) {
      out.dnsConfig = {
        ...(x.Dns?.length ? { nameservers: [...x.Dns] } : {}),
        ...(x.DnsSearch?.length ? { searches: [...x.DnsSearch] } : {}),
        ...(x.DnsOptions?.length
          ? {
              options: x.DnsOptions.map((o) => {
                const [n, v] = o.split(':');
                return v === undefined ? { name: n } : { name: n, value: v };
              }),
            }
          : {}),
      };
      // Its own name servers only: the cluster's would come first otherwise.
      if (x.Dns?.length) out.dnsPolicy = 'None';
    }
    for (const [k, v] of Object.entries(x.Sysctls ?? {})) if (!sysctls.has(k)) sysctls.set(k, v);
    for (const g of x.GroupAdd ?? []) {
      if (/^\d+$/.test(g)) groups.add(Number(g));
      else note(`${who}--group-add ${g}: Kubernetes takes group ids only: left out`);
    }
    if (x.PidMode === 'host') out.hostPID = true;
    else if (x.PidMode)
      note(`${who}--pid ${x.PidMode}: pods share a process namespace only among their own containers (shareProcessNamespace)`);
    if (x.IpcMode === 'host') out.hostIPC = true;
    else if (x.IpcMode?.startsWith('container:'))
      note(`${who}--ipc ${x.IpcMode}: a pod's containers share IPC already; across pods there is no field`);
    if (x.UTSMode === 'host') note(`${who}--uts host: no Kubernetes field (hostNetwork gives the host's name with its network)`);
    if (x.Ulimits?.length)
      note(`${who}--ulimit ${x.Ulimits.map((u) => u.Name).join(', ')}: no Kubernetes field (set by the node's runtime): left out`);
    if (x.Devices?.length)
      note(`${who}--device ${x.Devices.map((d) => d.PathOnHost).join(', ')}: needs a device plugin in a cluster: left out`);
    if (x.SecurityOpt?.length) note(`${who}--security-opt ${x.SecurityOpt.join(', ')}: map it to securityContext by hand: left out`);
    if (x.ShmSize !== undefined && x.ShmSize !== defaultShmSize)
      note(`${who}--shm-size ${x.ShmSize}: mount an emptyDir with medium Memory at /dev/shm: left out`);
    if (x.VolumesFrom?.length) note(`${who}--volumes-from ${x.VolumesFrom.join(', ')}: no Kubernetes field: share a volume instead`);
    if (x.LogDriver && x.LogDriver !== 'json-file' && x.LogDriver !== 'k8s-file')
      note(`${who}--log-driver ${x.LogDriver}: a cluster's logging is the node's: left out`);
  }
  if (aliases.size) out.hostAliases = [...aliases].map(([ip, hosts]) => ({ ip, hostnames: [...hosts] }));
  const securityContext: Record<string, unknown> = {};
  if (sysctls.size) securityContext.sysctls = [...sysctls].map(([name, value]) => ({ name, value }));
  if (groups.size) securityContext.supplementalGroups = [...groups];
  if (Object.keys(securityContext).length) out.securityContext = securityContext;
  return out;
}
