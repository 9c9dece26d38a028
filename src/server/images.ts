// /images/* and /build of the Engine API over the facade's images and builds nouns: pull and
// push as Docker's JSON progress lines, the classic builder's JSON stream for builds.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tryParseReference, type DockuiEngine } from '../engine/index.js';
import { layerPhaseText, type PullProgress } from '../engine/define.js';
import { HttpError, errorReply, qBool, qFilters, qInt, sendJson } from './http.js';

const familiar = (n: string) => tryParseReference(n)?.familiar() ?? n;
const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);
const unix = (iso: string | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : 0);

/** A response of JSON lines (pull, push, build, events): headers now, one object per line. */
export function jsonLines(res: ServerResponse): { send(o: unknown): void; fail(e: unknown): void; end(): void } {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  return {
    send: (o) => res.write(`${JSON.stringify(o)}\n`),
    fail: (e) => {
      const { message } = errorReply(e);
      res.write(`${JSON.stringify({ errorDetail: { message }, error: message })}\n`);
    },
    end: () => res.end(),
  };
}

/** Turns the engine's progress snapshots into Docker's per-layer status lines (changes only). */
function progressLines(send: (o: unknown) => void, verbDone: string) {
  const last = new Map<string, string>();
  let lastBytes = 0;
  return (p: PullProgress) => {
    for (const l of p.layers) {
      const id = short(l.digest);
      const status = l.phase === 'done' ? verbDone : layerPhaseText[l.phase];
      const prev = last.get(id);
      if (prev === undefined) send({ status: 'Pulling fs layer', progressDetail: {}, id });
      if (status === prev && l.phase !== 'downloading') continue;
      if (l.phase === 'downloading') {
        // At most a line per 256 KiB of a layer: the CLI redraws, a script reads.
        if (status === prev && l.current - lastBytes < 256 * 1024 && l.current !== l.total) continue;
        lastBytes = l.current;
        send({ status, progressDetail: { current: l.current, total: l.total }, id });
      } else send({ status, progressDetail: {}, id });
      last.set(id, status);
    }
  };
}

export async function list(engine: DockuiEngine, res: ServerResponse): Promise<void> {
  const imgs = await engine.images.list();
  sendJson(
    res,
    200,
    imgs.map((i) => ({
      Id: i.id,
      ParentId: '',
      RepoTags: i.names.length ? i.names.map(familiar) : ['<none>:<none>'],
      RepoDigests: i.names.length ? i.names.map((n) => `${familiar(n).replace(/:[^:/]+$/, '')}@${i.digest}`) : [],
      Created: unix(i.created),
      Size: i.size,
      VirtualSize: i.size,
      SharedSize: -1,
      Labels: {},
      Containers: i.inUse,
    })),
  );
}

/** POST /images/create?fromImage=NAME&tag=TAG: a pull, as JSON progress lines. */
export async function create(engine: DockuiEngine, q: URLSearchParams, res: ServerResponse, closed: AbortSignal): Promise<void> {
  const from = q.get('fromImage');
  if (!from) throw new HttpError(400, 'fromSrc (import) is not supported; give fromImage');
  const tag = q.get('tag');
  const ref = tag ? (tag.startsWith('sha256:') ? `${from}@${tag}` : `${from}:${tag}`) : from;
  const parsed = tryParseReference(ref);
  if (!parsed) throw new HttpError(400, `invalid reference format: ${JSON.stringify(ref)}`);
  const platform = q.get('platform');
  const out = jsonLines(res);
  out.send({ status: `Pulling from ${parsed.familiar().replace(/[:@][^/]*$/, '')}`, id: parsed.tag ?? parsed.digest ?? 'latest' });
  try {
    const r = await engine.images.pull(ref, {
      signal: closed,
      ...(platform ? { platform } : {}),
      onProgress: progressLines((o) => out.send(o), 'Pull complete'),
    });
    out.send({ status: `Digest: ${r.indexDigest ?? r.digest}` });
    out.send({ status: `Status: ${r.upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${parsed.familiar()}` });
  } catch (e) {
    out.fail(e);
  }
  out.end();
}

