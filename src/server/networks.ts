// /networks/* of the Engine API over the facade's networks noun: dockui's bridge networks (each a
// Linux bridge with its /24 and a resolver for the names of the containers on it) in Docker's
// shape, beside the three built-in modes (bridge = dockui's private slirp4netns network, host,
// none). create / inspect / list with filters / connect / disconnect / remove / prune.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContainerReport, DockuiEngine, NetworkReport } from '../engine/index.js';
import { HttpError, field, noContent, qFilters, readJson, sendJson, strings } from './http.js';

interface Builtin {
  readonly Name: string;
  readonly Driver: string;
}
const builtins: readonly Builtin[] = [
  { Name: 'bridge', Driver: 'slirp4netns' },
  { Name: 'host', Driver: 'host' },
  { Name: 'none', Driver: 'null' },
];

function builtinJson(b: Builtin): Record<string, unknown> {
  return {
    Name: b.Name,
    Id: b.Name,
    Created: '0001-01-01T00:00:00Z',
    Scope: 'local',
    Driver: b.Driver,
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
  };
}

function networkJson(n: NetworkReport, on: readonly ContainerReport[] | undefined): Record<string, unknown> {
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
  return {
    Name: n.name,
    Id: n.id,
    Created: n.createdAt,
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: n.subnet, Gateway: n.gateway }] },
    Internal: n.internal,
    Attachable: true,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: {},
    Labels: n.labels,
  };
}

/** Docker's label filter: `key` or `key=value`. */
const labelMatch = (labels: Readonly<Record<string, string>>, f: string): boolean => {
  const i = f.indexOf('=');
  return i < 0 ? f in labels : labels[f.slice(0, i)] === f.slice(i + 1);
};

const filterKeys = ['name', 'id', 'label', 'driver', 'type', 'scope', 'dangling'];

/** GET /networks: the built-ins and dockui's networks, with Docker's filters (OR within a key, AND across keys). */
async function list(engine: DockuiEngine, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const filters = qFilters(q);
  for (const k of filters.keys()) if (!filterKeys.includes(k)) throw new HttpError(400, `invalid filter '${k}'`);
  const nets = await engine.networks.list();
  const used = filters.has('dangling')
    ? new Set((await engine.containers.list({ all: true })).flatMap((c) => (c.networks ?? []).map((n) => n.name)))
    : undefined;
  const rows: { json: Record<string, unknown>; custom: boolean; labels: Readonly<Record<string, string>> }[] = [
    ...builtins.map((b) => ({ json: builtinJson(b), custom: false, labels: {} })),
    ...nets.map((n) => ({ json: networkJson(n, undefined), custom: true, labels: n.labels })),
  ];
  const ok = rows.filter(({ json, custom, labels }) => {
    const name = json.Name as string;
    const id = json.Id as string;
    for (const [k, vs] of filters) {
      const hit = vs.some((v) => {
        if (k === 'name') return name.includes(v);
        if (k === 'id') return id.startsWith(v);
        if (k === 'label') return labelMatch(labels, v);
        if (k === 'driver') return json.Driver === v;
        if (k === 'scope') return v === 'local';
        if (k === 'type') {
          if (v !== 'custom' && v !== 'builtin') throw new HttpError(400, `invalid filter 'type=${v}'`);
          return (v === 'custom') === custom;
        }
        // dangling: custom networks no container is on.
        if (v !== 'true' && v !== 'false' && v !== '1' && v !== '0') throw new HttpError(400, `invalid filter 'dangling=${v}'`);
        return (v === 'true' || v === '1') === (custom && !used!.has(name));
      });
      if (!hit) return false;
    }
    return true;
  });
  sendJson(
    res,
    200,
    ok.map((r) => r.json),
  );
}

