import { useEffect, useState } from 'react';
import { useEngine } from './EngineProvider.js';

/**
 * The engine's inspect of container `id` (docker inspect's shape), read again when `key`
 * changes (its state or restart count did); undefined while loading or on an error.
 */
export function useContainerInspect(id: string | undefined, key: string): Record<string, unknown> | undefined {
  const engine = useEngine();
  const [state, setState] = useState<{ readonly key: string; readonly json: Record<string, unknown> } | undefined>(undefined);
  const full = `${id ?? ''}|${key}`;
  useEffect(() => {
    if (id === undefined) return;
    let live = true;
    engine.containers.inspect(id).then(
      (json) => live && setState({ key: full, json }),
      () => live && setState(undefined),
    );
    return () => {
      live = false;
    };
  }, [engine, id, full]);
  // The last answer stays while the next one loads, when it is of the same container.
  return state && state.key.split('|')[0] === (id ?? '') ? state.json : undefined;
}
