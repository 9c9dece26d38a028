import { useCallback, useSyncExternalStore } from 'react';
import type { Observable } from '../engine/types.js';

const none: readonly never[] = [];

/**
 * useSyncExternalStore over an engine Observable; binds its methods, which may rely on `this`.
 * React wants the same value from two calls while nothing changed, or it re-renders for ever
 * (error #185): an engine not listed yet may answer a fresh `[]` each time, so every empty
 * array becomes one.
 */
export function useObservable<T>(o: Observable<T>): T {
  const subscribe = useCallback((l: () => void) => o.subscribe(l), [o]);
  const get = useCallback(() => {
    const v = o.getSnapshot();
    return (Array.isArray(v) && v.length === 0 ? none : v) as T;
  }, [o]);
  return useSyncExternalStore(subscribe, get, get);
}
