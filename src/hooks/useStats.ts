import { useState } from 'react';
import type { ContainerStats } from '../engine/define.js';
import { useEngine } from './EngineProvider.js';
import { statsHistoryOf } from './stats-history.js';
import { usePolling } from './usePolling.js';

const empty: ReadonlyMap<string, ContainerStats> = new Map();

/** CPU and memory of the given (running) containers, sampled every second. */
export function useStats(ids: readonly string[], intervalMs = 1000): ReadonlyMap<string, ContainerStats> {
  const engine = useEngine();
  const [stats, setStats] = useState(empty);
  const key = ids.join(',');
  usePolling(
    async () => {
      const want = key === '' ? [] : key.split(',');
      const got = await Promise.all(want.map((id) => engine.containers.stats(id).catch(() => undefined)));
      const next = new Map<string, ContainerStats>();
      for (const s of got) if (s) next.set(s.id, s);
      // Every sample also goes into the container's history (the Stats pane's graphs).
      statsHistoryOf(engine).push(next.values());
      setStats((prev) => (prev.size === 0 && next.size === 0 ? prev : next));
    },
    intervalMs,
    undefined,
    true,
  );
  return stats;
}
