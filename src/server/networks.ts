// /networks/* of the Engine API over the facade's networks noun: dockui's bridge networks (each a
// Linux bridge with its /24 and a resolver for the names of the containers on it) in Docker's
// shape, beside the three built-in modes (bridge = dockui's private slirp4netns network, host,
// none). create / inspect / list with filters / connect / disconnect / remove / prune.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { builtinNetworkJson, isBuiltinNetwork, labelMatch, networkJson, networkList, type DockuiEngine } from '../engine/index.js';
import { HttpError, field, noContent, qFilters, readJson, sendJson, strings } from './http.js';

/** GET /networks: the built-ins and dockui's networks, with Docker's filters. */
async function list(engine: DockuiEngine, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const filters = qFilters(q);
  const used = filters.has('dangling')
    ? new Set((await engine.containers.list({ all: true })).flatMap((c) => (c.networks ?? []).map((n) => n.name)))
    : undefined;
  sendJson(res, 200, networkList(await engine.networks.list(), filters, used));
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
  if (isBuiltinNetwork(name)) throw new HttpError(403, `${name} is a pre-defined network and cannot be created`);
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
  const builtin = builtinNetworkJson(name);
  if (!m[2] && method === 'GET') {
    if (builtin) return (sendJson(res, 200, builtin), true);
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
