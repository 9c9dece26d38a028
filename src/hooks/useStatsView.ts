// What the Stats pane shows beside the samples useStats takes: the history of one container
// (its graphs), its processes (top) and the host's summary line — each polled only while the
// pane is in view, so an idle screen on another pane samples nothing of it.
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { formatError } from '../engine/define.js';
import type { HostReport, TopReport } from '../engine/index.js';
import { useEngine } from './EngineProvider.js';
import { engineExtras } from './engine-extras.js';
import { statsHistoryOf, type StatsPoint } from './stats-history.js';
import { usePolling } from './usePolling.js';

/**
 * The container's points, oldest first; a new array after each sample. Subscribed only while
 * there is a container to show: elsewhere a sample redraws nothing more than useStats does.
 */
export function useStatsHistory(id: string | undefined): readonly StatsPoint[] {
  const h = statsHistoryOf(useEngine());
  const subscribe = useCallback((l: () => void) => (id === undefined ? () => undefined : h.subscribe(l)), [h, id]);
  const version = useSyncExternalStore(subscribe, h.version, h.version);
  return useMemo(() => (version >= 0 ? h.points(id) : []), [h, id, version]);
}

/** Drops the history of containers that are gone (kept for the others, whatever is in view). */
export function useStatsHistoryPrune(ids: readonly string[]): void {
  const h = statsHistoryOf(useEngine());
  const key = ids.join(',');
  useEffect(() => {
    h.keepOnly(new Set(key === '' ? [] : key.split(',')));
  }, [h, key]);
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