async function create(engine: DockuiEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const b = await readJson(req);
  const name = field(b, 'Name', 'string');
  if (!name) throw new HttpError(400, 'network name is required');
  const driver = field(b, 'Driver', 'string');
  if (driver && driver !== 'bridge') throw new HttpError(400, `network driver ${driver} is not supported: dockui networks are bridges`);
  if (field(b, 'EnableIPv6', 'boolean')) throw new HttpError(400, 'IPv6 is not supported on dockui networks');
  const ipam = field(b, 'IPAM', 'object');
  if (Array.isArray(ipam?.Config) && ipam.Config.length)
    throw new HttpError(400, 'IPAM configuration is not supported: each dockui network takes a free /24 (DOCKUI_SUBNET_POOL)');
  if (builtins.some((x) => x.Name === name)) throw new HttpError(403, `${name} is a pre-defined network and cannot be created`);
  const labels = field(b, 'Labels', 'object') ?? {};
  for (const [k, v] of Object.entries(labels)) if (typeof v !== 'string') throw new HttpError(400, `invalid label ${k}: expected a string`);
  const r = await engine.networks.create(name, {
    labels: labels as Record<string, string>,
    ...(field(b, 'Internal', 'boolean') ? { internal: true } : {}),
  });
  if (!r.created) throw new HttpError(409, `network with name ${name} already exists`);
  sendJson(res, 201, { Id: r.network.id, Warning: '' });
}

async function prune(engine: DockuiEngine, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const filters = qFilters(q);
  for (const k of filters.keys()) if (k !== 'label' && k !== 'label!' && k !== 'until') throw new HttpError(400, `invalid filter '${k}'`);
  const until = filters.get('until')?.map((v) => {
    const t = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
    if (!Number.isFinite(t)) throw new HttpError(400, `invalid filter 'until=${v}'`);
    return t;
  });
  const gone = await engine.networks.prune({
    keep: (n) =>
      !(filters.get('label') ?? []).every((f) => labelMatch(n.labels, f)) ||
      (filters.get('label!') ?? []).some((f) => labelMatch(n.labels, f)) ||
      (until !== undefined && !until.every((t) => Date.parse(n.createdAt) < t)),
  });
  sendJson(res, 200, { NetworksDeleted: gone });
}

/** Routes /networks and /networks/...; false when the path is none of them. */
export async function route(
  engine: DockuiEngine,
  method: string,
  path: string,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if (path === '/networks' && method === 'GET') return (await list(engine, q, res), true);
  if (path === '/networks/create' && method === 'POST') return (await create(engine, req, res), true);
  if (path === '/networks/prune' && method === 'POST') return (await prune(engine, q, res), true);
  const m = /^\/networks\/([^/]+)(?:\/(connect|disconnect))?$/.exec(path);
  if (!m) return false;
  const name = decodeURIComponent(m[1]!);
  const builtin = builtins.find((b) => b.Name === name);
  if (!m[2] && method === 'GET') {
    if (builtin) return (sendJson(res, 200, builtinJson(builtin)), true);
    const n = await engine.networks.inspect(name);
    sendJson(res, 200, networkJson(n, await engine.containers.list({ all: true })));
    return true;
  }
  if (!m[2] && method === 'DELETE') {
    if (builtin) throw new HttpError(403, `${name} is a pre-defined network and cannot be removed`);
    await engine.networks.remove(name);
    return (noContent(res), true);
  }
  if (m[2] && method === 'POST') {
    const b = await readJson(req);
    const container = field(b, 'Container', 'string');
    if (!container) throw new HttpError(400, 'container is required');
    if (builtin) throw new HttpError(400, `container cannot be ${m[2]}ed to the ${name} network: it is a network mode in dockui`);
    if (m[2] === 'connect') {
      const ep = field(b, 'EndpointConfig', 'object');
      const ipam = field(ep, 'IPAMConfig', 'object');
      if (field(ipam, 'IPv4Address', 'string') || field(ipam, 'IPv6Address', 'string'))
        throw new HttpError(400, 'fixed addresses are not supported on dockui networks');
      await engine.networks.connect(name, container, { aliases: strings(ep, 'Aliases') ?? [] });
    } else await engine.networks.disconnect(name, container);
    return (noContent(res, 200), true);
  }
  return false;
}
