// Push (OCI distribution spec): every blob the registry lacks (HEAD first), uploaded whole
// (POST + PUT) or in chunks (POST + PATCH… + PUT) by size, mounted from another repository of
// the same registry when this store knows one that holds it; the manifest goes last, so the
// tag never names an image whose blobs are not all there.
import { createReadStream } from 'node:fs';
import { EngineError, type LayerPhase, type PullProgress, canceledError } from '../define.js';
import type { Store } from '../store/index.js';
import { type RegistryClient, clientFor, pushScope, pullScope } from './client.js';
import { TransientError, describe, discard, withRetry } from './http.js';
import { type Descriptor, type ImageManifest, parseManifest } from './manifest.js';
import { type Reference, parseReference } from '../util/reference.js';

export interface PushImageOptions {
  readonly signal?: AbortSignal;
  /** Per blob: phase 'downloading' means uploading, 'exists' means the registry had it (or mounted it). */
  readonly onProgress?: (p: PullProgress) => void;
  readonly insecure?: readonly string[];
  /** Blobs larger than this go up in PATCH chunks of this size. */
  readonly chunkSize?: number;
  readonly concurrency?: number;
}

export interface PushResult {
  readonly ref: string;
  /** Manifest digest, as the registry confirmed it. */
  readonly digest: string;
  readonly size: number;
  /** Blobs sent / found already there / mounted from another repository. */
  readonly uploaded: number;
  readonly existed: number;
  readonly mounted: number;
}

export const defaultChunkSize = 16 << 20;

interface BlobState {
  digest: string;
  phase: LayerPhase;
  current: number;
  total: number;
}

