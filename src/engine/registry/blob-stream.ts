// Streams one blob from a registry as chunks, surviving a broken transfer: after a reset or a
// stall it asks again with `Range: bytes=N-` and goes on where it stopped (or, when the server
// ignores ranges, skips what it already had). Size is enforced; the digest is the consumer's
// to check (the store's ingest writer hashes as it writes, so hashing twice would cost CPU).
import { EngineError, canceledError } from '../define.js';
import { type RegistryClient, pullScope } from './client.js';
import { TransientError, backoffMs, describe, discard, isTransient, sleep, tuning } from './http.js';
import type { Descriptor } from './manifest.js';
import type { Reference } from '../util/reference.js';

export interface BlobStreamOptions {
  /** Start at this byte (a resumed ingest already holds the bytes before it). */
  readonly offset?: number;
  readonly signal?: AbortSignal;
  /** Called when a transfer broke and is being resumed. */
  readonly onRetry?: (why: string, at: number) => void;
}

/** Chunks of `desc` from `offset` to its end; throws EngineError when it cannot get them. */
export async function* blobChunks(
  client: RegistryClient,
  ref: Reference,
  desc: Descriptor,
  opts: BlobStreamOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const { signal } = opts;
  const what = `blob ${desc.digest.slice(0, 19)}`;
  let received = opts.offset ?? 0;
  if (received > desc.size) throw new EngineError('internal', `${what}: resume offset past the end`);
  if (received === desc.size) return;
  let failures = 0;
  // A trickle (a byte every few seconds) never looks stalled: each stall window must bring
  // minRate bytes/s on average, and only an attempt that brought that much resets the count.
  const windowMs = tuning.timeoutMs;
  const windowMin = (tuning.minRate * windowMs) / 1000;
  const path = `/v2/${ref.path}/blobs/${desc.digest}`;
  for (;;) {
    if (signal?.aborted) throw canceledError();
    const progressBefore = received;
    try {
      const headers: Record<string, string> = {};
      if (received > 0) headers.range = `bytes=${received}-`;
      const res = await client.send(path, { headers, scopes: [pullScope(ref.path)], signal });
      let skip = 0;
      if (res.status === 206) {
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
        if (!m || Number(m[1]) !== received) {
          // A range we did not ask for: take the whole blob again instead of guessing.
          discard(res);
          if (received === 0) throw new EngineError('unavailable', `${what}: the registry sent a bad partial reply`);
          throw new TransientError('unexpected Content-Range');
        }
      } else if (res.status === 200) {
        skip = received; // no range support: the bytes we have come again first
      } else if (res.status === 416 && received > 0) {
        discard(res);
        throw new TransientError('range not satisfiable');
      } else {
        throw await client.fail(res, `${what} of ${ref.name}`);
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared + (res.status === 206 ? received : 0) > desc.size) {
        discard(res);
        throw new EngineError('failed_precondition', `${what} is larger than its manifest says (${desc.size} bytes)`);
      }
      let windowStart = Date.now();
      let windowBytes = 0;
      for await (const raw of res.body as AsyncIterable<Buffer>) {
        windowBytes += raw.length;
        const now = Date.now();
        if (now - windowStart >= windowMs) {
          if (windowBytes < windowMin) {
            res.body.destroy();
            throw new TransientError(`${what}: under ${tuning.minRate} bytes/s for ${windowMs} ms`);
          }
          windowStart = now;
          windowBytes = 0;
        }
        let chunk = raw;
        if (skip > 0) {
          if (chunk.length <= skip) {
            skip -= chunk.length;
            continue;
          }
          chunk = chunk.subarray(skip);
          skip = 0;
        }
        if (received + chunk.length > desc.size) {
          res.body.destroy();
          throw new EngineError('failed_precondition', `${what} is larger than its manifest says (${desc.size} bytes)`);
        }
        received += chunk.length;
        yield chunk;
      }
      if (received === desc.size) return;
      // The body ended early without an error: a truncated transfer.
      throw new TransientError(`transfer ended at ${received} of ${desc.size} bytes`);
    } catch (e) {
      if (signal?.aborted) throw canceledError();
      if (!isTransient(e)) throw e;
      // Only failures in a row count: a slow link that keeps making progress keeps going.
      failures = received - progressBefore > windowMin ? 1 : failures + 1;
      if (failures >= tuning.attempts)
        throw new EngineError('unavailable', `${what} of ${ref.name}: ${describe(e)} (gave up after ${failures} attempts)`, {
          cause: e,
        });
      opts.onRetry?.(describe(e), received);
      const retryAfter = e instanceof TransientError ? e.retryAfterMs : undefined;
      await sleep(retryAfter ?? backoffMs(failures - 1), signal);
    }
  }
}
