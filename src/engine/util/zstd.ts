// The engine's one zstd inflater: `zstd -d` as a stream transform (the binary is optional,
// so its absence is a clear error). Used by the store's unpacker and by `save`.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError, throwIfAborted } from '../define.js';

export interface UnzstdOptions {
  /** The message when zstd is not installed (says what needed it). */
  readonly missing: string;
  /** The error for input zstd refuses, from its first stderr line. */
  readonly invalid: (why: string) => EngineError;
  readonly signal?: AbortSignal;
}

export async function* unzstd(src: AsyncIterable<Buffer>, opts: UnzstdOptions): AsyncGenerator<Buffer> {
  const child = process.getBuiltinModule('node:child_process').spawn('zstd', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new EngineError('failed_precondition', `${opts.missing}: install zstd (apt-get install zstd)`) : e),
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
  exited.catch(() => undefined);
  const feed = pipeline(Readable.from(src), child.stdin).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  feed.catch(() => undefined);
  try {
    for await (const c of child.stdout as AsyncIterable<Buffer>) {
      throwIfAborted(opts.signal);
      yield c;
    }
    // The exit status first: a zstd that rejects its input stops reading, and the feed then
    // fails with EPIPE, which says nothing.
    const code = await exited;
    if (code !== 0) throw opts.invalid(stderr.trim().split('\n')[0] ?? `exit ${code}`);
    await feed;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
