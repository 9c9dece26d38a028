// A Pod spec's fields that are run's further flags (the reverse of pod-extras.ts): hostAliases →
// --add-host, dnsConfig → --dns/--dns-search/--dns-option, securityContext.sysctls → --sysctl,
// supplementalGroups → --group-add, hostPID/hostIPC → --pid/--ipc host. The network's share
// (hosts, DNS, net.* sysctls) goes to the pod's infra container, which holds the namespace its
// members join; the rest to every member. Pure: no I/O.
type Obj = Record<string, unknown>;

export interface PodNetworkExtras {
  readonly addHosts?: readonly string[];
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOptions?: readonly string[];
  readonly sysctls?: readonly string[];
}

export interface MemberExtras {
  readonly groupAdd?: readonly string[];
  readonly pid?: string;
  readonly ipc?: string;
  readonly sysctls?: readonly string[];
}

/** A scalar as text; anything else (an object where the schema wants a string) as nothing. */
const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(text).filter(Boolean) : []);

export function podSpecExtras(spec: Obj, note: (what: string) => void): { network: PodNetworkExtras; member: MemberExtras } {
  const network: { -readonly [K in keyof PodNetworkExtras]: PodNetworkExtras[K] } = {};
  const member: { -readonly [K in keyof MemberExtras]: MemberExtras[K] } = {};
  const hosts = (Array.isArray(spec.hostAliases) ? spec.hostAliases : []) as Obj[];
  const addHosts = hosts.flatMap((a) => strings(a.hostnames).map((h) => `${h}:${text(a.ip)}`));
  if (addHosts.length) network.addHosts = addHosts;
  const dns = (spec.dnsConfig ?? {}) as Obj;
  if (strings(dns.nameservers).length) network.dns = strings(dns.nameservers);
  if (strings(dns.searches).length) network.dnsSearch = strings(dns.searches);
  const options = ((Array.isArray(dns.options) ? dns.options : []) as Obj[]).map((o) =>
    o.value === undefined ? text(o.name) : `${text(o.name)}:${text(o.value)}`,
  );
  if (options.length) network.dnsOptions = options;
  if (spec.dnsPolicy === 'None' && !network.dns) note("dnsPolicy None without nameservers: the network's resolver is kept");
  const psc = (spec.securityContext ?? {}) as Obj;
  const sysctls = ((Array.isArray(psc.sysctls) ? psc.sysctls : []) as Obj[]).map((s) => `${text(s.name)}=${text(s.value)}`);
  const netSysctls = sysctls.filter((s) => s.startsWith('net.'));
  const otherSysctls = sysctls.filter((s) => !s.startsWith('net.'));
  if (netSysctls.length) network.sysctls = netSysctls;
  if (otherSysctls.length) member.sysctls = otherSysctls;
  if (strings(psc.supplementalGroups).length) member.groupAdd = strings(psc.supplementalGroups);
  if (spec.hostPID === true) member.pid = 'host';
  if (spec.hostIPC === true) member.ipc = 'host';
  return { network, member };
}
