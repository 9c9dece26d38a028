import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { LogsState } from '../views/view-models.js';
import { useEngine } from './EngineProvider.js';
import { emptyLogs, LogStream } from './log-stream.js';

const noSubscribe = () => () => {};
const noSnapshot = () => emptyLogs;

/** Follows the logs of container `id` (none when undefined), the last `tail` lines first. */
export function useLogs(id: string | undefined, opts: { readonly tail?: number; readonly capacity?: number } = {}): LogsState {
  const engine = useEngine();
  const { tail, capacity } = opts;
  const stream = useMemo(
    () => (id === undefined ? undefined : new LogStream(engine.containers, id, { ...(tail !== undefined ? { tail } : {}), ...(capacity !== undefined ? { capacity } : {}) })),
    [engine, id, tail, capacity],
  );
  useEffect(() => {
    stream?.start();
    return () => stream?.stop();
  }, [stream]);
  return useSyncExternalStore(stream?.subscribe ?? noSubscribe, stream?.getSnapshot ?? noSnapshot, stream?.getSnapshot ?? noSnapshot);
}
