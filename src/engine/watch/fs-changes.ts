// A file watcher that never loses a save. chokidar (4.x) drops a `change` of a path that comes
// within 50 ms of the one before it (and a file watcher's event within 5 ms), with no trailing
// event: three saves 20 ms apart give one `change`, read before the last save was written, so
// the last save never reached the container. Its `raw` events (one per inotify event, never
// throttled) are passed on as well: every write after a read of the file is seen again.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { watch, type ChokidarOptions, type FSWatcher } from 'chokidar';

/** The path a raw event is about: a directory watcher names an entry, a file watcher itself. */
export function rawEventPath(watchedPath: string, evPath: string | null | undefined): string {
  if (!evPath) return watchedPath;
  const isDir = statSync(watchedPath, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return isDir ? join(watchedPath, evPath) : watchedPath;
}

/**
 * Watches `paths` (absolute); `onPath` gets each changed, added or removed path, possibly
 * several times for one save (callers debounce). Resolves once the watcher is ready.
 */
export async function watchChanges(
  paths: readonly string[],
  opts: ChokidarOptions,
  onPath: (abs: string) => void,
  onError: (e: unknown) => void,
): Promise<FSWatcher> {
  const w = watch([...paths], { ...opts, ignoreInitial: true, persistent: true });
  w.on('all', (_e, path) => {
    if (typeof path === 'string') onPath(path);
  });
  w.on('raw', (_e, evPath, details) => {
    const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof watched !== 'string') return;
    onPath(rawEventPath(watched, typeof evPath === 'string' ? evPath : undefined));
  });
  w.on('error', onError);
  await new Promise<void>((res) => w.on('ready', res));
  return w;
}
