// What the Stats pane shows beside the samples useStats takes: the history of one container
// (its graphs), its processes (top) and the host's summary line — each polled only while the
// pane is in view, so an idle screen on another pane samples nothing of it.
import { useState, useSyncExternalStore } from 'react';
import { formatError } from '../engine/define.js';
import type { HostReport, TopReport } from '../engine/index.js';
import { useEngine } from './EngineProvider.js';
import { engineExtras } from './engine-extras.js';
import { statsHistoryOf, type StatsPoint } from './stats-history.js';
import { usePolling } from './usePolling.js';

/** The container's points, oldest first; a new array after each sample. */
export function useStatsHistory(id: string | undefined): readonly StatsPoint[] {
  const h = statsHistoryOf(useEngine());
  const version = useSyncExternalStore(h.subscribe, h.version, h.version);
  const [memo, setMemo] = useState<{ id: string | undefined; version: number; points: readonly StatsPoint[] }>({
    id: undefined,
    version: -1,
    points: [],
  });
  if (memo.id !== id || memo.version !== version) {
    const next = { id, version, points: h.points(id) };
    setMemo(next);
    return next.points;
  }
  return memo.points;
}

export interface TopState {
  readonly id: string | undefined;
  readonly top: TopReport | undefined;
  readonly error: string | undefined;
}

/** `top` of the container every 2 s while `enabled`. */
export function useTop(id: string | undefined, enabled: boolean, intervalMs = 2000): TopState {
  const engine = useEngine();
  const [state, setState] = useState<TopState>({ id: undefined, top: undefined, error: undefined });
  const on = enabled && id !== undefined;
  usePolling(
    async () => {
      const top = engineExtras(engine).top;
      if (!id) return;
      if (!top) {
        setState({ id, top: undefined, error: 'processes are not available from this engine' });
        return;
      }
      try {
        setState({ id, top: await top(id), error: undefined });
      } catch (e) {
        setState({ id, top: undefined, error: formatError(e) });
      }
    },
    intervalMs,
    undefined,
    on,
    id,
  );
  return state.id === id ? state : { id, top: undefined, error: undefined };
}

/** The host's CPU, memory and load every 2 s while `enabled`. */
export function useHost(enabled: boolean, intervalMs = 2000): HostReport | undefined {
  const engine = useEngine();
  const [host, setHost] = useState<HostReport | undefined>(undefined);
  usePolling(
    async () => {
      const sample = engineExtras(engine).host;
      if (sample) setHost(await sample());
    },
    intervalMs,
    undefined,
    enabled,
  );
  return host;
}