/** Pushes the image named `refInput` in `store` to the registry that name points at. */
export async function pushImage(store: Store, refInput: string, opts: PushImageOptions = {}): Promise<PushResult> {
  const { signal } = opts;
  const ref = parseReference(refInput);
  if (ref.digest && !ref.tag) throw new EngineError('invalid_argument', `cannot push by digest: ${refInput} (push a tag)`);
  const resolved = await store.resolveImage(ref.toString()).catch((e: unknown) => {
    throw e instanceof EngineError && e.code === 'not_found'
      ? new EngineError(
          'not_found',
          `no such image: ${ref.familiar()} (tag an image with this name first: dockui tag SOURCE ${ref.familiar()})`,
        )
      : e;
  });
  const rec = resolved.record;
  if (!(await store.hasBlob(rec.manifestDigest)))
    throw new EngineError('failed_precondition', `the manifest of ${ref.familiar()} is missing from the store: pull or build it again`);
  const manifestBytes = await store.readBlob(rec.manifestDigest);
  const parsed = parseManifest(manifestBytes, rec.mediaType, `manifest of ${ref.familiar()}`);
  if (parsed.kind !== 'manifest')
    throw new EngineError('failed_precondition', `${ref.familiar()} is an index; only single images are pushed`);
  const manifest: ImageManifest = parsed;
  const blobs = [manifest.config, ...manifest.layers];
  for (const b of blobs)
    if (!(await store.hasBlob(b.digest)))
      throw new EngineError(
        'failed_precondition',
        `blob ${b.digest} of ${ref.familiar()} is missing from the store: pull or build it again`,
      );

  const client = clientFor(ref.domain, { insecure: opts.insecure });
  const mountSources = await mountCandidates(store, ref);
  const states: BlobState[] = blobs.map((b) => ({
    digest: b.digest,
    phase: 'waiting',
    current: 0,
    total: b.size,
  }));
  const emit = () => {
    if (!opts.onProgress) return;
    let current = 0;
    let total = 0;
    for (const s of states) {
      current += s.current;
      total += s.total;
    }
    opts.onProgress({ ref: ref.toString(), layers: states.map((s) => ({ ...s })), current, total });
  };
  emit();
  let uploaded = 0;
  let existed = 0;
  let mounted = 0;
  const seen = new Set<string>();
  const queue = blobs.map((b, i) => ({ b, s: states[i]! })).filter(({ b }) => (seen.has(b.digest) ? false : (seen.add(b.digest), true)));
  let next = 0;
  let failed: Error | undefined;
  const worker = async () => {
    while (next < queue.length && !failed) {
      const { b, s } = queue[next++]!;
      try {
        const how = await pushBlob(store, client, ref, b, mountSources.get(b.digest) ?? [], {
          signal,
          chunkSize: opts.chunkSize ?? defaultChunkSize,
          onBytes: (n) => {
            s.phase = 'downloading';
            s.current = n;
            emit();
          },
        });
        if (how === 'uploaded') uploaded++;
        else if (how === 'mounted') mounted++;
        else existed++;
        s.phase = how === 'uploaded' ? 'done' : 'exists';
        s.current = s.total;
        emit();
      } catch (e) {
        s.phase = 'failed';
        failed ??= e instanceof Error ? e : new Error(String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 3, queue.length) }, worker));
  if (failed) throw signal?.aborted ? canceledError() : failed;

  // The manifest last, under the tag.
  const tag = ref.tag ?? 'latest';
  const res = await client.send(`/v2/${ref.path}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': manifest.mediaType },
    body: manifestBytes,
    scopes: [pushScope(ref.path)],
    signal,
  });
  if (res.status !== 201 && res.status !== 200) throw await client.fail(res, `push manifest of ${ref.familiar()}`);
  discard(res);
  const confirmed = res.headers['docker-content-digest'];
  if (typeof confirmed === 'string' && confirmed !== rec.manifestDigest)
    throw new EngineError('unavailable', `${ref.domain} stored the manifest under ${confirmed}, not ${rec.manifestDigest}`);
  return {
    ref: ref.toString(),
    digest: rec.manifestDigest,
    size: manifestBytes.length,
    uploaded,
    existed,
    mounted,
  };
}

/**
 * Other repositories of the same registry that this store pulled or pushed images from, by the
 * blobs their manifests list: where a cross-repository mount may find a blob.
 */
async function mountCandidates(store: Store, ref: Reference): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let list;
  try {
    list = await store.listImages({ countUsers: false });
  } catch {
    return out;
  }
  for (const img of list) {
    for (const name of img.names) {
      let r: Reference;
      try {
        r = parseReference(name);
      } catch {
        continue;
      }
      if (r.domain !== ref.domain || r.path === ref.path) continue;
      try {
        const m = parseManifest(await store.readBlob(img.digest), undefined, name);
        if (m.kind !== 'manifest') continue;
        for (const d of [m.config, ...m.layers]) {
          const l = out.get(d.digest) ?? [];
          if (!l.includes(r.path)) l.push(r.path);
          out.set(d.digest, l);
        }
      } catch {
        // a record whose manifest is not readable offers no mounts
      }
    }
  }
  return out;
}

interface BlobPushOptions {
  readonly signal?: AbortSignal;
  readonly chunkSize: number;
  readonly onBytes: (n: number) => void;
}

async function pushBlob(
  store: Store,
  client: RegistryClient,
  ref: Reference,
  desc: Descriptor,
  mountFrom: readonly string[],
  o: BlobPushOptions,
): Promise<'existed' | 'mounted' | 'uploaded'> {
  const scopes = [pushScope(ref.path)];
  const head = await client.send(`/v2/${ref.path}/blobs/${desc.digest}`, {
    method: 'HEAD',
    scopes,
    signal: o.signal,
  });
  discard(head);
  if (head.status === 200) return 'existed';
  if (head.status !== 404) throw await client.fail(head, `check blob ${desc.digest}`);

  return withRetry(
    `upload of ${desc.digest.slice(0, 19)}`,
    async () => {
      let location: URL | undefined;
      // A mount answers 201 when it worked and opens a normal upload (202) when it did not.
      for (const from of mountFrom.slice(0, 3)) {
        const res = await client.send(
          `/v2/${ref.path}/blobs/uploads/?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(from)}`,
          {
            method: 'POST',
            scopes: [...scopes, pullScope(from)],
            signal: o.signal,
            headers: { 'content-length': '0' },
          },
        );
        discard(res);
        if (res.status === 201) return 'mounted';
        if (res.status === 202) {
          location = uploadLocation(client, res.headers.location);
          break;
        }
      }
      if (!location) {
        const res = await client.send(`/v2/${ref.path}/blobs/uploads/`, {
          method: 'POST',
          scopes,
          signal: o.signal,
          headers: { 'content-length': '0' },
        });
        if (res.status !== 202) throw await client.fail(res, `start upload of ${desc.digest}`);
        discard(res);
        location = uploadLocation(client, res.headers.location);
      }
      const path = store.blobPath(desc.digest);
      const slice = (start: number, end: number) => () => createReadStream(path, { start, end: end - 1 });
      let res;
      if (desc.size <= o.chunkSize) {
        const url = withDigest(location, desc.digest);
        res = await client.send(url, {
          method: 'PUT',
          scopes,
          signal: o.signal,
          retry: false,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
          body: slice(0, desc.size),
        });
        o.onBytes(desc.size);
      } else {
        let at = 0;
        while (at < desc.size) {
          const end = Math.min(desc.size, at + o.chunkSize);
          const r = await client.send(location, {
            method: 'PATCH',
            scopes,
            signal: o.signal,
            retry: false,
            headers: {
              'content-type': 'application/octet-stream',
              'content-length': String(end - at),
              'content-range': `${at}-${end - 1}`,
            },
            body: slice(at, end),
          });
          if (r.status !== 202) {
            if (r.status >= 500 || r.status === 429) {
              discard(r);
              throw new TransientError(`chunk upload answered HTTP ${r.status}`);
            }
            throw await client.fail(r, `upload of ${desc.digest}`);
          }
          discard(r);
          location = uploadLocation(client, r.headers.location ?? location.href);
          at = end;
          o.onBytes(at);
        }
        res = await client.send(withDigest(location, desc.digest), {
          method: 'PUT',
          scopes,
          signal: o.signal,
          retry: false,
          headers: { 'content-length': '0' },
        });
      }
      if (res.status === 201) {
        discard(res);
        return 'uploaded';
      }
      if (res.status >= 500 || res.status === 429) {
        discard(res);
        throw new TransientError(`upload answered HTTP ${res.status}`);
      }
      throw await client.fail(res, `upload of ${desc.digest}`);
    },
    { signal: o.signal },
  ).catch((e: unknown) => {
    if (e instanceof EngineError) throw e;
    throw new EngineError('unavailable', `upload of ${desc.digest} to ${ref.domain}: ${describe(e)}`, {
      cause: e,
    });
  });
}

function uploadLocation(client: RegistryClient, location: string | string[] | undefined): URL {
  if (typeof location !== 'string' || !location)
    throw new EngineError('unavailable', `${client.domain} opened an upload without saying where (no Location)`);
  const u = new URL(location, client.base);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new EngineError('unavailable', `${client.domain} sent a bad upload location`);
  return u;
}

function withDigest(location: URL, digest: string): URL {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u;
}
