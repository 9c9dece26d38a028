import { useCallback, useSyncExternalStore } from 'react';
import type { Observable } from '../engine/types.js';

/** useSyncExternalStore over an engine Observable; binds its methods, which may rely on `this`. */
export function useObservable<T>(o: Observable<T>): T {
  const subscribe = useCallback((l: () => void) => o.subscribe(l), [o]);
  const get = useCallback(() => o.getSnapshot(), [o]);
  return useSyncExternalStore(subscribe, get, get);
}
