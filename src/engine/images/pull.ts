// Pull orchestration: manifest (platform picked from an index), config, then every layer at
// once (3 at a time), each streamed from the registry into the store's blob ingest and into
// the layer unpack at the same time, so that unpacking is done when the download is. The image
// record is written last: a pull that stops anywhere leaves no record pointing at missing parts.
import { setMaxListeners } from 'node:events';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { EngineError, type LayerPhase, type PullProgress, canceledError, isEngineError } from '../define.js';
import { blobChunks } from '../registry/blob-stream.js';
import { clientFor } from '../registry/client.js';
import { type Descriptor, configLimit, layerCompression, mediaTypes, selectPlatform } from '../registry/manifest.js';
import { type Platform, formatPlatform, hostPlatform, normalizePlatform, parsePlatform, platformMatches } from '../registry/platform.js';
import { parseReference } from '../util/reference.js';
import { type ImageConfig, type LayerResult, type Store, parseConfig } from '../store/index.js';

export interface PullImageOptions {
  /** "os/arch[/variant]"; the host's by default. */
  readonly platform?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PullProgress) => void;
  /** Registries to reach over plain HTTP besides loopback (--insecure-registry). */
  readonly insecure?: readonly string[];
  /** Layers fetched at once (defaultConcurrency). */
  readonly concurrency?: number;
  /** Called when a transfer broke and is retried (for -v output and tests). */
  readonly onRetry?: (what: string, why: string) => void;
}

export interface PullResult {
  /** Normalized reference the record was written under. */
  readonly ref: string;
  /** Image id (config digest). */
  readonly id: string;
  /** Manifest digest of the platform image. */
  readonly digest: string;
  /** Digest of the index it was picked from, when the reference named one. */
  readonly indexDigest?: string;
  readonly platform: string;
  /** Compressed bytes fetched from the registry in this pull. */
  readonly downloaded: number;
  /** True when every part was in the store already. */
  readonly upToDate: boolean;
  /** Device nodes the image's layers hold that were left out (rootless: see Extractor). */
  readonly skippedDevices?: readonly string[];
}

interface LayerState {
  digest: string;
  phase: LayerPhase;
  current: number;
  total: number;
}

const progressIntervalMs = 100;
/**
 * Download slots: 6, as podman and skopeo (containers/image) fetch 6 layers at once (Docker's
 * daemon 3); a layer over 1 MiB takes two, so big layers still go 3 at a time. A small layer's
 * time is mostly waiting (the registry's answer, the disk's fsync): a 50-layer pull took 405 ms
 * with 3 at once, 379 ms with 6 (skopeo 277 ms, same run). Big ones are busy unpacking: 4 × 32 MiB
 * took 614 ms with 3 at once, 661 ms with 5.
 */
const defaultConcurrency = 6;
const bigLayer = 1 << 20;
const maxQueuedWrites = 16 << 20;

