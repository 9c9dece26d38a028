import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { EngineError, formatError, isEngineError } from '../define.js';
import type { ContainerSummary } from '../define.js';
import type { EventBus } from '../events.js';
import type { BuildOptions, BuildsApi, ContainersApi, RunOptions } from '../types.js';
import { matchSync, type SyncRule } from './sync-rules.js';

/**
 * The dev loop: watch a build context, rebuild on change (from cache), swap the running
 * container; or, for paths under a sync rule, copy the files straight into the running
 * container. Builds never overlap: a newer change cancels the build in flight.
 *
 * Lifecycle: new DevLoop(opts) → start() (first build + run, then watching) → pause()/resume()
 * /rebuild() any number of times → close() (stops watching; the container keeps running,
 * like every container dockui starts).
 */

export type DevPhase = 'starting' | 'watching' | 'debouncing' | 'building' | 'swapping' | 'syncing' | 'failed' | 'paused' | 'closed';

export interface RebuildRecord {
  readonly trigger: 'start' | 'change' | 'forced';
  readonly kind: 'rebuild' | 'sync' | 'unchanged';
  readonly paths: readonly string[];
  readonly ok: boolean;
  readonly error?: string;
  /** From the first change event to the start of the build or sync. */
  readonly debounceMs: number;
  /** The build; for a sync, the copy into the container (its restart, if any, is swapMs). */
  readonly buildMs: number;
  readonly steps: number;
  readonly cachedSteps: number;
  readonly swapMs: number;
  /** From the first change event (or the forced start) to the new container running. */
  readonly totalMs: number;
  readonly at: number;
}

/** One cycle, from its first change event (t0) on: what every record of its outcome says. */
interface Cycle {
  readonly trigger: RebuildRecord['trigger'];
  readonly paths: readonly string[];
  readonly t0: number;
  readonly debounceMs: number;
}

/** How a cycle ended: what it did not do (build, steps, swap) is left out and counts 0. */
type Outcome = Pick<RebuildRecord, 'kind' | 'ok'> & Partial<Pick<RebuildRecord, 'error' | 'buildMs' | 'steps' | 'cachedSteps' | 'swapMs'>>;

export interface DevState {
  readonly dir: string;
  readonly image: string;
  readonly phase: DevPhase;
  readonly watchedFiles: number;
  readonly container?: ContainerSummary;
  readonly runningSince?: number;
  readonly lastError?: string;
  /** What the loop did with a container of its name it found at start (an earlier session's). */
  readonly notice?: string;
  readonly step?: { readonly index: number; readonly total: number; readonly instruction: string };
  readonly history: readonly RebuildRecord[];
  /** Builds started, cancelled ones included. */
  readonly buildsStarted: number;
}

export interface DevLoopOptions {
  readonly dir: string;
  readonly image: string; // "<dir-name>:dev"
  readonly dockerfile?: string;
  readonly target?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** The run settings every swap reuses. `image` is filled in by the loop. */
  readonly run: Omit<RunOptions, 'image'>;
  /** Adjusts the run settings for the image just built (e.g. publishes its EXPOSEd ports). */
  readonly prepareRun?: (image: string, run: Omit<RunOptions, 'image'>) => Promise<Omit<RunOptions, 'image'>>;
  readonly builds: BuildsApi;
  readonly containers: ContainersApi;
  readonly events?: EventBus;
  /** True for paths (relative to dir, posix) the context excludes: they are not watched at all. */
  readonly isIgnored: (rel: string) => boolean;
  readonly syncRules?: readonly SyncRule[];
  /** Quiet time after a change before building. */
  readonly debounceMs?: number;
  /** Quiet time once a burst has cancelled a build. */
  readonly burstDebounceMs?: number;
  readonly stopGraceSec?: number;
  readonly onBuildStep?: BuildOptions['onStep'];
  readonly onBuildOutput?: BuildOptions['onOutput'];
  /** How many rebuild records to keep. */
  readonly historySize?: number;
}

export class DevLoop {
  readonly #o: DevLoopOptions;
  #state: DevState;
  readonly #listeners = new Set<() => void>();
  #watcher: FSWatcher | undefined;
  #pending = new Set<string>();
  #firstChangeAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #inBurst = false;
  /** Cycles queued or running. */
  #cycles = 0;
  #lastCycleAt = -Infinity;
  #build: AbortController | undefined;
  #running: Promise<void> = Promise.resolve();
  #paused = false;
  #closed = false;
  #forced = false;
  #files = 0;

