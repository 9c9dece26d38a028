// The small nouns of the facade: volumes, registry logins and the store's maintenance
// (check, df, gc, prune). Each loads its module on use.
import { join } from 'node:path';
import { EngineError } from '../define.js';
import type { EnginePaths } from '../paths.js';
import type { GcOptions, GcReport } from '../store/index.js';
import type { Leftover, LeftoverFinder, RepairedLeftover } from '../types.js';
import type {
  DockerEvent,
  CheckOptions,
  ManifestInspectReport,
  RegistryEngine,
  SearchOptions,
  SearchReport,
  SystemCheckReport,
  SystemEngine,
  SystemPruneReport,
  TagListReport,
  VolumeEngine,
  VolumeReport,
} from './api.js';
import type { EngineCore } from './core.js';
import type { SystemDfReport } from './df-report.js';
import { HostSampler, type HostReport } from './host.js';

/** A finder whose module loads on use (only `system check` and `prune` pay for it). */
function lazyFinder(
  name: string,
  load: () => Promise<{
    find(paths: EnginePaths): Promise<Leftover[]>;
    remove(paths: EnginePaths, found: readonly Leftover[]): Promise<RepairedLeftover[]>;
  }>,
): LeftoverFinder {
  return {
    name,
    find: async (paths) => (await load()).find(paths),
    remove: async (paths, found) => (await load()).remove(paths, found),
  };
}

// ==== LEFTOVER FINDERS: where each subsystem's finder plugs in ===========================
// Run in this order by check --repair and prune: the runtime's first (it stops orphan
// processes and detaches container mounts and netns), then the build's, then the store's
// (its temp dirs may hold mounts the others detach). Each reports only what no live process
// owns; see LeftoverFinder in types.ts.
export const leftoverFinders: LeftoverFinder[] = [
  lazyFinder('runtime', async () => {
    const m = await import('../runtime/leftovers.js');
    type Found = Awaited<ReturnType<typeof m.findRuntimeLeftovers>>[number];
    const toLeftover = (l: Found, runRoot: string): Leftover => {
      const kind = l.kind === 'slirp4netns' || l.kind === 'conmon' ? 'process' : l.kind === 'runc' || l.kind === 'exec' ? 'tmp' : l.kind;
      return { kind, path: l.path ?? (l.kind === 'runc' ? join(runRoot, 'runc', l.id) : undefined), pid: l.pid, detail: l.what };
    };
    const key = (l: Leftover) => `${l.kind} ${l.path ?? ''} ${l.pid ?? ''}`;
    return {
      find: async (paths: EnginePaths) =>
        (await m.findRuntimeLeftovers(paths.root, paths.runRoot)).map((l) => toLeftover(l, paths.runRoot)),
      remove: async (paths: EnginePaths, found: readonly Leftover[]): Promise<RepairedLeftover[]> => {
        const wanted = new Set(found.map(key));
        const now = (await m.findRuntimeLeftovers(paths.root, paths.runRoot)).filter((l) => wanted.has(key(toLeftover(l, paths.runRoot))));
        const gone = new Set(
          (await m.removeRuntimeLeftovers(paths.root, paths.runRoot, now)).map((l) => key(toLeftover(l, paths.runRoot))),
        );
        return found.map((f) =>
          gone.has(key(f)) ? { ...f, removed: true } : { ...f, removed: false, error: 'in use by a live dockui, or gone already' },
        );
      },
    };
  }),
  lazyFinder('build', async () => {
    const { existsSync } = await import('node:fs');
    const m = await import('../build/leftovers.js');
    // Only a killed RUN step's container and bundle: scratch dirs under ROOT/tmp are the store's finder's.
    const runs = (paths: EnginePaths) => m.findBuildLeftovers(paths).filter((l) => l.kind === 'run');
    return {
      find: async (paths: EnginePaths): Promise<Leftover[]> =>
        runs(paths).map((l) => ({
          kind: 'tmp',
          path: l.path,
          detail: `RUN step ${l.id ?? ''} of a killed build (bundle, overlay, runc state)`,
        })),
      remove: async (paths: EnginePaths, found: readonly Leftover[]): Promise<RepairedLeftover[]> => {
        const wanted = new Set(found.map((f) => f.path));
        await m.removeBuildLeftovers(
          paths,
          runs(paths).filter((l) => wanted.has(l.path)),
        );
        return found.map((f) =>
          f.path !== undefined && existsSync(f.path) ? { ...f, removed: false, error: 'still mounted' } : { ...f, removed: true },
        );
      },
    };
  }),
  lazyFinder('store', async () => {
    const m = await import('../store/leftovers.js');
    return { find: m.findStoreLeftovers, remove: m.removeStoreLeftovers };
  }),
];
// ==========================================================================================

