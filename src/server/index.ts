// The Docker Engine API (v1.41) on a unix socket, as `podman system service` serves it: a client
// of the engine facade like the CLI and the TUI, started on demand and gone after an idle time.
// Routing strips the /v1.XX prefix (version negotiation); attach and exec answer an upgrade
// (Upgrade: tcp) on the raw socket.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { isHostRoot, resolvePaths, type DockuiEngine } from '../engine/index.js';
import { API_VERSION, HttpError, MAX_JSON_BODY, MIN_API_VERSION, noContent, readJson, sendError, sendJson } from './http.js';
import { ContainerRoutes, list as listContainers } from './containers.js';
import * as images from './images.js';
import { Execs } from './execs.js';
import { attach, hijack, logs, plainStreamSink } from './streams.js';
import * as system from './system.js';
import * as networks from './networks.js';
import { loopbackPeerUid } from './peer.js';

export interface ServiceOptions {
  readonly engine: DockuiEngine;
  /** unix:///path or tcp://127.0.0.1:PORT (loopback only). */
  readonly listen: string;
  /** Exit after this many idle seconds (no open connection, no work under way); 0: never. */
  readonly idleSeconds: number;
  readonly onIdle?: () => void;
}

export interface Service {
  readonly server: Server;
  /** Where it listens: the socket path or host:port. */
  readonly address: string;
  close(): Promise<void>;
}

/** Default socket: $XDG_RUNTIME_DIR/dockui/docker.sock, or /run/dockui/docker.sock as root. */
export function defaultSocket(): string {
  // Rootless (uid 0 of dockui's user namespace included): the user's runtime dir, else the store's.
  const base = isHostRoot() ? '/run' : (process.env.XDG_RUNTIME_DIR ?? `${resolvePaths().root}/run`);
  return `unix://${base}/dockui/docker.sock`;
}

