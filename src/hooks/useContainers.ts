import type { ContainerSummary } from '../engine/define.js';
import { useEngine } from './EngineProvider.js';
import { usePolling } from './usePolling.js';
import { useObservable } from './useStore.js';

/**
 * The container list, live. The snapshot follows the engine's own changes at once; the poll
 * catches what happens behind its back (a container exiting under its monitor, the CLI in
 * another terminal).
 */
export function useContainers(
  opts: { readonly pollMs?: number; readonly onError?: (e: unknown) => void } = {},
): readonly ContainerSummary[] {
  const engine = useEngine();
  usePolling(() => engine.containers.refresh(), opts.pollMs ?? 2000, opts.onError);
  return useObservable(engine.containers);
}
