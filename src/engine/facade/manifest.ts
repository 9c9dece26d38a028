// `docker manifest inspect`: what a registry holds under a name, fetched (never pulled): the
// manifest or index as its bytes, its descriptor, and with `verbose` each platform manifest of an
// index and the platform of a single manifest (from its config). The CLI prints Docker's JSON.
import { EngineError } from '../define.js';
import { clientFor } from '../registry/client.js';
import { configLimit } from '../registry/manifest.js';
import type { Platform } from '../registry/platform.js';
import { parseReference } from '../util/reference.js';
import type { ManifestInspectReport, ManifestReport } from './api.js';

function platformOf(config: Buffer): ManifestReport['platform'] {
  try {
    const c = JSON.parse(config.toString('utf8')) as { architecture?: unknown; os?: unknown; variant?: unknown };
    if (typeof c.architecture !== 'string' || typeof c.os !== 'string') return undefined;
    return { architecture: c.architecture, os: c.os, ...(typeof c.variant === 'string' ? { variant: c.variant } : {}) };
  } catch {
    return undefined;
  }
}

/** An index entry's platform as the report gives it: nothing when the index names none. */
function platformField(p: Platform | undefined): { platform?: ManifestReport['platform'] } {
  return p ? { platform: { architecture: p.architecture, os: p.os, ...(p.variant ? { variant: p.variant } : {}) } } : {};
}

export async function inspectManifest(
  input: string,
  opts: { insecure: readonly string[]; verbose?: boolean; signal?: AbortSignal },
): Promise<ManifestInspectReport> {
  let ref;
  try {
    ref = parseReference(input);
  } catch (e) {
    throw new EngineError('invalid_argument', (e as Error).message, { exitCode: 1 });
  }
  const name = ref.digest
    ? ref.tag
      ? `${ref.name}:${ref.tag}@${ref.digest}`
      : `${ref.name}@${ref.digest}`
    : `${ref.name}:${ref.tag ?? 'latest'}`;
  const client = clientFor(ref.domain, { insecure: opts.insecure });
  let top;
  try {
    top = await client.getManifest(ref, ref.digest ?? ref.tag ?? 'latest', { signal: opts.signal });
  } catch (e) {
    if ((e as EngineError).code === 'not_found') throw new EngineError('not_found', `no such manifest: ${name}`, { exitCode: 1 });
    throw e;
  }
  const { manifest } = top;
  if (manifest.kind === 'manifest') {
    const platform = opts.verbose
      ? platformOf(await client.getSmallBlob(ref, manifest.config.digest, configLimit, opts.signal))
      : undefined;
    return {
      kind: 'manifest',
      ref: name,
      mediaType: top.mediaType,
      digest: top.digest,
      size: top.bytes.length,
      raw: top.bytes,
      ...(platform ? { platform } : {}),
    };
  }
  const entries: ManifestReport[] = [];
  if (opts.verbose)
    for (const d of manifest.manifests) {
      const m = await client.getManifest(ref, d.digest, { signal: opts.signal });
      entries.push({
        kind: 'manifest',
        ref: `${ref.name}${ref.tag ? `:${ref.tag}` : ''}@${d.digest}`,
        mediaType: d.mediaType,
        digest: d.digest,
        size: d.size,
        raw: m.bytes,
        ...platformField(d.platform),
      });
    }
  return {
    kind: 'index',
    ref: name,
    mediaType: top.mediaType,
    digest: top.digest,
    size: top.bytes.length,
    raw: top.bytes,
    manifests: manifest.manifests.map((d) => ({
      mediaType: d.mediaType,
      size: d.size,
      digest: d.digest,
      ...platformField(d.platform),
    })),
    entries,
  };
}