function versionOf(path: string): { version: string; rest: string } {
  const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(path);
  if (!m) return { version: API_VERSION, rest: path };
  const [maj, min] = m[1]!.split('.').map(Number) as [number, number];
  const cmp = (v: string) => {
    const [a, b] = v.split('.').map(Number) as [number, number];
    return maj - a || min - b;
  };
  if (cmp(API_VERSION) > 0) throw new HttpError(400, `client version ${m[1]} is too new. Maximum supported API version is ${API_VERSION}`);
  if (cmp(MIN_API_VERSION) < 0)
    throw new HttpError(
      400,
      `client version ${m[1]} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  return { version: m[1]!, rest: m[2]! };
}

class Router {
  readonly containers: ContainerRoutes;
  readonly execs: Execs;

  constructor(
    readonly engine: DockuiEngine,
    background: (p: Promise<unknown>) => void,
  ) {
    this.containers = new ContainerRoutes(engine, background);
    this.execs = new Execs(engine);
  }

  /** Handles one request; `raw` is the socket when the client asked to upgrade (attach, exec). */
  async route(req: IncomingMessage, res: ServerResponse | undefined, raw: Duplex | undefined): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://docker');
    const { rest: path } = versionOf(url.pathname);
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const ac = new AbortController();
    (res ?? raw)!.on('close', () => ac.abort());
    const closed = ac.signal;
    const e = this.engine;
    const need = (): ServerResponse => {
      if (!res) throw new HttpError(400, `${method} ${path} cannot be upgraded`);
      return res;
    };
    // attach and exec start hijack the connection, upgraded or not, as dockerd does; exec's
    // stream carries dockerd's version headers, attach's does not (both checked against 20.10).
    const open = (extra: Record<string, string> = {}) => (raw ? hijack(req, raw, extra) : plainStreamSink(need(), extra));

    if (path === '/_ping') {
      const r = need();
      const body = method === 'HEAD' ? '' : 'OK';
      r.writeHead(200, { ...system.pingHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
      return void r.end(body);
    }
    if (method === 'GET' && path === '/version') return system.version(need());
    if (method === 'GET' && path === '/info') return system.info(e, need());
    if (method === 'GET' && path === '/events') return system.events(e, q, need(), closed);
    if (method === 'GET' && path === '/system/df') return system.df(e, need());
    if (path === '/volumes' || path.startsWith('/volumes/')) {
      const name = path === '/volumes' ? undefined : decodeURIComponent(path.slice('/volumes/'.length));
      if (name === 'prune') throw new HttpError(501, 'volume prune is not supported yet');
      return system.volumes(e, method, name, () => readJson(req), need());
    }
    if (method === 'POST' && path === '/build') return images.build(e, q, req, need(), closed);
    if ((path === '/networks' || path.startsWith('/networks/')) && (await networks.route(e, method, path, q, req, need()))) return;

    // ---- containers
    if (method === 'GET' && path === '/containers/json') return listContainers(e, q, need());
    if (method === 'POST' && path === '/containers/create') return this.containers.create(req, q, need());
    if (method === 'POST' && path === '/containers/prune') return this.containers.prune(need());
    let m = /^\/containers\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      const action = m[2];
      if (action === undefined && method === 'DELETE') return this.containers.remove(id, q, need());
      if (action === 'wait' && method === 'POST') return this.containers.wait(id, q, need(), closed);
      if (action === 'logs' && method === 'GET') return logs(e, id, q, need());
      if (action === 'attach' && method === 'POST') {
        const p = attach(e, id, q, open, this.containers.sessions);
        this.containers.trackAttach(
          (await e.containers.find(id)).id,
          p.catch(() => undefined),
        );
        return p;
      }
      if (action === 'exec' && method === 'POST') return this.execs.create(id, req, need());
      if (action === 'archive') return images.archive(e, id, method, q, req, need());
      if (action === 'resize' && method === 'POST') {
        await this.containers.sessions.resize((await e.containers.find(id)).id, Number(q.get('h')), Number(q.get('w')));
        return noContent(need(), 200);
      }
      if (action && (await this.containers.handle(method, id, action, q, req, need()))) return;
    }
    m = /^\/exec\/([^/]+)\/([a-z]+)$/.exec(path);
    if (m) {
      const id = m[1]!;
      if (m[2] === 'json' && method === 'GET') return this.execs.inspect(id, need());
      if (m[2] === 'resize' && method === 'POST') return (await this.execs.resize(id, q), noContent(need(), 200));
      if (m[2] === 'start' && method === 'POST') {
        const body = raw ? await readJsonFrom(req, raw) : await readJson(req);
        return this.execs.start(
          id,
          body,
          () => open(system.streamHeaders()),
          () => noContent(need(), 200),
        );
      }
    }

    // ---- images
    if (method === 'GET' && path === '/images/json') return images.list(e, need());
    if (method === 'POST' && path === '/images/create') return images.create(e, q, need(), closed);
    if (method === 'GET' && path === '/images/get') return images.save(e, q.getAll('names'), need(), closed);
    if (method === 'POST' && path === '/images/load') return images.load(e, req, need(), closed);
    if (method === 'POST' && path === '/images/prune') return images.prune(e, q, need(), closed);
    if (method === 'GET' && path === '/images/search') return images.search(e, q, need(), closed);
    m = /^\/images\/(.+?)(?:\/(json|history|push|tag|get))?$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]!);
      const action = m[2];
      if (action === undefined && method === 'DELETE') return images.remove(e, name, q, need());
      if (action === 'json' && method === 'GET') return sendJson(need(), 200, await e.images.inspectJson(name));
      if (action === 'history' && method === 'GET') return images.history(e, name, need());
      if (action === 'push' && method === 'POST') return images.push(e, name, q, need(), closed);
      if (action === 'tag' && method === 'POST') return images.tag(e, name, q, need());
      if (action === 'get' && method === 'GET') return images.save(e, [name], need(), closed);
    }
    throw new HttpError(404, `page not found`);
  }
}

/** Bytes the http parser read past an upgraded request's head, by socket. */
const heads = new WeakMap<Duplex, Buffer>();

/** The JSON body of an upgraded request: it follows the head on the raw socket (Content-Length bytes). */
async function readJsonFrom(req: IncomingMessage, socket: Duplex): Promise<Record<string, unknown>> {
  const n = Number(req.headers['content-length'] ?? 0);
  if (!Number.isInteger(n) || n < 0 || n > MAX_JSON_BODY) throw new HttpError(400, 'invalid Content-Length');
  let buf = heads.get(socket) ?? Buffer.alloc(0);
  heads.delete(socket);
  while (buf.length < n) {
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (c: Buffer) => (done(), resolve(c));
      const onEnd = () => (done(), resolve(null));
      const done = () => {
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.pause();
      };
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.resume();
    });
    if (chunk === null) throw new HttpError(400, 'request body cut short');
    buf = Buffer.concat([buf, chunk]);
  }
  if (buf.length > n) socket.unshift(buf.subarray(n));
  if (n === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(buf.subarray(0, n).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid JSON body');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'invalid JSON body: expected an object');
  return v as Record<string, unknown>;
}

function parseListen(listen: string): { path: string } | { host: string; port: number } {
  if (listen.startsWith('unix://')) return { path: listen.slice('unix://'.length) };
  if (listen.startsWith('/')) return { path: listen };
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:]+):(\d+)$/.exec(listen);
  if (!m) throw new HttpError(400, `unsupported address ${JSON.stringify(listen)} (use unix:///path or tcp://127.0.0.1:PORT)`);
  const host = m[1]!.replace(/^\[|\]$/g, '');
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host))
    throw new HttpError(400, `refusing to listen on ${host}: the API gives root on this host, so TCP is loopback only`);
  return { host, port: Number(m[2]) };
}

