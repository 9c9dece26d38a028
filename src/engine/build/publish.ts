// Putting what a build or an import made into the content store.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { buildManifest, digestOf, encodeJson, mediaTypes, type Descriptor, type OciImageConfig } from './image-config.js';

/** A unique name under ROOT/tmp embedding our pid (the store's format), so gc can tell a dead writer's leftovers. */
export function tempName(kind: string): string {
  return `${kind}-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** A temp path under ROOT/tmp named so the store's gc can tell when its writer died. */
export function tempPath(store: Store, kind: string): string {
  const dir = join(store.root, 'tmp');
  mkdirSync(dir, { recursive: true });
  return join(dir, tempName(kind));
}

/**
 * Moves a finished, fsynced blob file (whose digest the caller computed while writing it) to its
 * place in the store; drops it when the store has that blob already.
 */
export async function publishBlobFile(store: Store, file: string, digest: string): Promise<void> {
  await store.adoptBlobFile(file, digest);
}

export interface WrittenImage {
  readonly id: string;
  readonly manifestDigest: string;
}

/** Writes the config and manifest blobs and points every tag (or a dangling record) at them. */
export async function writeImage(
  store: Store,
  config: OciImageConfig,
  layers: readonly Descriptor[],
  tags: readonly string[],
  parent?: string,
): Promise<WrittenImage> {
  const cfgBytes = encodeJson(config);
  const id = digestOf(cfgBytes);
  await store.putBlob(cfgBytes, id);
  const manifest = buildManifest({ mediaType: mediaTypes.config, digest: id, size: cfgBytes.length }, layers);
  const mBytes = encodeJson(manifest);
  const manifestDigest = digestOf(mBytes);
  await store.putBlob(mBytes, manifestDigest);
  const rec = {
    manifestDigest,
    configDigest: id,
    mediaType: mediaTypes.manifest,
    platform: `${config.os}/${config.architecture}${config.variant ? `/${config.variant}` : ''}`,
    ...(parent !== undefined && parent !== id ? { parent } : {}),
  };
  if (tags.length === 0) await store.setImage(null, rec);
  for (const t of tags) {
    // A rebuild that changed nothing leaves the record alone: no lock, no write, no fsync.
    const cur = await store.getImage(t);
    if (cur?.manifestDigest === manifestDigest && cur.configDigest === id) continue;
    await store.setImage(t, rec);
  }
  return { id, manifestDigest };
}
