// Pull orchestration: manifest (platform picked from an index), then the config and every layer
// at once (6 download slots), each layer streamed from the registry into the store's blob ingest
// and into the layer unpack at the same time, so that unpacking is done when the download is; a
// layer waits for the config (its diffID) only before it unpacks. The image record is written
// last: a pull that stops anywhere leaves no record pointing at missing parts.
import { setMaxListeners } from 'node:events';
import { EngineError, type LayerPhase, type PullProgress, canceledError, isEngineError } from '../define.js';
import { clientFor } from '../registry/client.js';
import { type Descriptor, configLimit, layerCompression, mediaTypes, selectPlatform } from '../registry/manifest.js';
import { type Platform, formatPlatform, hostPlatform, normalizePlatform, parsePlatform, platformMatches } from '../registry/platform.js';
import { parseReference } from '../util/reference.js';
import { type ImageConfig, type Store, parseConfig } from '../store/index.js';
import { fetchSmall, pullLayer } from './pull-layer.js';

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

  // The config's request goes out at once (it only reads); the lease, from the first write until
  // the record is set, is taken meanwhile: a gc (in any process) keeps the blobs and layers this
  // pull wrote or found already there.
  // `stop` ends the config's fetch and the layers' jobs when the other side failed.
  const stop = new AbortController();
  const partsSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const cfg = configBytes(store, client, ref, manifest.config, partsSignal, opts.onRetry);
  cfg.catch(() => {}); // awaited in pullParts; this only keeps it from being "unhandled" meanwhile
  try {
    const lease = await store.lease(signal);
    try {
      return await pullParts(store, client, ref, want, fetched, manifest, indexDigest, { cfg, stop, signal: partsSignal }, opts);
    } finally {
      await lease.release();
    }
  } finally {
    stop.abort();
    await cfg.catch(() => {});
  }
}

/** The config's bytes: from the store when it has them, else fetched (digest checked). */
async function configBytes(
  store: Store,
  client: ReturnType<typeof clientFor>,
  ref: ReturnType<typeof parseReference>,
  desc: Descriptor,
  signal: AbortSignal,
  onRetry: PullImageOptions['onRetry'],
): Promise<{ bytes: Buffer; fetched: boolean }> {
  if (desc.size > configLimit) throw new EngineError('failed_precondition', `image config of ${ref.familiar()} is too large`);
  if (await store.hasBlob(desc.digest)) {
    // Read before the lease: a gc may take the blob away meanwhile; then it is fetched.
    const bytes = await store.readBlob(desc.digest, configLimit).catch(() => undefined);
    if (bytes) return { bytes, fetched: false };
  }
  return { bytes: await fetchSmall(client, ref, desc, signal, onRetry), fetched: true };
}

async function pullParts(
  store: Store,
  client: ReturnType<typeof clientFor>,
  ref: ReturnType<typeof parseReference>,
  want: Platform,
  fetched: Awaited<ReturnType<typeof resolveManifest>>['fetched'],
  manifest: Awaited<ReturnType<typeof resolveManifest>>['manifest'],
  indexDigest: string | undefined,
  parts: { cfg: ReturnType<typeof configBytes>; stop: AbortController; signal: AbortSignal },
  opts: PullImageOptions,
): Promise<PullResult> {
  const { cfg, stop } = parts;
  const cfgDesc = manifest.config;
  let downloaded = 0;
  const skippedDevices: string[] = [];
  let fresh = false;
  // The config (needed for the diffIDs the layers unpack under) is checked and stored while the
  // layers' requests are already out: a layer waits for it only before its unpack.
  const checked = cfg.then(async ({ bytes, fetched: got }) => {
    const config = parseConfig(bytes, cfgDesc.digest);
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length)
      throw new EngineError(
        'failed_precondition',
        `${ref.familiar()}: its config lists ${diffIds.length} layers but its manifest ${manifest.layers.length}`,
      );
    const platform = imagePlatform(config);
    if (opts.platform && platform && !platformMatches(want, platform))
      throw new EngineError('not_found', `${ref.familiar()} is for ${formatPlatform(platform)}, not the requested ${formatPlatform(want)}`);
    // Under the lease now: stored when fetched, or again when a gc took it since it was read.
    if (got || !(await store.hasBlob(cfgDesc.digest))) {
      await store.putBlob(bytes, cfgDesc.digest);
      fresh = true;
    }
    if (got) downloaded += bytes.length;
    return { diffIds, platform };
  });
  // A config that fails stops the layers at once; when it was refused (not merely out of reach),
  // their partial downloads go with them.
  let configFailed = false;
  let refused = false;
  let layersFailed = false;
  checked.catch((e: unknown) => {
    if (layersFailed || opts.signal?.aborted) return;
    configFailed = true;
    refused = !(isEngineError(e) && e.code === 'unavailable');
    stop.abort();
  });

  // Layers: one job per distinct blob (an image may repeat a layer).
  const states: LayerState[] = manifest.layers.map((d) => ({
    digest: d.digest,
    phase: 'waiting',
    current: 0,
    total: d.size,
  }));
  const progress = reporter(ref.toString(), states, opts.onProgress);
  const jobs = new Map<string, { desc: Descriptor; index: number; states: LayerState[] }>();
  manifest.layers.forEach((d, i) => {
    const j = jobs.get(d.digest);
    if (j) j.states.push(states[i]!);
    else jobs.set(d.digest, { desc: d, index: i, states: [states[i]!] });
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
          // Not past the job's own cancel: another layer failing must not wait for a slow config.
          diffId: async () => (await orAbort(checked, jobSignal)).diffIds[job.index]!,
          refused: () => refused,
          signal: jobSignal,
          set,
          onRetry: opts.onRetry,
          downloaded: done,
          skipped: (paths) => skippedDevices.push(...paths),
        });
        downloaded += n;
        if (n > 0) fresh = true;
      },
      parts.signal,
      (job) => (opts.concurrency === undefined && job.desc.size > bigLayer ? 2 : 1),
    );
  } catch (e) {
    if (configFailed) await checked; // the config's own error, not the layers' cancellation
    layersFailed = true;
    stop.abort();
    await checked.catch(() => {});
    throw e;
  } finally {
    progress.stop();
  }
  const { platform: got } = await checked;

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

/** `p`, or `canceled` as soon as `signal` aborts (p goes on; its outcome is then nobody's). */
function orAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(canceledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(canceledError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function imagePlatform(c: ImageConfig): Platform | undefined {
  if (typeof c.os !== 'string' || typeof c.architecture !== 'string') return undefined;
  return normalizePlatform({
    os: c.os,
    architecture: c.architecture,
    variant: typeof c.variant === 'string' ? c.variant : undefined,
  });
}
