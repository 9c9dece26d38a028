// FROM and what `--from=` / `from=` name: scratch, an earlier stage, an image in the store
// (pulled when missing), or an image for another platform.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, isEngineError, type SourceRange } from '../define.js';
import { findStage, type Stage } from '../dockerfile/index.js';
import { stepKey, type BuildState } from './cache.js';
import type { Executor, StepResult } from './executor.js';
import { cloneConfig, emptyImageConfig, type Descriptor, type OciImageConfig } from './image-config.js';

export async function fromStep(ex: Executor, stage: Stage): Promise<StepResult> {
  const expanded = ex.global.expandFrom(stage.from);
  // build --platform: the platform of every FROM that names none.
  const from = expanded.platform || !ex.opts.platform ? expanded : { ...expanded, platform: ex.opts.platform };
  const ref = from.image;
  if (ref.toLowerCase() === 'scratch') {
    const config = emptyImageConfig();
    if (from.platform) {
      // FROM --platform=P scratch: an image for P (BuildKit sets the config's platform).
      const { parsePlatform } = await import('../registry/platform.js');
      const p = parsePlatform(from.platform);
      config.os = p.os;
      config.architecture = p.architecture;
      if (p.variant) config.variant = p.variant;
    }
    return {
      state: {
        key: stepKey('', from.platform ? ['scratch', config.os, config.architecture, config.variant ?? ''] : ['scratch']),
        config,
        layers: [],
      },
      cached: true,
    };
  }
  const dep = findStage(ex.df, ref, stage.index);
  if (dep) {
    const r = ex.results.get(dep.index);
    if (!r) throw new EngineError('internal', `stage ${ref} has not been built`);
    const config = cloneConfig(r.state.config);
    const base = r.base === undefined ? {} : { base: r.base };
    return { state: { key: stepKey(r.state.key, ['from-stage']), config, layers: r.state.layers, ...base }, cached: true };
  }
  if (from.platform !== undefined && from.platform !== '') return fromPlatform(ex, ref, from.platform, from.range);
  let pulled = false;
  let resolved;
  if (ex.opts.pull && ex.deps.pull) {
    // --pull: the registry's image for the tag, whatever the store has (an error when it cannot be had).
    await ex.deps.pull(ref, ex.signal);
    const r = await ex.store.resolveImage(ref);
    return { state: await imageState(ex, r.id, r.record.manifestDigest), cached: false };
  }
  try {
    resolved = await ex.store.resolveImage(ref);
  } catch (e) {
    if (!(isEngineError(e) && e.code === 'not_found')) throw e;
    if (!ex.deps.pull) throw new EngineError('not_found', `base image ${ref} is not in the store`, { range: from.range });
    await ex.deps.pull(ref, ex.signal);
    resolved = await ex.store.resolveImage(ref);
    pulled = true;
  }
  return { state: await imageState(ex, resolved.id, resolved.record.manifestDigest), cached: !pulled };
}

/**
 * FROM --platform=P IMAGE. The tag's record serves when it is for P; otherwise the image for
 * P is kept under name@<its manifest digest> (see BuilderDeps.pullPlatform), and which digest
 * a tag stood for is remembered in ROOT/build-cache/platforms.json — so a rebuild, like a
 * plain FROM, needs no registry while the image is in the store.
 */
