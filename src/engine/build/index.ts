// The builder's public face: Dockerfile builds (BuildsApi), rootfs imports, and the pieces the
// dev loop reuses (.dockerignore matching, context walks).
import type { EventBus } from '../events.js';
import type { Store } from '../store/index.js';
import type { BuildsApi } from '../types.js';
import { createBuilder, type RunInRootfs } from './builder.js';

export { build, createBuilder } from './builder.js';
export type { BuilderDeps, RunInRootfs, RunRequest } from './builder.js';
export type { ImportOptions, ImportResult } from './import.js';
import type { importRootfs as ImportFn } from './import.js';

/** `dockui import`: see import.ts. Loaded on use, so builds do not pay for it. */
export async function importRootfs(...args: Parameters<typeof ImportFn>): ReturnType<typeof ImportFn> {
  const m = await import('./import.js');
  return m.importRootfs(...args);
}
export { findBuildLeftovers, removeBuildLeftovers } from './leftovers.js';
export type { BuildLeftover, BuildLeftoverPaths } from './leftovers.js';
export { IgnoreMatcher, readIgnoreFile } from './dockerignore.js';
export { loadContext, walkContext } from './context.js';
export type { BuildContext, ContextEntry } from './context.js';

export interface OpenBuilderOptions {
  readonly root: string;
  /** The runtime's run root (RUN bundles, runc state), for cleaning dead builds' leftovers. */
  readonly runRoot?: string;
  readonly store: Store;
  readonly events?: EventBus;
  /** Registries reached over plain HTTP besides loopback (--insecure-registry). */
  readonly insecureRegistries?: readonly string[];
  /** The runtime's runner for RUN steps. */
  readonly runInRootfs?: RunInRootfs;
}

/** The builder wired to the store and to pulls of missing FROM images. */
export function openBuilder(o: OpenBuilderOptions): BuildsApi {
  return createBuilder({
    root: o.root,
    ...(o.runRoot !== undefined ? { runRoot: o.runRoot } : {}),
    store: o.store,
    ...(o.events ? { events: o.events } : {}),
    ...(o.runInRootfs ? { runInRootfs: o.runInRootfs } : {}),
    pull: async (ref, signal) => {
      // Loaded on first use: most builds find their base image in the store.
      const { pullImage } = await import('../images/pull.js');
      const r = await pullImage(o.store, ref, {
        ...(signal ? { signal } : {}),
        ...(o.insecureRegistries ? { insecure: o.insecureRegistries } : {}),
      });
      return r.id;
    },
    pullPlatform: async (ref, platform, signal) => {
      // The platform's own manifest is pulled by digest (name@sha256:…), so that its record
      // never takes the place of the host platform's under the tag.
      const [{ pullImage }, { clientFor }, { selectPlatform }, { parsePlatform }, { parseReference }] = await Promise.all([
        import('../images/pull.js'),
        import('../registry/client.js'),
        import('../registry/manifest.js'),
        import('../registry/platform.js'),
        import('../util/reference.js'),
      ]);
      const parsed = parseReference(ref);
      const client = clientFor(parsed.domain, { ...(o.insecureRegistries ? { insecure: o.insecureRegistries } : {}) });
      const top = await client.getManifest(parsed, parsed.digest ?? parsed.tag ?? 'latest', { ...(signal ? { signal } : {}) });
      const digest =
        top.manifest.kind === 'manifest' ? top.digest : selectPlatform(top.manifest, parsePlatform(platform), parsed.familiar()).digest;
      const byDigest = `${parsed.name}@${digest}`;
      const r = await pullImage(o.store, byDigest, {
        platform,
        ...(signal ? { signal } : {}),
        ...(o.insecureRegistries ? { insecure: o.insecureRegistries } : {}),
      });
      return { ref: byDigest, id: r.id };
    },
  });
}
