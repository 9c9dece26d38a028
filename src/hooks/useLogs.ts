import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { LogsState } from '../views/view-models.js';
import { useEngine } from './EngineProvider.js';
import { emptyLogs, LogStream, type LogSources } from './log-stream.js';

const noSubscribe = () => () => {};
const noSnapshot = () => emptyLogs;

/**
 * Follows the logs of container `id` (none when undefined), the last `tail` lines first.
 * With `live: false` (the Logs pane hidden) the stream keeps filling its buffer but does not
 * re-render the screen; the latest lines are there the moment it becomes live again.
 */
export function useLogs(
  id: LogSources | undefined,
  opts: {
    readonly tail?: number | 'all';
    readonly since?: string;
    readonly capacity?: number;
    readonly live?: boolean;
    readonly restartKey?: string;
  } = {},
): LogsState {
  const engine = useEngine();
  // A new restartKey (the container started again, or l was pressed again) opens a new stream.
  const { tail, since, capacity, restartKey } = opts;
  // Several containers merged: the same list (by value) keeps the same stream.
  const key = id === undefined ? undefined : typeof id === 'string' ? id : id.join(',');
  const stream = useMemo(
    () =>
      id === undefined
        ? undefined
        : new LogStream(engine.containers, id, {
            ...(tail !== undefined ? { tail } : {}),
            ...(since !== undefined ? { since } : {}),
            ...(capacity !== undefined ? { capacity } : {}),
          }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- restartKey is the point: a new stream for it; key stands for id
    [engine, key, tail, since, capacity, restartKey],
  );
  useEffect(() => {
    stream?.start();
    return () => stream?.stop();
  }, [stream]);
  const live = opts.live ?? true;
  return useSyncExternalStore(
    live && stream ? stream.subscribe : noSubscribe,
    stream?.getSnapshot ?? noSnapshot,
    stream?.getSnapshot ?? noSnapshot,
  );
}