export async function fromPlatform(ex: Executor, ref: string, platformText: string, range: SourceRange): Promise<StepResult> {
  const { formatPlatform, hostPlatform, parsePlatform, platformMatches } = await import('../registry/platform.js');
  const { parseReference } = await import('../util/reference.js');
  const want = parsePlatform(platformText);
  const platform = formatPlatform(want);
  const parsed = parseReference(ref);
  const matches = (p: string | undefined) => p !== undefined && platformMatches(want, parsePlatform(p));
  if (ex.opts.pull && ex.deps.pull && platformMatches(want, hostPlatform())) {
    await ex.deps.pull(ref, ex.signal);
    const r = await ex.store.resolveImage(ref);
    if (matches(r.record.platform)) return { state: await imageState(ex, r.id, r.record.manifestDigest), cached: false };
  }
  try {
    const r = await ex.store.resolveImage(ref);
    // A record without a platform (a local build, a load): its config says what it is for.
    let have = r.record.platform;
    if (have === undefined) {
      const cfg = JSON.parse((await ex.store.readBlob(r.id)).toString('utf8')) as Partial<OciImageConfig>;
      if (cfg.os && cfg.architecture)
        have = formatPlatform({ os: cfg.os, architecture: cfg.architecture, ...(cfg.variant ? { variant: cfg.variant } : {}) });
    }
    if (matches(have)) return { state: await imageState(ex, r.id, r.record.manifestDigest), cached: true };
  } catch (e) {
    if (!(isEngineError(e) && e.code === 'not_found')) throw e;
    // Not in the store and the host's platform asked for: pulled under its tag like any FROM.
    if (ex.deps.pull && platformMatches(want, hostPlatform())) {
      await ex.deps.pull(ref, ex.signal);
      const r = await ex.store.resolveImage(ref);
      if (matches(r.record.platform)) return { state: await imageState(ex, r.id, r.record.manifestDigest), cached: false };
    }
  }
  const mapFile = join(ex.deps.root, 'build-cache', 'platforms.json');
  let map: Record<string, string> = {};
  try {
    map = JSON.parse(readFileSync(mapFile, 'utf8')) as Record<string, string>;
  } catch {
    /* none yet */
  }
  const mapKey = `${parsed.toString()} ${platform}`;
  const known = ex.opts.pull ? undefined : map[mapKey];
  if (known !== undefined) {
    try {
      const r = await ex.store.resolveImage(`${parsed.name}@${known}`);
      return { state: await imageState(ex, r.id, r.record.manifestDigest), cached: true };
    } catch (e) {
      if (!(isEngineError(e) && e.code === 'not_found')) throw e;
    }
  }
  if (!ex.deps.pullPlatform) throw new EngineError('not_found', `base image ${ref} for ${platform} is not in the store`, { range });
  const pulled = await ex.deps.pullPlatform(ref, platform, ex.signal);
  const r = await ex.store.resolveImage(pulled.ref);
  map[mapKey] = r.record.manifestDigest;
  mkdirSync(join(ex.deps.root, 'build-cache'), { recursive: true });
  writeFileSync(`${mapFile}.${process.pid}.tmp`, JSON.stringify(map));
  renameSync(`${mapFile}.${process.pid}.tmp`, mapFile);
  return { state: await imageState(ex, r.id, r.record.manifestDigest), cached: false };
}

/** The state an image stands for: its config and its manifest's layers. */
export async function imageState(ex: Executor, id: string, manifestDigest: string): Promise<BuildState> {
  const config = JSON.parse((await ex.store.readBlob(id)).toString('utf8')) as OciImageConfig;
  const manifest = JSON.parse((await ex.store.readBlob(manifestDigest)).toString('utf8')) as { layers?: Descriptor[] };
  config.config ??= {};
  config.history ??= [];
  config.rootfs ??= { type: 'layers', diff_ids: [] };
  delete config.created;
  const layers = (manifest.layers ?? []).map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size }));
  return { key: stepKey('', ['image', id]), config, layers, base: id };
}

/** What `--from=NAME` stands for: an earlier stage's result, or an image (pulled when missing). */
export async function sourceState(ex: Executor, ref: string, stage: Stage): Promise<BuildState> {
  const dep = findStage(ex.df, ref, stage.index);
  if (dep) {
    const r = ex.results.get(dep.index);
    if (!r) throw new EngineError('internal', `stage ${ref} has not been built`);
    return r.state;
  }
  let resolved;
  try {
    resolved = await ex.store.resolveImage(ref);
  } catch (e) {
    if (!(isEngineError(e) && e.code === 'not_found') || !ex.deps.pull) throw e;
    await ex.deps.pull(ref, ex.signal);
    resolved = await ex.store.resolveImage(ref);
  }
  return imageState(ex, resolved.id, resolved.record.manifestDigest);
}
