// The Build pane's engine side: the latest build (steps, bounded output, outcome), the watch
// state of the dev loop, and the last builds with their timings. It listens to the event bus,
// so builds started elsewhere (the dev-loop watcher) show up as well as those started with `b`.
import { formatError, isEngineError, type BuildStepEvent, type EngineEvents } from '../engine/define.js';
import type { BuildOptions, Engine } from '../engine/types.js';
import type { BuildOutputLine, BuildState, RebuildRecord } from '../views/view-models.js';
import { RingBuffer } from './ring-buffer.js';

export const idleBuild: BuildState = {
  phase: 'idle',
  buildId: undefined,
  context: undefined,
  steps: [],
  output: [],
  error: undefined,
  durationMs: undefined,
  imageId: undefined,
  watch: undefined,
  history: [],
};

const historySize = 10;

export class BuildStore {
  readonly #engine: Engine;
  readonly #listeners = new Set<() => void>();
  readonly #output: RingBuffer<BuildOutputLine>;
  readonly #flushMs: number;
  #state: BuildState = idleBuild;
  #steps: BuildStepEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #abort: AbortController | undefined;
  /** The build started here: its events come through our callbacks, so the bus copies are skipped. */
  #ownBuildId: string | undefined;
  #ownActive = false;

  constructor(engine: Engine, opts: { outputLines?: number; flushMs?: number } = {}) {
    this.#engine = engine;
    this.#output = new RingBuffer(opts.outputLines ?? 2000);
    this.#flushMs = opts.flushMs ?? 50;
  }

  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };

  getSnapshot = (): BuildState => this.#state;

  /** Attaches to the engine's bus; returns the detach function. */
  attach(): () => void {
    const offs = [
      this.#engine.events.on('build.step', (e) => {
        if (!this.#isOwn(e.buildId)) this.#onStep(e);
      }),
      this.#engine.events.on('build.output', (e) => {
        if (!this.#isOwn(e.buildId)) this.#onOutput({ index: e.index, stream: e.stream, line: e.line });
      }),
      this.#engine.events.on('build.finished', (e) => {
        if (!this.#isOwn(e.buildId)) this.#onFinished(e);
      }),
      this.#engine.events.on('watch.state', (e) => {
        this.#state = { ...this.#state, watch: { state: e.state, files: e.files } };
        this.#emit(true);
      }),
    ];
    return () => {
      for (const off of offs) off();
      this.#abort?.abort();
      if (this.#timer) clearTimeout(this.#timer);
    };
  }

  #isOwn(buildId: string): boolean {
    return this.#ownActive && (this.#ownBuildId === undefined || this.#ownBuildId === buildId);
  }

  #begin(buildId: string | undefined, context: string | undefined): void {
    this.#steps = [];
    this.#output.clear();
    this.#state = {
      ...this.#state,
      phase: 'building',
      buildId,
      context: context ?? this.#state.context,
      steps: [],
      output: [],
      error: undefined,
      durationMs: undefined,
      imageId: undefined,
    };
    this.#emit(true);
  }

  #onStep(e: BuildStepEvent): void {
    if (this.#state.phase !== 'building' || (this.#state.buildId !== undefined && this.#state.buildId !== e.buildId))
      this.#begin(e.buildId, undefined);
    if (this.#state.buildId === undefined) this.#state = { ...this.#state, buildId: e.buildId };
    this.#steps[e.index] = e;
    this.#emit(false);
  }

  #onOutput(o: BuildOutputLine): void {
    this.#output.push(o);
    this.#emit(false);
  }

  #onFinished(e: EngineEvents['build.finished']): void {
    // A build that ended before any step (a Dockerfile that does not parse) must not show the
    // steps of the build before it.
    if (this.#state.buildId !== undefined && this.#state.buildId !== e.buildId && !this.#isOwn(e.buildId))
      this.#begin(e.buildId, undefined);
    const steps = this.#steps.filter(Boolean);
    const record: RebuildRecord = {
      buildId: e.buildId,
      ok: e.ok,
      durationMs: e.durationMs,
      steps: steps.length,
      cachedSteps: steps.filter((s) => s.status === 'cached').length,
      ...(e.error !== undefined ? { error: e.error } : {}),
    };
    const failed = steps.find((s) => s.status === 'failed');
    this.#state = {
      ...this.#state,
      phase: e.ok ? 'done' : 'failed',
      durationMs: e.durationMs,
      imageId: e.imageId,
      error: e.ok ? undefined : { message: e.error ?? failed?.error ?? 'build failed', range: failed?.range },
      history: [record, ...this.#state.history].slice(0, historySize),
    };
    this.#emit(true);
  }

  /** Builds with `b`. Resolves when it ends; the outcome is in the state (and returned). */
  async build(opts: Omit<BuildOptions, 'signal' | 'onStep' | 'onOutput'>): Promise<BuildState> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.#ownActive = true;
    this.#ownBuildId = undefined;
    const started = Date.now();
    this.#begin(undefined, opts.context);
    try {
      const r = await this.#engine.builds.build({
        ...opts,
        signal: abort.signal,
        onStep: (e) => {
          if (abort.signal.aborted) return;
          this.#ownBuildId ??= e.buildId;
          this.#onStep(e);
        },
        onOutput: (index, stream, line) => {
          if (!abort.signal.aborted) this.#onOutput({ index, stream, line });
        },
      });
      if (this.#abort === abort) this.#onFinished({ buildId: r.buildId, ok: true, imageId: r.imageId, durationMs: r.durationMs });
    } catch (e) {
      if (this.#abort === abort) {
        this.#onFinished({
          buildId: this.#ownBuildId ?? `local-${started}`,
          ok: false,
          error: isEngineError(e) ? e.message : formatError(e),
          durationMs: Date.now() - started,
        });
        // A Dockerfile error carries its range even when no step ran (a parse error).
        if (isEngineError(e) && e.range) this.#state = { ...this.#state, error: { message: e.message, range: e.range } };
        this.#emit(true);
      }
    } finally {
      if (this.#abort === abort) {
        this.#abort = undefined;
        this.#ownActive = false;
      }
    }
    return this.#state;
  }

  cancel(): void {
    this.#abort?.abort();
  }

  /** Immediate for state changes, batched for the flood of steps and output lines. */
  #emit(now: boolean): void {
    const publish = () => {
      this.#timer = undefined;
      this.#state = { ...this.#state, steps: this.#steps.filter(Boolean), output: this.#output.toArray() };
      for (const l of this.#listeners) l();
    };
    if (now) {
      if (this.#timer) clearTimeout(this.#timer);
      publish();
    } else this.#timer ??= setTimeout(publish, this.#flushMs);
  }
}
