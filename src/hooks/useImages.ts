import { useState } from 'react';
import type { ImageSummary } from '../engine/define.js';
import { useEngine } from './EngineProvider.js';
import type { LiveList } from './useContainers.js';
import { usePolling } from './usePolling.js';
import { useObservable } from './useStore.js';

/** The image list, live (see useContainers for why it also polls, less often here). */
export function useImages(opts: { readonly pollMs?: number; readonly onError?: (e: unknown) => void } = {}): LiveList<ImageSummary> {
  const engine = useEngine();
  const [loaded, setLoaded] = useState(false);
  usePolling(
    async () => {
      try {
        await engine.images.refresh();
      } finally {
        setLoaded(true);
      }
    },
    opts.pollMs ?? 5000,
    opts.onError,
  );
  return { list: useObservable(engine.images), loaded };
}
