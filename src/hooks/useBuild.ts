import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { BuildOptions } from '../engine/types.js';
import type { BuildState } from '../views/view-models.js';
import { BuildStore } from './build-store.js';
import { useEngine } from './EngineProvider.js';

export interface BuildControl {
  readonly state: BuildState;
  build(opts: Omit<BuildOptions, 'signal' | 'onStep' | 'onOutput'>): Promise<BuildState>;
  cancel(): void;
}

/** The latest build (ours or the dev loop's), the watch state and the last builds' timings. */
export function useBuild(): BuildControl {
  const engine = useEngine();
  const store = useMemo(() => new BuildStore(engine), [engine]);
  useEffect(() => store.attach(), [store]);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  return useMemo(() => ({ state, build: (o) => store.build(o), cancel: () => store.cancel() }), [state, store]);
}
