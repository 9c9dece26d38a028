// Networks in Docker's words, for every client that speaks them (the CLI's `network` verb and the
// Engine API's /networks): the three built-in modes beside dockui's bridge networks, Docker's
// inspect shape, and `network ls`'s filters (OR within a key, AND across keys).
import { EngineError } from '../define.js';
import type { ContainerReport, NetworkReport } from './api.js';

/** Docker's pre-defined networks as dockui has them: bridge is the private slirp4netns network. */
export const builtinNetworkDrivers: Readonly<Record<string, string>> = { bridge: 'slirp4netns', host: 'host', none: 'null' };

export const isBuiltinNetwork = (name: string): boolean => Object.hasOwn(builtinNetworkDrivers, name);

function shape(name: string, id: string, driver: string, rest: Record<string, unknown>): Record<string, unknown> {
  return {
    Name: name,
    Id: id,
    Created: '0001-01-01T00:00:00Z',
    Scope: 'local',
    Driver: driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: {},
    Options: {},
    Labels: {},
    ...rest,
  };
}

/** `docker network inspect` of a built-in mode (undefined for any other name). */
export function builtinNetworkJson(name: string): Record<string, unknown> | undefined {
  const driver = builtinNetworkDrivers[name];
  return driver === undefined ? undefined : shape(name, name, driver, {});
}

/** `docker network inspect` of a dockui network; `on` (all containers) fills Containers. */
export function networkJson(n: NetworkReport, on: readonly ContainerReport[] | undefined): Record<string, unknown> {
  const containers: Record<string, unknown> = {};
  for (const c of on ?? []) {
    const a = c.networks?.find((x) => x.name === n.name);
    if (!a) continue;
    containers[c.id] = {
      Name: c.name,
      EndpointID: '',
      MacAddress: ['02', '42', ...a.ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':'),
      IPv4Address: `${a.ip}/24`,
      IPv6Address: '',
    };
  }
  return shape(n.name, n.id, 'bridge', {
    Created: n.createdAt,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: n.subnet, Gateway: n.gateway }] },
    Internal: n.internal,
    Attachable: true,
    Containers: containers,
    Labels: n.labels,
  });
}

/** Docker's label filter: `key` or `key=value`. */
export const labelMatch = (labels: Readonly<Record<string, string>>, f: string): boolean => {
  const i = f.indexOf('=');
  return i < 0 ? f in labels : labels[f.slice(0, i)] === f.slice(i + 1);
};

const filterKeys = ['name', 'id', 'label', 'driver', 'type', 'scope', 'dangling'];

/**
 * `docker network ls`: the built-ins and `nets` in Docker's shape, kept by `filters`; `used` (the
 * names of networks some container is on) is needed for dangling=. Bad keys/values: invalid_argument.
 */
export function networkList(
  nets: readonly NetworkReport[],
  filters: ReadonlyMap<string, readonly string[]>,
  used?: ReadonlySet<string>,
): Record<string, unknown>[] {
  for (const k of filters.keys()) if (!filterKeys.includes(k)) throw new EngineError('invalid_argument', `invalid filter '${k}'`);
  const rows = [
    ...Object.keys(builtinNetworkDrivers).map((b) => ({ json: builtinNetworkJson(b)!, custom: false, labels: {} })),
    ...nets.map((n) => ({ json: networkJson(n, undefined), custom: true, labels: n.labels })),
  ];
  return rows
    .filter(({ json, custom, labels }) => {
      const name = json.Name as string;
      for (const [k, vs] of filters) {
        const hit = vs.some((v) => {
          if (k === 'name') return name.includes(v);
          if (k === 'id') return (json.Id as string).startsWith(v);
          if (k === 'label') return labelMatch(labels, v);
          if (k === 'driver') return json.Driver === v;
          if (k === 'scope') return v === 'local';
          if (k === 'type') {
            if (v !== 'custom' && v !== 'builtin') throw new EngineError('invalid_argument', `invalid filter 'type=${v}'`);
            return (v === 'custom') === custom;
          }
          // dangling: custom networks no container is on.
          if (!['true', 'false', '1', '0'].includes(v)) throw new EngineError('invalid_argument', `invalid filter 'dangling=${v}'`);
          return (v === 'true' || v === '1') === (custom && !used?.has(name));
        });
        if (!hit) return false;
      }
      return true;
    })
    .map((r) => r.json);
}
