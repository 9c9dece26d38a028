// Manifests and indexes: the four media types dockui speaks (OCI and Docker schema 2), strict
// validation of hostile JSON, and platform selection in an index. Schema 1 is refused.
import { EngineError } from '../define.js';
import { type Platform, formatPlatform, platformMatches } from './platform.js';

export const mediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** What a manifest GET accepts, best first. Schema 1 is left out on purpose. */
export const manifestAccept = [mediaTypes.ociIndex, mediaTypes.dockerList, mediaTypes.ociManifest, mediaTypes.dockerManifest].join(', ');

/** Limits on hostile JSON: containerd caps manifests at 4 MiB. */
export const manifestLimit = 4 << 20;
export const configLimit = 16 << 20;
const maxLayers = 1000;
const maxBlobSize = 64 * 2 ** 30;

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageManifest {
  readonly kind: 'manifest';
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface ImageIndex {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
}

export type Manifest = ImageManifest | ImageIndex;

const digestRe = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: unknown): s is string {
  return typeof s === 'string' && digestRe.test(s);
}

function bad(what: string, why: string): EngineError {
  return new EngineError('failed_precondition', `${what}: invalid manifest: ${why}`);
}

function descriptor(v: unknown, what: string, where: string): Descriptor {
  if (typeof v !== 'object' || v === null) throw bad(what, `${where} is not an object`);
  const d = v as Record<string, unknown>;
  if (typeof d.mediaType !== 'string' || d.mediaType.length > 255) throw bad(what, `${where} has no media type`);
  if (!isDigest(d.digest))
    throw bad(what, `${where} has an unsupported digest ${JSON.stringify(String(d.digest)).slice(0, 90)} (only sha256 is supported)`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0 || d.size > maxBlobSize)
    throw bad(what, `${where} has a bad size`);
  let platform: Platform | undefined;
  if (d.platform !== undefined) {
    const p = d.platform as Record<string, unknown>;
    if (typeof p !== 'object' || p === null || typeof p.os !== 'string' || typeof p.architecture !== 'string')
      throw bad(what, `${where} has a bad platform`);
    platform = {
      os: p.os,
      architecture: p.architecture,
      variant: typeof p.variant === 'string' ? p.variant : undefined,
    };
  }
  const urls = Array.isArray(d.urls) ? d.urls.filter((u): u is string => typeof u === 'string') : undefined;
  return { mediaType: d.mediaType, digest: d.digest, size: d.size, platform, urls };
}

/**
 * Parses manifest bytes. `contentType` is the registry's Content-Type; the body's own
 * mediaType wins when they disagree in kind, and the shape decides when neither says.
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined, what: string): Manifest {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad(what, 'not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(what, 'not a JSON object');
  const m = v as Record<string, unknown>;
  const ct = (contentType ?? '').split(';')[0]!.trim();
  const mt = typeof m.mediaType === 'string' ? m.mediaType : ct;
  if (m.schemaVersion === 1 || mt === mediaTypes.schema1 || mt === mediaTypes.schema1Signed || ct === mediaTypes.schema1Signed)
    throw new EngineError(
      'failed_precondition',
      `${what} is a Docker schema 1 manifest, which dockui does not support (deprecated since 2017; push it again with a current client)`,
    );
  if (m.schemaVersion !== 2) throw bad(what, `schemaVersion ${JSON.stringify(m.schemaVersion)} is not 2`);
  if (Array.isArray(m.manifests) || mt === mediaTypes.ociIndex || mt === mediaTypes.dockerList) {
    if (!Array.isArray(m.manifests)) throw bad(what, 'index without manifests');
    if (m.manifests.length > maxLayers) throw bad(what, 'too many manifests');
    return {
      kind: 'index',
      mediaType: mt || mediaTypes.ociIndex,
      manifests: m.manifests.map((d, i) => descriptor(d, what, `manifests[${i}]`)),
    };
  }
  if (m.config === undefined || !Array.isArray(m.layers)) {
    throw bad(what, `unsupported media type ${JSON.stringify(mt || 'none')}`);
  }
  if (m.layers.length > maxLayers) throw bad(what, 'too many layers');
  return {
    kind: 'manifest',
    mediaType: mt || mediaTypes.ociManifest,
    config: descriptor(m.config, what, 'config'),
    layers: m.layers.map((d, i) => descriptor(d, what, `layers[${i}]`)),
  };
}

/** Layer compression from its media type; unknown types are refused rather than guessed. */
export function layerCompression(mediaType: string): 'gzip' | 'zstd' | 'none' {
  switch (mediaType) {
    case mediaTypes.ociLayerGzip:
    case mediaTypes.dockerLayerGzip:
    case mediaTypes.dockerForeignLayer:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip':
      return 'gzip';
    case mediaTypes.ociLayerZstd:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd':
      return 'zstd';
    case mediaTypes.ociLayer:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar':
      return 'none';
    default:
      throw new EngineError('failed_precondition', `unsupported layer media type ${mediaType}`);
  }
}

/** Picks the manifest for a platform from an index; a clear error names what is offered. */
export function selectPlatform(index: ImageIndex, want: Platform, what: string): Descriptor {
  const images = index.manifests.filter((d) => d.mediaType === mediaTypes.ociManifest || d.mediaType === mediaTypes.dockerManifest);
  const candidates = images.filter((d) => d.platform && platformMatches(want, d.platform));
  // Prefer an exact variant match when the request left the variant open (e.g. arm v7 over v6).
  const exact = candidates.find((d) => d.platform!.variant === want.variant);
  const pick = exact ?? candidates[0];
  if (pick) return pick;
  const offered = images.map((d) => (d.platform ? formatPlatform(d.platform) : 'unknown')).join(', ') || 'none';
  throw new EngineError('not_found', `${what} has no image for ${formatPlatform(want)} (it offers: ${offered})`);
}
