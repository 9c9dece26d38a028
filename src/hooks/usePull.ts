import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { PullState } from '../views/view-models.js';
import { useEngine } from './EngineProvider.js';
import { PullStore } from './pull-store.js';

export interface PullControl {
  readonly state: PullState;
  start(ref: string): Promise<PullState>;
  cancel(): void;
  reset(): void;
}

/** The pull dialog's engine side; a pull still running when the app closes is cancelled. */
export function usePull(): PullControl {
  const engine = useEngine();
  const store = useMemo(() => new PullStore(engine.images), [engine]);
  useEffect(() => () => store.cancel(), [store]);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  return useMemo(
    () => ({ state, start: (ref: string) => store.start(ref), cancel: () => store.cancel(), reset: () => store.reset() }),
    [state, store],
  );
}