/** Runs every finder (and with `repair` its removal); one leftover once, even if two finders see it. */
async function leftovers(paths: EnginePaths, repair: boolean): Promise<RepairedLeftover[]> {
  const seen = new Set<string>();
  const out: RepairedLeftover[] = [];
  for (const f of leftoverFinders) {
    const found = (await f.find(paths)).filter((l) => {
      const key = `${l.kind} ${l.path ?? ''} ${l.pid ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (found.length === 0) continue;
    out.push(...(repair ? await f.remove(paths, found) : found.map((l) => ({ ...l, removed: false }))));
  }
  return out;
}

export class VolumeEngineImpl implements VolumeEngine {
  constructor(readonly core: EngineCore) {}

  async #volumes() {
    const { Volumes } = await import('../runtime/volumes.js');
    this.core.secure(false);
    return new Volumes(this.core.paths);
  }

  async list(): Promise<VolumeReport[]> {
    return (await this.#volumes()).list();
  }

  async create(name: string): Promise<{ volume: VolumeReport; created: boolean }> {
    this.core.secure();
    const r = await (await this.#volumes()).create(name);
    return { volume: r.info, created: r.created };
  }

  async remove(name: string): Promise<void> {
    const [vols, { RecordStore }] = await Promise.all([this.#volumes(), import('../runtime/records.js')]);
    const recs = await new RecordStore(this.core.paths).list();
    const users = recs.filter((r) => r.mounts.some((m) => m.type === 'volume' && m.source === name)).map((r) => r.name);
    await vols.remove(name, users);
  }

  async size(name: string): Promise<number> {
    return (await this.#volumes()).size(name);
  }

  async inspect(name: string): Promise<VolumeReport> {
    const v = (await this.list()).find((x) => x.name === name);
    if (!v) throw new EngineError('not_found', `no such volume: ${name}`);
    return v;
  }
}

export class RegistryEngineImpl implements RegistryEngine {
  constructor(readonly core: EngineCore) {}

  async login(
    domain: string,
    creds: { username: string; password: string },
    opts: { signal?: AbortSignal } = {},
  ): Promise<{ storedIn: string }> {
    const [{ RegistryClient, forgetClients }, { storeCredentials }] = await Promise.all([
      import('../registry/client.js'),
      import('../registry/credentials.js'),
    ]);
    await new RegistryClient(domain, { credentials: creds, insecure: this.core.insecure }).login(opts.signal);
    const storedIn = await storeCredentials(domain, creds);
    forgetClients(domain);
    return { storedIn };
  }

  async inspectManifest(
    ref: string,
    opts: { verbose?: boolean; insecure?: boolean; signal?: AbortSignal } = {},
  ): Promise<ManifestInspectReport> {
    const { inspectManifest } = await import('./manifest.js');
    // --insecure: plain HTTP to this reference's registry too (loopback always may).
    const domain = opts.insecure ? ref.split('/')[0] : undefined;
    return inspectManifest(ref, {
      insecure: domain && /[.:]|^localhost$/.test(domain) && ref.includes('/') ? [...this.core.insecure, domain] : this.core.insecure,
      ...(opts.verbose ? { verbose: true } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  async search(term: string, opts: SearchOptions = {}): Promise<SearchReport> {
    const { search } = await import('./search.js');
    return search(term, { ...opts, insecure: this.core.insecure });
  }

  async listTags(name: string, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<TagListReport> {
    const { tags } = await import('./search.js');
    return tags(name, { ...opts, insecure: this.core.insecure });
  }

  async logout(domain: string): Promise<{ found: boolean }> {
    const [{ forgetClients }, { eraseCredentials }] = await Promise.all([
      import('../registry/client.js'),
      import('../registry/credentials.js'),
    ]);
    const found = await eraseCredentials(domain);
    forgetClients(domain);
    return { found };
  }
}

export class SystemEngineImpl implements SystemEngine {
  #host: HostSampler | undefined;
  constructor(readonly core: EngineCore) {}

  async host(): Promise<HostReport> {
    this.#host ??= new HostSampler();
    return this.#host.sample();
  }

  async *events(opts: { sinceMs?: number; untilMs?: number; follow?: boolean; signal?: AbortSignal } = {}): AsyncGenerator<DockerEvent> {
    const { readEvents } = await import('../event-log.js');
    yield* readEvents(this.core.paths, opts);
  }

  async check(opts: CheckOptions = {}): Promise<SystemCheckReport> {
    const store = await this.core.store();
    // Leftovers first: a repair detaches mounts the store's check would otherwise walk into.
    const found = await leftovers(this.core.paths, opts.repair ?? false);
    const { RecordStore } = await import('../runtime/records.js');
    const containerIndex = await new RecordStore(this.core.paths).checkIndex(opts.repair ?? false);
    const r = await store.check({
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return { ...r, leftovers: found, repaired: opts.repair ?? false, containerIndex };
  }

  async df(): Promise<SystemDfReport> {
    const [store, { RecordStore }, { Volumes }, { filesSize }] = await Promise.all([
      this.core.store(),
      import('../runtime/records.js'),
      import('../runtime/volumes.js'),
      import('../fsutil/files-size.js'),
    ]);
    const [d, recs, vols] = await Promise.all([store.df(), new RecordStore(this.core.paths).list(), new Volumes(this.core.paths).list()]);
    const containers = { count: recs.length, active: 0, size: 0, reclaimable: 0, items: [] as { id: string; size: number }[] };
    for (const r of recs) {
      const size = await filesSize(join(this.core.paths.root, 'containers', r.id, 'upper'));
      const active = r.state === 'running' || r.state === 'paused';
      containers.items.push({ id: r.id, size });
      containers.size += size;
      if (active) containers.active++;
      else containers.reclaimable += size;
    }
    const users = new Map<string, number>();
    for (const r of recs)
      for (const name of new Set(r.mounts.filter((m) => m.type === 'volume').map((m) => m.source)))
        users.set(name, (users.get(name) ?? 0) + 1);
    const volumes = {
      count: vols.length,
      active: 0,
      size: 0,
      reclaimable: 0,
      items: [] as { name: string; size: number; refCount: number }[],
    };
    const v = new Volumes(this.core.paths);
    for (const vol of vols) {
      const size = await v.size(vol.name).catch(() => 0); // removed meanwhile
      const refCount = users.get(vol.name) ?? 0;
      volumes.items.push({ name: vol.name, size, refCount });
      volumes.size += size;
      if (refCount > 0) volumes.active++;
      else volumes.reclaimable += size;
    }
    return { ...d, containers, volumes };
  }

  async gc(opts?: GcOptions): Promise<GcReport> {
    return (await this.core.store()).gc(opts);
  }

  async prune(opts: { all?: boolean; signal?: AbortSignal } = {}): Promise<SystemPruneReport> {
    const store = await this.core.store();
    let cacheEntriesRemoved = 0;
    if (opts.all) {
      // The build cache is only a cache: its entries go first so gc can free their layers.
      // (on use: every command loads this module, few need these.)
      const { readdir, rm } = await import('../util/fsa.js');
      const dir = join(this.core.paths.root, 'build-cache', 'entries');
      for (const n of await readdir(dir).catch(() => [] as string[]))
        if (n.endsWith('.json')) {
          await rm(join(dir, n), { force: true });
          cacheEntriesRemoved++;
        }
    }
    // A killed process's mounts and temp dirs go first: gc must not delete through a mount.
    const left = await leftovers(this.core.paths, true);
    const r = await store.gc({
      dangling: true,
      unused: opts.all ?? false,
      partials: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { ...r, cacheEntriesRemoved, leftoversRemoved: left.filter((l) => l.removed).length };
  }
}
