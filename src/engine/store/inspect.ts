// What `inspect` shows of an image: the engine facade's ImageDetails and Docker's JSON shape.
import type { ImageSummary, LayerInfo } from '../define.js';
import type { ImageDetails } from '../types.js';
import type { ImageConfig, Store } from './index.js';
import type { Reference } from '../util/reference.js';

/** "busybox" for docker.io/library/busybox, "127.0.0.1:5000/x/y" for that one: no tag, no digest. */
export function familiarName(r: Reference): string {
  let f = r.familiar();
  if (r.digest) f = f.slice(0, f.lastIndexOf('@'));
  if (r.tag && f.endsWith(`:${r.tag}`)) f = f.slice(0, f.length - r.tag.length - 1);
  return f;
}

interface ManifestLike {
  layers?: { digest?: unknown; size?: unknown }[];
  manifests?: unknown[];
}

export interface InspectResult {
  readonly details: ImageDetails;
  readonly config: ImageConfig;
  /** `docker image inspect`'s shape, for the CLI's JSON output. */
  readonly docker: Record<string, unknown>;
}

export async function inspectImage(store: Store, refOrId: string): Promise<InspectResult> {
  const hit = await store.resolveImage(refOrId);
  const config = await store.imageConfig(hit.id);
  const summary: ImageSummary =
    (await store.listImages()).find((i) => i.id === hit.id) ??
    ({ id: hit.id, digest: hit.record.manifestDigest, names: [], size: hit.record.size ?? 0, inUse: 0 } as ImageSummary);
  let manifest: ManifestLike = {};
  try {
    manifest = JSON.parse((await store.readBlob(hit.record.manifestDigest)).toString('utf8')) as ManifestLike;
  } catch {
    // a missing manifest (image built here and never pushed) leaves the blob digests unknown
  }
  const diffIds = config.rootfs?.diff_ids ?? [];
  const history = (config.history ?? []).slice();
  const layerHistory = history.filter((h) => !h.empty_layer);
  const layers: LayerInfo[] = diffIds.map((diffId, i) => {
    const m = manifest.layers?.[i];
    const h = layerHistory[i];
    return {
      digest: typeof m?.digest === 'string' ? m.digest : diffId,
      diffId,
      size: typeof m?.size === 'number' ? m.size : 0,
      ...(h?.created_by ? { createdBy: h.created_by } : {}),
      ...(h?.created ? { created: h.created } : {}),
    };
  });
  const details: ImageDetails = {
    summary,
    architecture: config.architecture ?? '',
    os: config.os ?? '',
    config: config.config ?? {},
    layers,
  };
  const { parseReference } = await import('../util/reference.js');
  const tags: string[] = [];
  const digests = new Set<string>();
  for (const n of summary.names) {
    const r = parseReference(n);
    if (r.tag && !r.digest) tags.push(r.familiar());
    digests.add(`${familiarName(r)}@${hit.record.manifestDigest}`);
  }
  // Hostile configs may put anything in these: only strings come through.
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const docker: Record<string, unknown> = {
    Id: hit.id,
    RepoTags: tags,
    RepoDigests: [...digests],
    Comment: str(config.history?.at(-1)?.comment),
    Created: config.created ?? '',
    Author: str(config.author),
    Architecture: config.architecture ?? '',
    ...(config.variant ? { Variant: config.variant } : {}),
    Os: config.os ?? '',
    Size: summary.size,
    Config: config.config ?? {},
    RootFS: { Type: config.rootfs?.type ?? 'layers', Layers: diffIds },
    Metadata: { LastTagTime: hit.record.taggedAt },
    Descriptor: {
      mediaType: hit.record.mediaType,
      digest: hit.record.manifestDigest,
      ...(hit.record.platform ? { platform: hit.record.platform } : {}),
    },
  };
  return { details, config, docker };
}