  constructor(opts: DevLoopOptions) {
    this.#o = opts;
    this.#state = { dir: opts.dir, image: opts.image, phase: 'starting', watchedFiles: 0, history: [], buildsStarted: 0 };
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  getSnapshot(): DevState {
    return this.#state;
  }

  #set(patch: Partial<DevState>): void {
    this.#state = { ...this.#state, ...patch };
    if (this.#o.events)
      this.#o.events.emit('watch.state', {
        dir: this.#o.dir,
        state:
          this.#state.phase === 'building' || this.#state.phase === 'syncing'
            ? 'building'
            : this.#state.phase === 'swapping'
              ? 'swapping'
              : this.#state.phase === 'failed'
                ? 'failed'
                : this.#state.phase === 'paused'
                  ? 'paused'
                  : 'watching',
        files: this.#state.watchedFiles,
      });
    for (const l of this.#listeners) l();
  }

  /** Records how a cycle ended; its total runs from the cycle's t0 to `end`. */
  #record(c: Cycle, o: Outcome, end = performance.now()): void {
    const r: RebuildRecord = {
      trigger: c.trigger,
      kind: o.kind,
      paths: c.paths,
      ok: o.ok,
      ...(o.error !== undefined ? { error: o.error } : {}),
      debounceMs: c.debounceMs,
      buildMs: o.buildMs ?? 0,
      steps: o.steps ?? 0,
      cachedSteps: o.cachedSteps ?? 0,
      swapMs: o.swapMs ?? 0,
      totalMs: end - c.t0,
      at: Date.now(),
    };
    const history = [r, ...this.#state.history].slice(0, this.#o.historySize ?? 20);
    this.#set({ history });
  }

