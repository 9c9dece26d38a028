import type { ImageSummary } from '../engine/define.js';
import { useEngine } from './EngineProvider.js';
import { usePolling } from './usePolling.js';
import { useObservable } from './useStore.js';

/** The image list, live (see useContainers for why it also polls, less often here). */
export function useImages(opts: { readonly pollMs?: number; readonly onError?: (e: unknown) => void } = {}): readonly ImageSummary[] {
  const engine = useEngine();
  usePolling(() => engine.images.refresh(), opts.pollMs ?? 5000, opts.onError);
  return useObservable(engine.images);
}
