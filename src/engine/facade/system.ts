// The small nouns of the facade: volumes, registry logins and the store's maintenance
// (check, df, gc, prune). Each loads its module on use.
import { join } from 'node:path';
import { EngineError } from '../define.js';
import type { CheckReport, DfReport, GcOptions, GcReport } from '../store/index.js';
import type { CheckOptions, RegistryEngine, SystemEngine, SystemPruneReport, VolumeEngine, VolumeReport } from './api.js';
import type { EngineCore } from './core.js';

export class VolumeEngineImpl implements VolumeEngine {
  constructor(readonly core: EngineCore) {}

  async #volumes() {
    const { Volumes } = await import('../runtime/volumes.js');
    this.core.secure();
    return new Volumes(this.core.paths);
  }

  async list(): Promise<VolumeReport[]> {
    return (await this.#volumes()).list();
  }

  async create(name: string): Promise<{ volume: VolumeReport; created: boolean }> {
    const r = await (await this.#volumes()).create(name);
    return { volume: r.info, created: r.created };
  }

  async remove(name: string): Promise<void> {
    const [vols, { RecordStore }] = await Promise.all([this.#volumes(), import('../runtime/records.js')]);
    const recs = await new RecordStore(this.core.paths).list();
    const users = recs.filter((r) => r.mounts.some((m) => m.type === 'volume' && m.source === name)).map((r) => r.name);
    await vols.remove(name, users);
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
  constructor(readonly core: EngineCore) {}

  async check(opts?: CheckOptions): Promise<CheckReport> {
    return (await this.core.store()).check(opts);
  }

  async df(): Promise<DfReport> {
    return (await this.core.store()).df();
  }

  async gc(opts?: GcOptions): Promise<GcReport> {
    return (await this.core.store()).gc(opts);
  }

  async prune(opts: { all?: boolean; signal?: AbortSignal } = {}): Promise<SystemPruneReport> {
    const store = await this.core.store();
    let cacheEntriesRemoved = 0;
    if (opts.all) {
      // The build cache is only a cache: its entries go first so gc can free their layers.
      // (node:fs/promises on use: every command loads this module, few need that one.)
      const { readdir, rm } = await import('node:fs/promises');
      const dir = join(this.core.paths.root, 'build-cache', 'entries');
      for (const n of await readdir(dir).catch(() => [] as string[]))
        if (n.endsWith('.json')) {
          await rm(join(dir, n), { force: true });
          cacheEntriesRemoved++;
        }
    }
    const r = await store.gc({
      dangling: true,
      unused: opts.all ?? false,
      partials: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { ...r, cacheEntriesRemoved };
  }
}