  /** First build and run, then watch. Resolves once watching (even if the first build failed). */
  async start(): Promise<void> {
    const found = await this.#adopt();
    const ready = this.#startWatcher();
    this.#firstChangeAt = performance.now();
    await this.#cycle('start', []);
    if (found) {
      const now = this.#state.container;
      const name = found.name;
      this.#set({
        notice:
          now?.id === found.id
            ? `adopted ${name}, still running from an earlier session`
            : now
              ? `replaced ${name} (${found.state} from an earlier session) with a new container`
              : `removed ${name} left by an earlier session`,
      });
    }
    await ready;
  }

  /**
   * A container of the loop's name left by an earlier session (quitting leaves it running):
   * it becomes the loop's own, so the first build keeps it when its image is current and
   * swaps it out otherwise; without this every run would fail on the name.
   */
  async #adopt(): Promise<ContainerSummary | undefined> {
    const name = this.#o.run.name;
    if (!name) return undefined;
    await this.#o.containers.refresh();
    const found = this.#o.containers.getSnapshot().find((c) => c.name === name);
    if (!found) return undefined;
    const image = this.#o.image;
    if (found.image !== image && !found.image.endsWith(`/${image}`))
      throw new EngineError(
        'conflict',
        `the container name ${name} is taken by a container of ${found.image}, not of ${image}: remove it (dockui rm -f ${name}) or pass --name`,
      );
    this.#set({ container: found, ...(found.state === 'running' && found.startedAt ? { runningSince: Date.parse(found.startedAt) } : {}) });
    return found;
  }

  #startWatcher(): Promise<void> {
    const dir = this.#o.dir;
    const ignored = (path: string): boolean => {
      const rel = relative(dir, path).split(sep).join('/');
      if (rel === '' || rel.startsWith('..')) return false;
      return this.#o.isIgnored(rel);
    };
    const w = watch(dir, { ignored, ignoreInitial: true, atomic: true, persistent: true });
    this.#watcher = w;
    w.on('all', (_event, path) => {
      if (typeof path === 'string') this.#onChange(relative(dir, path).split(sep).join('/'));
    });
    w.on('error', (e) => this.#set({ lastError: `watch: ${formatError(e)}` }));
    return new Promise((resolve) =>
      w.on('ready', () => {
        const watched = w.getWatched();
        let n = 0;
        for (const entries of Object.values(watched)) n += entries.length;
        this.#files = n;
        this.#set({ watchedFiles: n });
        resolve();
      }),
    );
  }

  #onChange(rel: string): void {
    if (this.#closed) return;
    if (this.#pending.size === 0 && !this.#timer) this.#firstChangeAt = performance.now();
    this.#pending.add(rel);
    if (this.#paused) return;
    // A change while a cycle runs (or right after one began): a burst of saves is on. Cancel
    // the build in flight and wait longer for quiet, so a burst costs at most two builds.
    if (this.#build) this.#build.abort();
    if (this.#cycles > 0 || performance.now() - this.#lastCycleAt < 1000) this.#inBurst = true;
    this.#arm();
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    const wait = this.#inBurst ? (this.#o.burstDebounceMs ?? 250) : (this.#o.debounceMs ?? 40);
    if (this.#state.phase === 'watching' || this.#state.phase === 'failed') this.#set({ phase: 'debouncing' });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#inBurst = false;
      this.#lastCycleAt = performance.now();
      const paths = [...this.#pending];
      this.#pending.clear();
      const trigger = this.#forced ? 'forced' : 'change';
      this.#forced = false;
      // Serialize: a cycle starts only after the previous one ended.
      this.#cycles++;
      this.#running = this.#running
        .then(() => this.#cycle(trigger, paths))
        .catch((e: unknown) => this.#set({ phase: 'failed', lastError: formatError(e) }))
        .finally(() => {
          this.#cycles--;
        });
    }, wait);
  }

  pause(): void {
    this.#paused = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#set({ phase: 'paused' });
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#set({ phase: 'watching' });
    if (this.#pending.size > 0) this.#arm();
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Rebuild now, whatever changed (the TUI's `b`). */
  rebuild(): void {
    if (this.#closed) return;
    this.#forced = true;
    this.#firstChangeAt = performance.now();
    this.#pending.add('');
    if (this.#build) this.#build.abort();
    this.#arm();
  }

  async #cycle(trigger: RebuildRecord['trigger'], paths: readonly string[]): Promise<void> {
    if (this.#closed) return;
    const t0 = this.#firstChangeAt || performance.now();
    const cycle: Cycle = { trigger, paths, t0, debounceMs: performance.now() - t0 };
    const rules = this.#o.syncRules ?? [];
    const current = this.#state.container;
    // Sync when every changed path falls under a rule and a container is running to receive it.
    const syncs = paths.map((p) => ({ p, m: p === '' ? undefined : matchSync(rules, p) }));
    if (trigger === 'change' && current && current.state === 'running' && syncs.length > 0 && syncs.every((s) => s.m)) {
      await this.#sync(
        current,
        syncs.map((s) => ({ rel: s.p, dest: s.m!.dest, restart: s.m!.rule.restart })),
        cycle,
      );
      return;
    }
    await this.#rebuildAndSwap(cycle);
  }

  /** A change whose every path (cycle.paths) falls under a sync rule: `items` says where each goes. */
  async #sync(c: ContainerSummary, items: readonly { rel: string; dest: string; restart: boolean }[], cycle: Cycle): Promise<void> {
    this.#set({ phase: 'syncing' });
    const tCopy = performance.now();
    try {
      const { containers } = this.#o;
      await containers.syncFiles(
        c.id,
        items.map((i) => {
          const hostPath = join(this.#o.dir, i.rel);
          return existsSync(hostPath) ? { hostPath, ctrPath: i.dest } : { ctrPath: i.dest };
        }),
      );
      const tSwap = performance.now();
      if (items.some((i) => i.restart)) await this.#o.containers.restart(c.id, { timeoutSec: this.#o.stopGraceSec ?? 1 });
      const now = performance.now();
      this.#record(cycle, { kind: 'sync', ok: true, buildMs: tSwap - tCopy, swapMs: now - tSwap }, now);
      this.#set({ phase: 'watching', lastError: undefined });
    } catch (e) {
      this.#record(cycle, { kind: 'sync', ok: false, error: formatError(e) });
      this.#set({ phase: 'failed', lastError: `sync: ${formatError(e)}` });
    } finally {
      this.#firstChangeAt = 0;
    }
  }

  async #rebuildAndSwap(cycle: Cycle): Promise<void> {
    const ac = new AbortController();
    this.#build = ac;
    this.#set({ phase: 'building', step: undefined, buildsStarted: this.#state.buildsStarted + 1 });
    const tBuild = performance.now();
    let result;
    try {
      result = await this.#o.builds.build({
        context: this.#o.dir,
        ...(this.#o.dockerfile ? { dockerfile: this.#o.dockerfile } : {}),
        ...(this.#o.target ? { target: this.#o.target } : {}),
        ...(this.#o.buildArgs ? { buildArgs: this.#o.buildArgs } : {}),
        tags: [this.#o.image],
        signal: ac.signal,
        onStep: (e) => {
          this.#set({ step: { index: e.index, total: e.total, instruction: e.instruction } });
          this.#o.onBuildStep?.(e);
        },
        ...(this.#o.onBuildOutput ? { onOutput: this.#o.onBuildOutput } : {}),
      });
    } catch (e) {
      this.#build = undefined;
      if (ac.signal.aborted || (isEngineError(e) && e.code === 'canceled')) {
        // A newer change cancelled this build; the next cycle is already armed.
        this.#set({ phase: 'debouncing' });
        return;
      }
      const msg = formatError(e);
      this.#record(cycle, { kind: 'rebuild', ok: false, error: msg, buildMs: performance.now() - tBuild });
      // The old container keeps running; the next good save recovers.
      this.#set({ phase: 'failed', lastError: msg, step: undefined });
      this.#firstChangeAt = 0;
      return;
    }
    this.#build = undefined;
    const buildMs = performance.now() - tBuild;
    const old = this.#state.container;
    if (old && old.imageId === result.imageId && old.state === 'running') {
      this.#record(cycle, { kind: 'unchanged', ok: true, buildMs, steps: result.steps, cachedSteps: result.cachedSteps });
      this.#set({ phase: 'watching', lastError: undefined, step: undefined });
      this.#firstChangeAt = 0;
      return;
    }
    this.#set({ phase: 'swapping' });
    const tSwap = performance.now();
    try {
      if (old) {
        // Ports and the name move to the new container, so the old one goes first.
        // Its anonymous volumes (an image VOLUME) go with it, as with --rm: else every save would leave one.
        await this.#o.containers.remove(old.id, { force: true, volumes: true }).catch(async (e: unknown) => {
          if (isEngineError(e) && e.code === 'not_found') return;
          throw e;
        });
      }
      const run = this.#o.prepareRun ? await this.#o.prepareRun(this.#o.image, this.#o.run) : this.#o.run;
      const c = await this.#o.containers.run({ ...run, image: this.#o.image });
      const now = performance.now();
      this.#record(
        cycle,
        { kind: 'rebuild', ok: true, buildMs, steps: result.steps, cachedSteps: result.cachedSteps, swapMs: now - tSwap },
        now,
      );
      this.#set({
        phase: this.#paused ? 'paused' : 'watching',
        container: c,
        runningSince: Date.now(),
        lastError: undefined,
        step: undefined,
      });
    } catch (e) {
      const msg = formatError(e);
      this.#record(cycle, {
        kind: 'rebuild',
        ok: false,
        error: msg,
        buildMs,
        steps: result.steps,
        cachedSteps: result.cachedSteps,
        swapMs: performance.now() - tSwap,
      });
      this.#set({ phase: 'failed', lastError: `run: ${msg}`, container: undefined, step: undefined });
    } finally {
      this.#firstChangeAt = 0;
    }
  }

  /** The number of files watched (after .dockerignore). */
  get watchedFiles(): number {
    return this.#files;
  }

  /** Resolves when no build or sync is queued or running (for tests and scripts). */
  async idle(): Promise<void> {
    for (;;) {
      const p = this.#running;
      await p;
      if (p === this.#running && !this.#timer) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#build?.abort();
    await this.#watcher?.close();
    await this.#running.catch(() => undefined);
    this.#set({ phase: 'closed' });
  }
}

export function devImageName(dir: string): string {
  const base = dir.split('/').filter(Boolean).pop() ?? 'app';
  const name =
    base
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+|[._-]+$/g, '') || 'app';
  return `${name}:dev`;
}

export function assertDir(dir: string, isDir: boolean): void {
  if (!isDir) throw new EngineError('invalid_argument', `not a directory: ${dir}`);
}
