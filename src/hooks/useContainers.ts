import { useState } from 'react';
import type { ContainerSummary } from '../engine/define.js';
import { useEngine } from './EngineProvider.js';
import { usePolling } from './usePolling.js';
import { useObservable } from './useStore.js';

/** A live list, and whether the engine has been asked for it once (an empty list before is "loading"). */
export interface LiveList<T> {
  readonly list: readonly T[];
  readonly loaded: boolean;
}

/**
 * The container list, live. The snapshot follows the engine's own changes at once; the poll
 * catches what happens behind its back (a container exiting under its monitor, the CLI in
 * another terminal). The first poll runs once the screen is up: the first frame does not wait
 * for every container record to be read.
 */
export function useContainers(
  opts: { readonly pollMs?: number; readonly onError?: (e: unknown) => void } = {},
): LiveList<ContainerSummary> {
  const engine = useEngine();
  const [loaded, setLoaded] = useState(false);
  usePolling(
    async () => {
      try {
        await engine.containers.refresh();
      } finally {
        setLoaded(true);
      }
    },
    opts.pollMs ?? 2000,
    opts.onError,
  );
  return { list: useObservable(engine.containers), loaded };
}