export async function push(engine: DockuiEngine, name: string, q: URLSearchParams, res: ServerResponse, closed: AbortSignal) {
  const tag = q.get('tag');
  const ref = tag ? `${name}:${tag}` : name;
  const parsed = tryParseReference(ref);
  if (!parsed) throw new HttpError(400, `invalid reference format: ${JSON.stringify(ref)}`);
  const out = jsonLines(res);
  out.send({ status: `The push refers to repository [${parsed.name}]` });
  try {
    const r = await engine.images.push(ref, { signal: closed, onProgress: progressLines((o) => out.send(o), 'Pushed') });
    out.send({ status: `${parsed.tag ?? 'latest'}: digest: ${r.digest} size: ${r.size}` });
    out.send({ progressDetail: {}, aux: { Tag: parsed.tag ?? 'latest', Digest: r.digest, Size: r.size } });
  } catch (e) {
    out.fail(e);
  }
  out.end();
}

export async function remove(engine: DockuiEngine, name: string, q: URLSearchParams, res: ServerResponse) {
  const r = await engine.images.removeMany([name], { force: qBool(q, 'force') });
  const one = r.results[0];
  if (!one) throw new HttpError(500, 'no result');
  if ('error' in one) throw one.error;
  sendJson(res, 200, [...one.untagged.map((u) => ({ Untagged: familiar(u) })), ...one.deleted.map((d) => ({ Deleted: d }))]);
}

export async function tag(engine: DockuiEngine, name: string, q: URLSearchParams, res: ServerResponse) {
  const repo = q.get('repo');
  if (!repo) throw new HttpError(400, 'repo is required');
  await engine.images.tag(name, `${repo}:${q.get('tag') || 'latest'}`);
  res.writeHead(201);
  res.end();
}

export async function history(engine: DockuiEngine, name: string, res: ServerResponse) {
  const h = await engine.images.history(name);
  sendJson(
    res,
    200,
    h.map((e) => ({ Id: e.id, Created: unix(e.created), CreatedBy: e.createdBy, Tags: null, Size: e.size, Comment: e.comment })),
  );
}

/** The build context, refused past this many bytes (DOCKUI_API_MAX_CONTEXT). */
const maxContext = () => Number(process.env.DOCKUI_API_MAX_CONTEXT ?? 4 * 1024 ** 3);

async function* capped(req: IncomingMessage, max: number): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > max) throw new HttpError(413, `build context too large (more than ${max} bytes)`);
    yield c;
  }
}

/** POST /build: the tar context in the body, the classic builder's JSON stream out. */
export async function build(engine: DockuiEngine, q: URLSearchParams, req: IncomingMessage, res: ServerResponse, closed: AbortSignal) {
  if (q.get('remote')) throw new HttpError(400, 'remote build contexts are not supported: send the context as a tar body');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxContext()) throw new HttpError(413, `build context too large (${declared} bytes; at most ${maxContext()})`);
  const json = (name: string): Record<string, string> | undefined => {
    const v = q.get(name);
    if (!v) return undefined;
    try {
      const o = JSON.parse(v) as unknown;
      if (typeof o !== 'object' || o === null) throw new Error('not an object');
      return Object.fromEntries(
        Object.entries(o)
          .filter(([, x]) => x !== null)
          .map(([k, x]) => [k, String(x)]),
      );
    } catch {
      throw new HttpError(400, `invalid ${name}: ${v.slice(0, 200)}`);
    }
  };
  const tags = q.getAll('t').filter(Boolean);
  for (const t of tags) if (!tryParseReference(t)) throw new HttpError(400, `invalid reference format: ${JSON.stringify(t)}`);
  const buildArgs = json('buildargs');
  const labels = json('labels');
  const target = q.get('target');
  const dockerfile = q.get('dockerfile');
  const quiet = qBool(q, 'q');
  const out = jsonLines(res);
  const said = new Set<number>();
  const say = (s: string) => {
    if (!quiet) out.send({ stream: s });
  };
  try {
    const r = await engine.builds.buildArchive(capped(req, maxContext()), {
      tags,
      ...(buildArgs ? { buildArgs } : {}),
      ...(labels ? { labels } : {}),
      ...(target ? { target } : {}),
      ...(dockerfile ? { dockerfile } : {}),
      noCache: qBool(q, 'nocache'),
      signal: closed,
      onStep: (s) => {
        const head = `Step ${s.index + 1}/${s.total} : ${s.instruction}\n`;
        if (s.status === 'started') {
          said.add(s.index);
          say(head);
        } else if (s.status === 'cached') say(`${said.has(s.index) ? '' : head} ---> Using cache\n`);
        else if (s.status === 'done') say(` ---> ${s.durationMs ?? 0}ms\n`);
      },
      onOutput: (_i, _stream, line) => say(`${line}\n`),
    });
    out.send({ aux: { ID: r.imageId } });
    say(`Successfully built ${short(r.imageId)}\n`);
    for (const t of tags) say(`Successfully tagged ${familiar(t)}\n`);
  } catch (e) {
    // What is left of the context is not read: the client is told, then the connection closes.
    out.fail(e);
  }
  out.end();
}

