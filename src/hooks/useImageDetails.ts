import { useEffect, useState } from 'react';
import { formatError } from '../engine/define.js';
import type { ImageDetails } from '../engine/types.js';
import { useEngine } from './EngineProvider.js';

export interface ImageDetailsState {
  readonly key: string | undefined;
  readonly details: ImageDetails | undefined;
  readonly error: string | undefined;
}

/** Inspects the image `ref` (config and layers) when it changes; undefined while loading. */
export function useImageDetails(ref: string | undefined): ImageDetailsState {
  const engine = useEngine();
  const [state, setState] = useState<ImageDetailsState>({ key: undefined, details: undefined, error: undefined });
  useEffect(() => {
    if (ref === undefined) return;
    let live = true;
    engine.images.inspect(ref).then(
      (details) => live && setState({ key: ref, details, error: undefined }),
      (e: unknown) => live && setState({ key: ref, details: undefined, error: formatError(e) }),
    );
    return () => {
      live = false;
    };
  }, [engine, ref]);
  // A result for another image is never shown, even for the frame before the new one lands.
  return state.key === ref ? state : { key: ref, details: undefined, error: undefined };
}