/** Fails when a live service already answers on `path`; removes a stale socket file. */
async function claimSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const alive = await new Promise<boolean>((resolve) => {
    const s: Socket = connect(path);
    s.on('connect', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
  if (alive) throw new HttpError(409, `another service is listening on ${path}`);
  unlinkSync(path);
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  const where = parseListen(opts.listen);
  let active = 0;
  let timer: NodeJS.Timeout | undefined;
  const idle = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (active === 0 && opts.idleSeconds > 0) timer = setTimeout(() => opts.onIdle?.(), opts.idleSeconds * 1000);
  };
  const busy = (n: number) => {
    active += n;
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (active === 0) idle();
  };
  const background = (p: Promise<unknown>) => {
    busy(1);
    void p.finally(() => busy(-1)).catch(() => undefined);
  };
  const router = new Router(opts.engine, background);
  // Idle means no request under way (as podman counts it): a kept-alive connection with
  // nothing in flight does not keep the service up.
  const server = createServer({ requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
    busy(1);
    res.on('close', () => busy(-1));
    router.route(req, res, undefined).catch((err: unknown) => {
      sendError(res, err);
    });
  });
  // Clients (docker, dockerode) keep connections for minutes; idle ones do not delay the idle exit.
  server.keepAliveTimeout = 120_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    busy(1);
    socket.on('close', () => busy(-1));
    if (head.length) heads.set(socket, head);
    socket.on('error', () => undefined);
    router.route(req, undefined, socket).catch((err: unknown) => {
      if (socket.writable) {
        const { status, message } = (() => {
          const e = err as { status?: number; message?: string };
          return { status: e.status ?? 500, message: e.message ?? String(err) };
        })();
        const body = `${JSON.stringify({ message })}\n`;
        socket.end(
          `HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
    });
  });
  let address: string;
  if ('path' in where) {
    mkdirSync(dirname(where.path), { recursive: true, mode: 0o755 });
    await claimSocket(where.path);
    // Made with its final mode: no moment where others could connect.
    const old = process.umask(0o117);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(where.path, () => (server.off('error', reject), resolve()));
      });
    } finally {
      process.umask(old);
    }
    chmodSync(where.path, 0o660);
    address = where.path;
  } else {
    // Loopback TCP has no mode to keep other users out: only connections from the service's own
    // user (and root) are served; any other is closed unanswered (server/peer.ts).
    const me = process.getuid?.() ?? 0;
    server.on('connection', (socket: Socket) => {
      const uid = loopbackPeerUid(socket.remoteAddress ?? '', socket.remotePort ?? 0, socket.localPort ?? 0);
      if (uid !== me && uid !== 0) socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(where.port, where.host, () => (server.off('error', reject), resolve()));
    });
    const a = server.address();
    address = typeof a === 'object' && a ? `${a.address}:${a.port}` : String(a);
  }
  idle();
  return {
    server,
    address,
    close: async () => {
      if (timer) clearTimeout(timer);
      // First: an exec's session on a hijacked connection ends it.
      await router.execs.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if ('path' in where) {
        try {
          unlinkSync(where.path);
        } catch {
          // gone already
        }
      }
    },
  };
}
