// Layers keyed by diffID: ROOT/layers/<hex>/{diff/, meta.json, index.json, complete}.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import { checkDigest, hexOf } from './blobs.js';
import type { LayerResult, UnpackOptions } from './index.js';

export interface LayerMeta {
  readonly diffId: string;
  readonly size: number;
  readonly files: number;
  readonly createdAt: string;
}

export const layerDir = (root: string, diffId: string): string => join(root, 'layers', hexOf(checkDigest(diffId, 'diffID')));

export async function hasLayer(root: string, diffId: string): Promise<boolean> {
  try {
    return (await stat(join(layerDir(root, diffId), 'complete'))).isFile();
  } catch {
    return false;
  }
}

export async function readLayerMeta(root: string, diffId: string): Promise<LayerMeta | undefined> {
  try {
    return JSON.parse(await readFile(join(layerDir(root, diffId), 'meta.json'), 'utf8')) as LayerMeta;
  } catch {
    return undefined;
  }
}

export async function unpackLayer(_root: string, _opts: UnpackOptions): Promise<LayerResult> {
  throw new EngineError('internal', 'layer unpack lands in the next commit');
}

export async function adoptLayer(_root: string, _dir: string, _opts: { diffId: string; size?: number }): Promise<LayerResult> {
  throw new EngineError('internal', 'layer adopt lands in the next commit');
}