/** HEAD/GET/PUT /containers/{id}/archive?path=: docker cp, through the facade (paths resolved inside the container). */
export async function archive(
  engine: DockuiEngine,
  id: string,
  method: string,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const path = q.get('path');
  if (!path) throw new HttpError(400, 'path is required');
  const header = (st: unknown) => Buffer.from(JSON.stringify(st)).toString('base64');
  if (method === 'HEAD') {
    const st = await engine.containers.statPath(id, path);
    res.writeHead(200, { 'X-Docker-Container-Path-Stat': header(st) });
    return void res.end();
  }
  if (method === 'GET') {
    let started = false;
    try {
      await engine.containers.copyFrom(id, path, {
        stream: res,
        onStat: (st) => {
          started = true;
          res.writeHead(200, { 'Content-Type': 'application/x-tar', 'X-Docker-Container-Path-Stat': header(st) });
        },
      });
    } catch (e) {
      if (!started) throw e;
      res.destroy();
      return;
    }
    return void res.end();
  }
  if (method === 'PUT') {
    await engine.containers.copyTo(id, { source: capped(req, maxContext()) }, path);
    res.writeHead(200);
    return void res.end();
  }
  throw new HttpError(404, 'page not found');
}

/** GET /images/get?names=…, GET /images/{name}/get: docker save (docker 25+'s archive layout). */
export async function save(engine: DockuiEngine, names: string[], res: ServerResponse, closed: AbortSignal) {
  if (names.length === 0) throw new HttpError(400, 'no image names given');
  // Checked before the headers go out: a missing image is a 404, not a cut stream.
  for (const n of names) await engine.images.inspect(n);
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  try {
    await engine.images.save(names, { stream: res }, { signal: closed });
  } catch {
    res.destroy();
    return;
  }
  res.end();
}

/** POST /images/load: docker load (docker-archive or oci-archive, plain or gzip). */
export async function load(engine: DockuiEngine, req: IncomingMessage, res: ServerResponse, closed: AbortSignal) {
  const out = jsonLines(res);
  try {
    const r = await engine.images.load({ stream: capped(req, maxContext()) }, { signal: closed });
    for (const img of r) {
      for (const n of img.names) out.send({ stream: `Loaded image: ${familiar(n)}\n` });
      if (img.names.length === 0) out.send({ stream: `Loaded image ID: ${img.id}\n` });
    }
  } catch (e) {
    out.fail(e);
  }
  out.end();
}

/** POST /images/prune: dangling images (all unused with filters dangling=false). */
export async function prune(engine: DockuiEngine, q: URLSearchParams, res: ServerResponse, closed: AbortSignal) {
  const dangling = q.get('filters')?.includes('"dangling":{"false":true}') || q.get('filters')?.includes('"dangling":["false"]');
  const r = await engine.images.prune({ all: !!dangling, signal: closed });
  sendJson(res, 200, {
    ImagesDeleted: [...r.untagged.map((u) => ({ Untagged: familiar(u) })), ...r.imagesRemoved.map((d) => ({ Deleted: d }))],
    SpaceReclaimed: r.bytesFreed,
  });
}

/**
 * GET /images/search?term=&limit=&filters=: `docker search` through the registry noun (a
 * registry's catalog, or Docker Hub's search), as docker's JSON array of registry.SearchResult in
 * its field order. The registry's credentials are the service's own (as for pulls), not the
 * client's X-Registry-Auth.
 */
export async function search(engine: DockuiEngine, q: URLSearchParams, res: ServerResponse, closed: AbortSignal): Promise<void> {
  const limit = qInt(q, 'limit');
  const r = await engine.registry.search(q.get('term') ?? '', {
    ...(limit !== undefined ? { limit } : {}),
    filters: qFilters(q),
    signal: closed,
  });
  sendJson(
    res,
    200,
    r.results.map((x) => ({
      star_count: x.starCount,
      is_official: x.isOfficial,
      name: x.name,
      is_automated: x.isAutomated,
      description: x.description,
    })),
  );
}
