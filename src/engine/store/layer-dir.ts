// Where a layer lives and whether it is complete: kept apart from layers.ts (the unpacker, with
// zlib, the tar reader and the native helper) so that a container start, which only asks these,
// does not load it.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { checkDigest, hexOf } from './blobs.js';

/** ROOT/layers/<diffid-hex>: diff/ (the overlay lowerdir), meta.json, index.json, complete. */
export const layerDir = (root: string, diffId: string): string => join(root, 'layers', hexOf(checkDigest(diffId, 'diffID')));

/** A layer counts once its `complete` marker is there (a stat: no thread-pool round trip). */
export async function hasLayer(root: string, diffId: string): Promise<boolean> {
  try {
    return statSync(join(layerDir(root, diffId), 'complete')).isFile();
  } catch {
    return false;
  }
}
