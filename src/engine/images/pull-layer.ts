// One layer of a pull: whatever of {blob, unpacked layer} the store lacks, fetched whole when it
// is small and streamed (resumable, teed into the blob ingest and the unpack) when it is not.
// pull.ts runs these jobs; the layer's diffID comes from the config, which may still be on its way.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { EngineError, type LayerPhase, canceledError, isEngineError } from '../define.js';
import { blobChunks } from '../registry/blob-stream.js';
import type { clientFor } from '../registry/client.js';
import { type Descriptor, layerCompression } from '../registry/manifest.js';
import type { parseReference } from '../util/reference.js';
import type { LayerResult, Store } from '../store/index.js';

/** Called when a transfer broke and is retried: what (a digest) and why. */
type OnRetry = ((what: string, why: string) => void) | undefined;

const maxQueuedWrites = 16 << 20;

export async function fetchSmall(
  client: ReturnType<typeof clientFor>,
  ref: ReturnType<typeof parseReference>,
  desc: Descriptor,
  signal: AbortSignal | undefined,
  onRetry: OnRetry,
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
export interface LayerJob {
  readonly store: Store;
  readonly client: ReturnType<typeof clientFor>;
  readonly ref: ReturnType<typeof parseReference>;
  readonly desc: Descriptor;
  /** The layer's diffID, once the image's config is in (it may still be on its way). */
  readonly diffId: () => Promise<string>;
  /** True when the pull stopped because the config was refused: nothing is kept for a resume. */
  readonly refused: () => boolean;
  readonly signal?: AbortSignal;
  /** Called once the layer's bytes are all in: frees its download slot. */
  readonly downloaded: () => void;
  readonly set: (phase: LayerPhase, current?: number) => void;
  readonly onRetry?: OnRetry;
  /** Device nodes an unpack left out. */
  readonly skipped: (paths: readonly string[]) => void;
}

/**
 * One layer: whatever of {blob, unpacked layer} the store lacks. Returns bytes downloaded.
 * Both the blob (sha256 checked by the ingest writer) and the layer (diffID checked by the
 * unpack) are verified before they are published; a failure leaves neither.
 */
export async function pullLayer(o: LayerJob): Promise<number> {
  const { store, desc } = o;
  if (await store.hasBlob(desc.digest)) {
    const diffId = await o.diffId();
    if (await store.hasLayer(diffId)) {
      o.set('exists', desc.size);
      return 0;
    }
    // Only the unpack is missing (an earlier pull stopped after the blob): from disk.
    o.set('extracting', desc.size);
    o.skipped((await unpackFrom(store, store.blobStream(desc.digest), desc, diffId, o.signal)).skippedDevices ?? []);
    o.set('done');
    return 0;
  }
  if (desc.size <= wholeLayer) {
    try {
      return await smallLayer(o);
    } catch (e) {
      o.set('failed');
      throw e;
    }
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadLayer(o);
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
async function smallLayer(o: LayerJob): Promise<number> {
  const { store, client, ref, desc } = o;
  o.set('downloading', 0);
  const bytes = await fetchSmall(client, ref, desc, o.signal, o.onRetry, (n) => o.set('downloading', n));
  o.downloaded();
  const diffId = await o.diffId();
  const unpack = !(await store.hasLayer(diffId));
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

async function downloadLayer(o: LayerJob): Promise<number> {
  const { store, client, ref, desc } = o;
  const writer = await store.ingest(desc.digest, { size: desc.size });
  let fetched = 0;
  let finished = false;
  const partialPath = join(store.root, 'tmp', `ingest-${desc.digest.slice('sha256:'.length)}`);
  o.set('downloading', writer.offset);
  // The request goes out now, while the config (which says whether the store has the layer
  // unpacked already) may still be on its way; its first chunk waits in `first`.
  const net = blobChunks(client, ref, desc, {
    offset: writer.offset,
    signal: o.signal,
    onRetry: (why) => o.onRetry?.(desc.digest, why),
  });
  const first = net.next();
  first.catch(() => {}); // read (or ended) below; this only keeps it from being "unhandled" meanwhile
  let started = false;
  const chunks: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({
      next: () => (started ? net.next() : ((started = true), first)),
      return: (v?: void) => net.return(v),
    }),
  };
  let unpack = false;

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
      for await (const chunk of chunks) {
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
    // A request that fails while the config is on its way fails the layer at once.
    const diffId = await Promise.race([o.diffId(), first.then(() => new Promise<never>(() => {}))]);
    unpack = !(await store.hasLayer(diffId));
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
    await net.return(undefined).catch(() => {}); // when the source never started
    if (!finished) {
      // Keep what arrived for a resume when the cause was the network or a cancel; hostile or
      // broken content (a refused config included) is dropped.
      const keep = !o.refused() && (o.signal?.aborted || (isEngineError(e) && (e.code === 'unavailable' || e.code === 'canceled')));
      await (keep ? writer.suspend() : writer.abort()).catch(() => {});
    }
    if (o.signal?.aborted) throw canceledError();
    throw e;
  }
}
