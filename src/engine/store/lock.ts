// File locks that work between dockui processes without a daemon: a lock is a file created
// with O_EXCL holding the holder's pid. A lock whose pid is dead is stale and gets broken, but
// only while holding a short-lived "break" lock, so that two processes breaking the same stale
// lock can never remove a live lock taken in between.
// The lock file operations are synchronous: each is a few µs here, and through the thread pool
// a take-and-release cost ~0.3 ms, paid several times by every command.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { EngineError, throwIfAborted } from '../define.js';
import { pidAlive, procStart } from '../sysx.js';

export { pidAlive, procStart } from '../sysx.js';

let ownStart: string | undefined;
/** "PID STARTTIME": what lock and lease files hold to name their owner. */
export function ownerTag(): string {
  ownStart ??= procStart(process.pid) ?? '';
  return `${process.pid} ${ownStart}`.trim();
}

/** Parses "PID [STARTTIME]" as written by ownerTag(). */
export function parseOwner(text: string): { pid: number; start?: string } {
  const [pid, start] = text.trim().split(/\s+/);
  return { pid: Number.parseInt(pid ?? '', 10), ...(start ? { start } : {}) };
}

async function tryCreate(path: string): Promise<boolean> {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, `${ownerTag()}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function statQuiet(p: string): { mtimeMs: number } | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** The owner recorded in a lock file; undefined when the file is gone, pid NaN when unreadable. */
async function holderOf(path: string): Promise<{ pid: number; start?: string; raw: string } | undefined> {
  try {
    const raw = readFileSync(path, 'utf8');
    return { ...parseOwner(raw), raw };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function holder(path: string): Promise<number | undefined> {
  return (await holderOf(path))?.pid;
}

/** Is the lock at `path` ours (this process wrote it)? */
async function ours(path: string): Promise<boolean> {
  return (await holderOf(path))?.raw.trim() === ownerTag();
}

async function unlinkQuiet(path: string): Promise<void> {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Removes `path` when its holder is dead. Returns true when the lock is (now) free. */
async function breakIfStale(path: string): Promise<boolean> {
  const h = await holderOf(path);
  if (h === undefined) return true;
  const pid = h.pid;
  // A lock file still being written by its creator reads empty for a moment: NaN is not stale
  // unless the file is old.
  if (Number.isNaN(pid)) {
    const st = statQuiet(path);
    if (st && Date.now() - st.mtimeMs < 5000) return false;
  } else if (pidAlive(pid, h.start)) return false;
  const guard = `${path}.break`;
  if (!(await tryCreate(guard))) {
    // A breaker killed in the few microseconds it holds the guard leaves it behind.
    const st = statQuiet(guard);
    if (st && Date.now() - st.mtimeMs > 5000) await unlinkQuiet(guard);
    return false;
  }
  try {
    const again = await holder(path);
    if (again === pid || (Number.isNaN(again) && Number.isNaN(pid))) await unlinkQuiet(path);
  } finally {
    await unlinkQuiet(guard);
  }
  return true;
}

export interface LockOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** What the lock protects, for the error message. */
  readonly what?: string;
}

/** Takes the lock at `path` (waiting for a live holder), returns its release function. */
export async function acquireLock(path: string, opts: LockOptions = {}): Promise<() => Promise<void>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let delay = 2;
  for (;;) {
    throwIfAborted(opts.signal);
    if (await tryCreate(path)) {
      return async () => {
        // Only remove it when it is still ours: never someone else's after a stale-break.
        if (await ours(path)) await unlinkQuiet(path);
      };
    }
    if (await breakIfStale(path)) continue;
    if (Date.now() > deadline) {
      const pid = await holder(path);
      throw new EngineError('unavailable', `${opts.what ?? path} is locked by process ${pid ?? '?'}; try again when it is done`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 50);
  }
}

/** Runs fn while holding the lock at `path`. */
export async function withLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const release = await acquireLock(path, opts);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** Non-blocking: takes the lock if free (or stale), else returns undefined. */
export async function tryLock(path: string): Promise<(() => Promise<void>) | undefined> {
  for (let i = 0; i < 2; i++) {
    if (await tryCreate(path)) {
      return async () => {
        if (await ours(path)) await unlinkQuiet(path);
      };
    }
    if (!(await breakIfStale(path))) return undefined;
  }
  return undefined;
}