/** The progress reporter: phase changes at once, byte counts at most every 100 ms. */
function reporter(ref: string, layers: LayerState[], cb: ((p: PullProgress) => void) | undefined) {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const emit = () => {
    timer = undefined;
    last = Date.now();
    if (!cb) return;
    let current = 0;
    let total = 0;
    for (const l of layers) {
      current += l.current;
      total += l.total;
    }
    cb({ ref, layers: layers.map((l) => ({ ...l })), current, total });
  };
  return {
    now: () => {
      if (timer) clearTimeout(timer);
      emit();
    },
    soon: () => {
      if (timer) return;
      const wait = progressIntervalMs - (Date.now() - last);
      if (wait <= 0) emit();
      else timer = setTimeout(emit, wait);
    },
    stop: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * Runs every job, downloads taking at most `n` slots at once (a job takes `weight(job)` of them,
 * at most n). A job frees its slots as soon as its bytes are in (`done()`), so one layer's unpack
 * never holds up the next download (Docker's max-concurrent-downloads is about downloads too).
 * The first failure cancels the others.
 */
async function runJobs<T>(
  items: readonly T[],
  n: number,
  fn: (t: T, done: () => void, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
  weight: (t: T) => number = () => 1,
): Promise<void> {
  const inner = new AbortController();
  // Every job listens on this signal (its request, its unpack pipeline), and jobs that have let
  // their download slot go are still unpacking: more than Node's default 10 listeners is the
  // normal case past 10 layers, not a leak (each goes when its job ends).
  setMaxListeners(Math.max(10, items.length * 4), inner.signal);
  const onAbort = () => inner.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let free = n;
  // First come, first served: a heavy job at the head waits for room rather than being overtaken.
  const waiting: { w: number; go: () => void }[] = [];
  const acquire = (w: number) =>
    new Promise<void>((go) => {
      if (waiting.length === 0 && free >= w) {
        free -= w;
        go();
      } else waiting.push({ w, go });
    });
  const release = (w: number) => {
    free += w;
    while (waiting.length > 0 && free >= waiting[0]!.w) {
      const next = waiting.shift()!;
      free -= next.w;
      next.go();
    }
  };
  let failed: Error | undefined;
  try {
    await Promise.all(
      items.map(async (item) => {
        const w = Math.min(n, Math.max(1, weight(item)));
        await acquire(w);
        let held = true;
        const done = () => {
          if (held) {
            held = false;
            release(w);
          }
        };
        try {
          if (inner.signal.aborted) return;
          await fn(item, done, inner.signal);
        } catch (e) {
          if (!failed && !inner.signal.aborted) failed = e instanceof Error ? e : new Error(String(e));
          inner.abort();
        } finally {
          done();
        }
      }),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  // Several layers fail together when the pull is cancelled: report that, not a side effect.
  if (signal?.aborted) throw canceledError();
  if (failed) throw failed;
}

/** The chosen platform image's manifest (following an index), with digests. */
async function resolveManifest(
  client: ReturnType<typeof clientFor>,
  ref: ReturnType<typeof parseReference>,
  want: Platform,
  signal: AbortSignal | undefined,
) {
  const top = await client.getManifest(ref, ref.digest ?? ref.tag ?? 'latest', { signal });
  if (top.manifest.kind === 'manifest') return { fetched: top, manifest: top.manifest, indexDigest: undefined };
  const desc = selectPlatform(top.manifest, want, ref.familiar());
  const inner = await client.getManifest(ref, desc.digest, { signal });
  if (inner.bytes.length !== desc.size)
    throw new EngineError('failed_precondition', `manifest ${desc.digest} has ${inner.bytes.length} bytes, its index says ${desc.size}`);
  if (inner.manifest.kind !== 'manifest')
    throw new EngineError('failed_precondition', `${ref.familiar()}: an index inside an index is not supported`);
  return { fetched: inner, manifest: inner.manifest, indexDigest: top.digest };
}

/**
 * Pulls `refInput` into `store` and records it. Throws EngineError: invalid_argument (bad
 * reference or platform), not_found, unauthorized, unavailable (network, after retries),
 * failed_precondition (bad or hostile content), canceled.
 */
export async function pullImage(store: Store, refInput: string, opts: PullImageOptions = {}): Promise<PullResult> {
  const { signal } = opts;
  const ref = parseReference(refInput);
  const want = opts.platform ? parsePlatform(opts.platform) : hostPlatform();
  const client = clientFor(ref.domain, { insecure: opts.insecure });
  const { fetched, manifest, indexDigest } = await resolveManifest(client, ref, want, signal);
  if (manifest.config.mediaType !== mediaTypes.ociConfig && manifest.config.mediaType !== mediaTypes.dockerConfig)
    throw new EngineError(
      'failed_precondition',
      `${ref.familiar()} is not a container image (its config is ${manifest.config.mediaType.slice(0, 100)})`,
    );
  for (const l of manifest.layers) layerCompression(l.mediaType); // refuse unknown layer types before any download

  // A lease from the first write until the record is set: a gc meanwhile (in any process)
  // keeps the blobs and layers this pull wrote or found already there.
  const lease = await store.lease(signal);
  try {
    return await pullParts(store, client, ref, want, fetched, manifest, indexDigest, opts);
  } finally {
    await lease.release();
  }
}

async function pullParts(
  store: Store,
  client: ReturnType<typeof clientFor>,
  ref: ReturnType<typeof parseReference>,
  want: Platform,
  fetched: Awaited<ReturnType<typeof resolveManifest>>['fetched'],
  manifest: Awaited<ReturnType<typeof resolveManifest>>['manifest'],
  indexDigest: string | undefined,
  opts: PullImageOptions,
): Promise<PullResult> {
  const { signal } = opts;
  // Config: small, needed first for the diffIDs the layers unpack under.
  const cfgDesc = manifest.config;
  if (cfgDesc.size > configLimit) throw new EngineError('failed_precondition', `image config of ${ref.familiar()} is too large`);
  let downloaded = 0;
  const skippedDevices: string[] = [];
  let fresh = false;
  let cfgBytes: Buffer;
  if (await store.hasBlob(cfgDesc.digest)) cfgBytes = await store.readBlob(cfgDesc.digest, configLimit);
  else {
    cfgBytes = await fetchSmall(client, ref, cfgDesc, signal, opts.onRetry);
    await store.putBlob(cfgBytes, cfgDesc.digest);
    downloaded += cfgBytes.length;
    fresh = true;
  }
  const config = parseConfig(cfgBytes, cfgDesc.digest);
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length)
    throw new EngineError(
      'failed_precondition',
      `${ref.familiar()}: its config lists ${diffIds.length} layers but its manifest ${manifest.layers.length}`,
    );
  const got = imagePlatform(config);
  if (opts.platform && got && !platformMatches(want, got))
    throw new EngineError('not_found', `${ref.familiar()} is for ${formatPlatform(got)}, not the requested ${formatPlatform(want)}`);

  // Layers: one job per distinct blob (an image may repeat a layer).
  const states: LayerState[] = manifest.layers.map((d) => ({
    digest: d.digest,
    phase: 'waiting',
    current: 0,
    total: d.size,
  }));
  const progress = reporter(ref.toString(), states, opts.onProgress);
  const jobs = new Map<string, { desc: Descriptor; diffId: string; states: LayerState[] }>();
  manifest.layers.forEach((d, i) => {
    const j = jobs.get(d.digest);
    if (j) j.states.push(states[i]!);
    else jobs.set(d.digest, { desc: d, diffId: diffIds[i]!, states: [states[i]!] });
  });
  progress.now();
  try {
    await runJobs(
      [...jobs.values()],
      opts.concurrency ?? defaultConcurrency,
      async (job, done, jobSignal) => {
        const set = (phase: LayerPhase, current?: number) => {
          for (const s of job.states) {
            s.phase = phase;
            if (current !== undefined) s.current = current;
          }
          if (phase === 'downloading') progress.soon();
          else progress.now();
        };
        const n = await pullLayer({
          store,
          client,
          ref,
          desc: job.desc,
          diffId: job.diffId,
          signal: jobSignal,
          set,
          onRetry: opts.onRetry,
          downloaded: done,
          skipped: (paths) => skippedDevices.push(...paths),
        });
        downloaded += n;
        if (n > 0) fresh = true;
      },
      signal,
      (job) => (opts.concurrency === undefined && job.desc.size > bigLayer ? 2 : 1),
    );
  } finally {
    progress.stop();
  }

  // Manifest, then the record: only now does the image exist.
  if (!(await store.hasBlob(fetched.digest))) {
    await store.putBlob(fetched.bytes, fetched.digest);
    fresh = true;
  }
  const before = await store.getImage(ref.toString()).catch(() => undefined);
  await store.setImage(ref.toString(), {
    manifestDigest: fetched.digest,
    configDigest: cfgDesc.digest,
    mediaType: fetched.mediaType,
    platform: formatPlatform(got ?? want),
  });
  progress.now();
  return {
    ref: ref.toString(),
    id: cfgDesc.digest,
    digest: fetched.digest,
    ...(indexDigest ? { indexDigest } : {}),
    platform: formatPlatform(got ?? want),
    downloaded,
    upToDate: !fresh && before?.manifestDigest === fetched.digest,
    ...(skippedDevices.length ? { skippedDevices: [...new Set(skippedDevices)].sort() } : {}),
  };
}

function imagePlatform(c: ImageConfig): Platform | undefined {
  if (typeof c.os !== 'string' || typeof c.architecture !== 'string') return undefined;
  return normalizePlatform({
    os: c.os,
    architecture: c.architecture,
    variant: typeof c.variant === 'string' ? c.variant : undefined,
  });
}

async function fetchSmall(
  client: ReturnType<typeof clientFor>,
  ref: ReturnType<typeof parseReference>,
  desc: Descriptor,
  signal: AbortSignal | undefined,
  onRetry: PullImageOptions['onRetry'],
  onBytes?: (n: number) => void,
): Promise<Buffer> {
  const { createHash } = await import('node:crypto');
  // Two tries: a corrupt transfer is fetched once more before it is an error.
  for (let attempt = 0; ; attempt++) {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of blobChunks(client, ref, desc, {
      signal,
      onRetry: (why) => onRetry?.(desc.digest, why),
    })) {
      chunks.push(c);
      n += c.length;
      onBytes?.(n);
    }
    const bytes = Buffer.concat(chunks);
    if (`sha256:${createHash('sha256').update(bytes).digest('hex')}` === desc.digest) return bytes;
    if (attempt >= 1) throw new EngineError('unavailable', `blob ${desc.digest} of ${ref.name} arrived corrupt twice`);
    onRetry?.(desc.digest, 'digest mismatch');
  }
}

/** One layer of one pull: what it is, where it comes from and goes, and whom to tell. */
interface LayerJob {
  readonly store: Store;
  readonly client: ReturnType<typeof clientFor>;
  readonly ref: ReturnType<typeof parseReference>;
  readonly desc: Descriptor;
  readonly diffId: string;
  readonly signal?: AbortSignal;
  /** Called once the layer's bytes are all in: frees its download slot. */
  readonly downloaded: () => void;
  readonly set: (phase: LayerPhase, current?: number) => void;
  readonly onRetry?: PullImageOptions['onRetry'];
  /** Device nodes an unpack left out. */
  readonly skipped: (paths: readonly string[]) => void;
}

/**
 * One layer: whatever of {blob, unpacked layer} the store lacks. Returns bytes downloaded.
 * Both the blob (sha256 checked by the ingest writer) and the layer (diffID checked by the
 * unpack) are verified before they are published; a failure leaves neither.
 */
async function pullLayer(o: LayerJob): Promise<number> {
  const { store, desc, diffId } = o;
  const [haveBlob, haveLayer] = await Promise.all([store.hasBlob(desc.digest), store.hasLayer(diffId)]);
  if (haveBlob && haveLayer) {
    o.set('exists', desc.size);
    return 0;
  }
  if (haveBlob) {
    // Only the unpack is missing (an earlier pull stopped after the blob): from disk.
    o.set('extracting', desc.size);
    o.skipped((await unpackFrom(store, store.blobStream(desc.digest), desc, diffId, o.signal)).skippedDevices ?? []);
    o.set('done');
    return 0;
  }
  if (desc.size <= wholeLayer) {
    try {
      return await smallLayer(o, !haveLayer);
    } catch (e) {
      o.set('failed');
      throw e;
    }
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadLayer(o, !haveLayer);
    } catch (e) {
      // A blob that failed its digest check is fetched once more from the start.
      if (attempt === 0 && e instanceof CorruptBlob && !o.signal?.aborted) {
        o.onRetry?.(desc.digest, e.message);
        continue;
      }
      o.set('failed');
      throw e instanceof CorruptBlob ? new EngineError('unavailable', `${e.message} (twice)`) : e;
    }
  }
}

/**
 * Layers up to this size (compressed) are fetched whole (see smallLayer); bigger ones stream and
 * keep a resumable partial when the transfer breaks or is cancelled.
 */
const wholeLayer = 256 << 10;

/**
 * A small layer: fetched into memory (its digest checked, a corrupt transfer fetched once more),
 * unpacked from there (inflated in one call, its diffID checked before anything is written),
 * then stored as a blob. No resumable partial, no stream pipeline, no zlib stream: on a
 * 50-layer image of small layers those were most of the CPU a layer cost.
 */
async function smallLayer(o: LayerJob, unpack: boolean): Promise<number> {
  const { store, client, ref, desc, diffId } = o;
  o.set('downloading', 0);
  const bytes = await fetchSmall(client, ref, desc, o.signal, o.onRetry, (n) => o.set('downloading', n));
  o.downloaded();
  o.set(unpack ? 'extracting' : 'verifying', desc.size);
  if (unpack)
    o.skipped((await store.unpackLayer({ source: bytes, mediaType: desc.mediaType, diffId, signal: o.signal })).skippedDevices ?? []);
  // The blob after the layer: a layer refused as hostile leaves no blob behind either.
  await store.putBlob(bytes, desc.digest);
  o.set('done', desc.size);
  return bytes.length;
}

class CorruptBlob extends Error {}

const plainTar = 'application/vnd.oci.image.layer.v1.tar';

/**
 * Gzip layers are inflated here, in 1 MiB output chunks (64 KiB for small ones), and handed to the store's unpack as
 * plain tar (it still checks the diffID and every entry). Why: zlib's default 16 KiB chunks
 * cost a thread-pool round trip each; measured on a 32 MiB layer, 0.6–0.9 s vs 0.23–0.28 s.
 */
async function unpackFrom(
  store: Store,
  source: AsyncIterable<Buffer>,
  desc: Descriptor,
  diffId: string,
  signal: AbortSignal | undefined,
): Promise<LayerResult> {
  if (layerCompression(desc.mediaType) !== 'gzip') return await store.unpackLayer({ source, mediaType: desc.mediaType, diffId, signal });
  // A small layer (most of a many-layer image) gets a small output buffer: a 1 MiB one for each
  // of 50 layers of a few hundred bytes made up most of what the garbage collector had to do.
  const gz = createGunzip({ chunkSize: desc.size < 256 << 10 ? 64 << 10 : 1 << 20 });
  const feeding = pipeline(Readable.from(source, { objectMode: false }), gz).catch((e: unknown) => {
    gz.destroy(e instanceof Error ? e : new Error(String(e)));
  });
  try {
    return await store.unpackLayer({ source: gz, mediaType: plainTar, diffId, signal });
  } finally {
    gz.destroy();
    await feeding;
  }
}

async function downloadLayer(o: LayerJob, unpack: boolean): Promise<number> {
  const { store, client, ref, desc, diffId } = o;
  const writer = await store.ingest(desc.digest, { size: desc.size });
  let fetched = 0;
  let finished = false;
  const partialPath = join(store.root, 'tmp', `ingest-${desc.digest.slice('sha256:'.length)}`);
  o.set('downloading', writer.offset);

  // The tee: each chunk goes to the ingest writer (its write overlapping the unpack of the
  // same chunk) and to the unpack; the blob commits (sha256 + size checked) at the end.
  async function* source(): AsyncGenerator<Buffer, void, undefined> {
    // Writes queue up behind each other (the writer hashes in call order) without holding
    // the unpack back, up to a bound so a slow disk slows the download instead of memory.
    let chain: Promise<void> = Promise.resolve();
    let queued = 0;
    try {
      if (unpack && writer.offset > 0) {
        // A resumed ingest: replay the bytes an earlier attempt kept, so the unpack sees them all.
        let left = writer.offset;
        for await (const c of createReadStream(partialPath, {
          start: 0,
          end: writer.offset - 1,
          highWaterMark: 1 << 20,
        }) as AsyncIterable<Buffer>) {
          left -= c.length;
          yield c;
        }
        if (left !== 0) throw new EngineError('internal', `partial download of ${desc.digest} changed under us`);
      }
      let at = writer.offset;
      for await (const chunk of blobChunks(client, ref, desc, {
        offset: writer.offset,
        signal: o.signal,
        onRetry: (why) => o.onRetry?.(desc.digest, why),
      })) {
        queued += chunk.length;
        chain = chain.then(async () => {
          await writer.write(chunk);
          queued -= chunk.length;
        });
        chain.catch(() => {}); // awaited below; this only keeps it from being "unhandled" meanwhile
        if (queued > maxQueuedWrites) await chain;
        at += chunk.length;
        fetched += chunk.length;
        o.set('downloading', at);
        yield chunk;
      }
      o.downloaded();
      await chain;
      o.set(unpack ? 'extracting' : 'verifying', at);
      try {
        await writer.commit();
      } catch (e) {
        finished = true; // commit removed the partial
        if (isEngineError(e) && e.code === 'unavailable') throw new CorruptBlob(`blob ${desc.digest} of ${ref.name} arrived corrupt`);
        throw e;
      }
      finished = true;
    } finally {
      await chain.catch(() => {});
    }
  }

  const gen = source();
  try {
    if (unpack) {
      // The unpack may stop reading before the blob's last bytes (tar padding): its early
      // return() must not end the download, which goes on to the digest check below.
      const view: AsyncIterable<Buffer> = {
        [Symbol.asyncIterator]: () => ({
          next: () => gen.next(),
          return: async () => ({ done: true, value: undefined }),
        }),
      };
      o.skipped((await unpackFrom(store, view, desc, diffId, o.signal)).skippedDevices ?? []);
    }
    while (!(await gen.next()).done) {
      /* drain: download the rest, then commit */
    }
    o.set('done', desc.size);
    return fetched;
  } catch (e) {
    await gen.return(undefined).catch(() => {});
    if (!finished) {
      // Keep what arrived for a resume when the cause was the network or a cancel; hostile or
      // broken content is dropped.
      const keep = o.signal?.aborted || (isEngineError(e) && (e.code === 'unavailable' || e.code === 'canceled'));
      await (keep ? writer.suspend() : writer.abort()).catch(() => {});
    }
    if (o.signal?.aborted) throw canceledError();
    throw e;
  }
}
