// `compose watch` (and `up --watch`): each service's develop.watch rules over its running
// container. sync writes the changed files straight into the container's root filesystem (no
// tar or shell needed in the image); rebuild re-reads the model, builds (a build several
// services share once) and swaps only those services; restart / sync+restart restart after.
// At start, files changed since the service's image was built are synced first (a change made
// while watch was off reaches the container). A change to a compose file or an env file
// re-reads the model and applies it (`up`: only what changed is recreated).
import { lstat, readdir } from '../util/fsa.js';
import { join, posix, relative, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';
import { IgnoreMatcher } from '../build/dockerignore.js';
import { watchChanges } from '../watch/fs-changes.js';
import { EngineError, formatError } from '../define.js';
import type { ComposeEvent } from './ops.js';
import type { ComposeProject } from './project.js';
import { L, serviceImage } from './run-options.js';
import type { WatchRule } from './types.js';

export interface WatchEvent {
  readonly service: string; // '' for the project (reload, errors)
  readonly action: 'sync' | 'initial sync' | 'rebuild' | 'restart' | 'reload' | 'error';
  readonly files: number;
  /** From the first change seen to the action done. */
  readonly ms: number;
  readonly message?: string;
}

export interface ComposeWatchOptions {
  /** Re-reads the files (a broken file throws its one line). */
  readonly reload: () => ComposeProject;
  readonly services?: readonly string[];
  readonly onWatch?: (e: WatchEvent) => void;
  readonly onEvent?: (e: ComposeEvent) => void;
  readonly onBuildOutput?: (service: string, line: string) => void;
  /** Quiet time before acting on changes (default 10 ms). */
  readonly debounceMs?: number;
}

interface Bound {
  readonly service: string;
  readonly rule: WatchRule;
  readonly ignore: IgnoreMatcher | undefined;
}

interface Change {
  readonly b: Bound;
  readonly abs: string;
}

const isUnder = (dir: string, abs: string): string | undefined => {
  const rel = relative(dir, abs);
  if (rel === '') return '';
  if (rel === '..' || rel.startsWith('..' + sep) || rel.startsWith(sep)) return undefined;
  return rel.split(sep).join('/');
};

export class ComposeWatch {
  #p: ComposeProject;
  #rules: Bound[] = [];
  #w: FSWatcher | undefined;
  #pending = new Map<string, Change>();
  #reload = false;
  #firstAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    project: ComposeProject,
    readonly opts: ComposeWatchOptions,
  ) {
    this.#p = project;
    this.#bind();
  }

  #bind(): void {
    const want = this.opts.services?.length ? new Set(this.opts.services) : undefined;
    this.#rules = Object.entries(this.#p.model.services)
      .filter(([svc]) => !want || want.has(svc))
      .flatMap(([service, s]) =>
        (s.develop?.watch ?? []).map((rule) => ({
          service,
          rule,
          ignore: rule.ignore?.length ? new IgnoreMatcher(rule.ignore, `${service}: develop.watch ignore`) : undefined,
        })),
      );
    if (!this.#rules.length) throw new EngineError('invalid_argument', 'none of the selected services has develop.watch rules');
  }

  get project(): ComposeProject {
    return this.#p;
  }

  /** The initial sync, then watching; resolves once the watcher is ready. */
  async start(): Promise<void> {
    await this.#initialSync();
    await this.#watch();
  }

  #sources(): string[] {
    return [...this.#p.project.files, ...this.#p.project.envFiles];
  }

  async #watch(): Promise<void> {
    await this.#w?.close();
    const paths = [...new Set([...this.#rules.map((b) => b.rule.path), ...this.#sources()])];
    this.#w = await watchChanges(
      paths,
      {},
      (abs) => this.#onFs(abs),
      (e) => this.#emit({ service: '', action: 'error', files: 0, ms: 0, message: `watch: ${formatError(e)}` }),
    );
  }

  /** The first rule of each service that takes this path (and does not ignore it). */
  #match(abs: string): Bound[] {
    const seen = new Set<string>();
    const out: Bound[] = [];
    for (const b of this.#rules) {
      if (seen.has(b.service)) continue;
      const rel = isUnder(b.rule.path, abs);
      if (rel === undefined || (rel !== '' && b.ignore?.matches(rel))) continue;
      seen.add(b.service);
      out.push(b);
    }
    return out;
  }

  #onFs(abs: string): void {
    if (this.#closed) return;
    if (!this.#pending.size && !this.#reload && !this.#timer) this.#firstAt = performance.now();
    if (this.#sources().includes(abs)) this.#reload = true;
    for (const b of this.#match(abs)) this.#pending.set(`${b.service}\0${abs}`, { b, abs });
    if (!this.#pending.size && !this.#reload) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const batch = [...this.#pending.values()];
      const reload = this.#reload;
      const t0 = this.#firstAt;
      this.#pending.clear();
      this.#reload = false;
      this.#chain = this.#chain
        .then(() => this.#apply(batch, reload, t0))
        .catch((e: unknown) => this.#emit({ service: '', action: 'error', files: 0, ms: 0, message: formatError(e) }));
    }, this.opts.debounceMs ?? 10);
  }

  #emit(e: WatchEvent): void {
    this.opts.onWatch?.(e);
  }

  /** Re-reads the model; a broken file leaves the old one in force (and says why). */
  #reread(t0: number): boolean {
    try {
      this.#p = this.opts.reload();
      this.#bind();
      return true;
    } catch (e) {
      this.#emit({ service: '', action: 'error', files: 0, ms: performance.now() - t0, message: formatError(e) });
      return false;
    }
  }

  async #apply(batch: readonly Change[], reload: boolean, t0: number): Promise<void> {
    if (this.#closed) return;
    if (reload && this.#reread(t0)) {
      await this.#watch();
      await this.#p.up({ ...(this.opts.services ? { services: this.opts.services } : {}), ...this.#hooks() });
      this.#emit({ service: '', action: 'reload', files: 0, ms: performance.now() - t0 });
    }
    const bySvc = new Map<string, Change[]>();
    for (const c of batch) bySvc.set(c.b.service, [...(bySvc.get(c.b.service) ?? []), c]);
    const rebuild = [...bySvc].filter(([, cs]) => cs.some((c) => c.b.rule.action === 'rebuild')).map(([s]) => s);
    await Promise.all([...bySvc].filter(([svc]) => !rebuild.includes(svc)).map(([svc, cs]) => this.#sync(svc, cs, t0, 'sync')));
    if (rebuild.length) await this.#rebuild(rebuild, t0);
  }

  #hooks() {
    return {
      ...(this.opts.onEvent ? { onEvent: this.opts.onEvent } : {}),
      ...(this.opts.onBuildOutput ? { onBuildOutput: this.opts.onBuildOutput } : {}),
    };
  }

  async #running(svc: string) {
    return (await this.#p.containers({ all: false, services: [svc] })).filter(
      (c) => c.labels[L.oneoff] !== 'True' && c.state === 'running',
    );
  }

  async #sync(svc: string, cs: readonly Change[], t0: number, action: 'sync' | 'initial sync'): Promise<void> {
    const entries: { hostPath?: string; ctrPath: string }[] = [];
    let restart = false;
    for (const { b, abs } of cs) {
      if (b.rule.action === 'restart' || b.rule.action === 'sync+restart') restart = true;
      if (b.rule.action === 'restart') continue;
      const rel = isUnder(b.rule.path, abs)!;
      const exists = await lstat(abs).then(
        () => true,
        () => false,
      );
      entries.push({ ...(exists ? { hostPath: abs } : {}), ctrPath: rel === '' ? b.rule.target! : posix.join(b.rule.target!, rel) });
    }
    // Parents before children (a new directory, then its files).
    entries.sort((a, b) => a.ctrPath.length - b.ctrPath.length);
    for (const c of await this.#running(svc)) {
      if (entries.length) await this.#p.ops.containers.syncFiles(c.id, entries);
      if (restart) await this.#p.ops.containers.restart(c.id);
    }
    this.#emit({
      service: svc,
      action: restart && !entries.length ? 'restart' : action,
      files: entries.length,
      ms: performance.now() - t0,
    });
  }

  async #rebuild(services: readonly string[], t0: number): Promise<void> {
    // The model as the files say now (a compose or env_file change since is not lost).
    if (!this.#reread(t0)) return;
    const svcs = services.filter((s) => this.#p.model.services[s]?.build);
    const ids = await this.#p.buildServices(svcs, this.#hooks());
    const existing = await this.#p.containers();
    for (const svc of svcs) await this.#p.upService(svc, ids.get(svc)!, existing, { noDeps: true }, this.opts.onEvent ?? (() => undefined));
    // "Rebuilt and swapped" only where a container was replaced: one save can reach the watcher
    // as two changes (a truncate, then the write), and the second build, from cache, gives the
    // same image, which up keeps running.
    const idsOf = (svc: string, cs: typeof existing) =>
      cs
        .filter((c) => c.labels[L.service] === svc)
        .map((c) => c.id)
        .sort()
        .join(' ');
    const now = await this.#p.containers();
    for (const svc of svcs)
      if (idsOf(svc, now) !== idsOf(svc, existing)) this.#emit({ service: svc, action: 'rebuild', files: 0, ms: performance.now() - t0 });
  }

  /** Files under each sync rule changed since the service's image was built, into its running container. */
  async #initialSync(): Promise<void> {
    const t0 = performance.now();
    const bySvc = new Map<string, Change[]>();
    for (const b of this.#rules) {
      if (!b.rule.action.startsWith('sync') || b.rule.initial_sync === false) continue;
      let built: number;
      try {
        built = Date.parse(String((await this.#p.ops.images.inspectJson(serviceImage(this.#p.model, b.service))).Created));
      } catch {
        continue; // no image yet: the first build takes the files
      }
      const changed: string[] = [];
      await walkNewer(b.rule.path, '', b.ignore, built, changed);
      for (const abs of changed)
        if (this.#match(abs).some((x) => x.rule === b.rule)) bySvc.set(b.service, [...(bySvc.get(b.service) ?? []), { b, abs }]);
    }
    for (const [svc, cs] of bySvc) await this.#sync(svc, cs, t0, 'initial sync');
  }

  /** Resolves when no change is waiting or being applied (for tests). */
  async idle(): Promise<void> {
    for (;;) {
      const c = this.#chain;
      await c;
      if (c === this.#chain && !this.#timer) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#w?.close();
    await this.#chain;
  }
}

/** Paths under dir (itself included when a file) modified after `since` (ms), skipping ignored ones. */
async function walkNewer(dir: string, rel: string, ignore: IgnoreMatcher | undefined, since: number, out: string[]): Promise<void> {
  const abs = rel ? join(dir, rel) : dir;
  const st = await lstat(abs).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) {
    if (st.mtimeMs > since) out.push(abs);
    return;
  }
  if (rel && st.mtimeMs > since) out.push(abs);
  for (const name of await readdir(abs)) {
    const r = rel ? `${rel}/${name}` : name;
    if (ignore?.matches(r)) continue;
    await walkNewer(dir, r, ignore, since, out);
  }
}
