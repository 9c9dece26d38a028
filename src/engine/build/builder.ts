// Dockerfile → image: the build's driver. The stages the target needs (plan.ts) run in order;
// each step goes to its kind's executor (executor.ts dispatches to from-step, copy-step,
// run-step, workdir-step; runs of metadata steps fold in meta.ts). Every step gets a cache key
// chained from its parent's; a hit reuses the stored state (config + layers) and is reported
// CACHED. The tags move only after every step succeeded.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, formatError, isEngineError, throwIfAborted, type BuildStepEvent } from '../define.js';
import { GlobalScope, parseDockerfile, parseInstruction, type Instruction, type StageScope } from '../dockerfile/index.js';
import type { EventBus } from '../events.js';
import type { Store } from '../store/index.js';
import type { BuildOptions, BuildResult, BuildsApi } from '../types.js';
import { BuildCache, stepKey, type BuildState } from './cache.js';
import { ContentHasher } from './content-hash.js';
import { loadContext } from './context.js';
import { Executor, type StageResult } from './executor.js';
import { fromStep } from './from-step.js';
import { cloneConfig } from './image-config.js';
import { isMeta } from './meta.js';
import { neededStages, pickTarget } from './plan.js';
import { writeImage, tempName } from './publish.js';
import { trace } from './trace.js';

/** What a RUN step asks of the runtime: one process in a rootfs made of these layers. */
export interface RunRequest {
  /** Overlay lower dirs, top first. */
  readonly lowerDirs: readonly string[];
  readonly upperDir: string;
  readonly workDir: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly user?: string;
  readonly cwd: string;
  readonly network: 'default' | 'none' | 'host';
  /** --add-host: lines for /etc/hosts. */
  readonly hosts?: readonly { readonly host: string; readonly ip: string }[];
  /** Extra bind mounts (RUN --mount=type=cache|bind|tmpfs). */
  readonly mounts: readonly {
    readonly type: 'bind' | 'tmpfs';
    readonly source?: string;
    readonly target: string;
    readonly readonly: boolean;
  }[];
  readonly signal?: AbortSignal;
  readonly onOutput: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** The runtime's one-off process runner; resolves with the exit code. */
export type RunInRootfs = (req: RunRequest) => Promise<{ exitCode: number }>;

export interface BuilderDeps {
  readonly root: string;
  /** The runtime's run root, where a RUN's bundle and runc state live (for dead builds' leftovers). */
  readonly runRoot?: string;
  readonly store: Store;
  readonly events?: EventBus;
  /** The runtime seam for RUN; without it a Dockerfile with RUN fails with a clear message. */
  readonly runInRootfs?: RunInRootfs;
  /** Pulls a FROM image missing from the store; returns its image id. */
  readonly pull?: (ref: string, signal?: AbortSignal) => Promise<string>;
  /**
   * Pulls `ref` for `platform` ("os/arch[/variant]") under a name@digest record of its own
   * (never over the tag's host-platform record); returns that reference and the image id.
   */
  readonly pullPlatform?: (ref: string, platform: string, signal?: AbortSignal) => Promise<{ ref: string; id: string }>;
}

export function createBuilder(deps: BuilderDeps): BuildsApi {
  return { build: (opts) => build(deps, opts) };
}

export async function build(deps: BuilderDeps, opts: BuildOptions): Promise<BuildResult> {
  const t0 = Date.now();
  const buildId = randomBytes(6).toString('hex');
  const signal = opts.signal;
  let index = 0;
  let total = 0;
  let cachedSteps = 0;
  const emitStep = (e: Omit<BuildStepEvent, 'buildId' | 'total'>) => {
    const ev: BuildStepEvent = { buildId, total, ...e };
    opts.onStep?.(ev);
    deps.events?.emit('build.step', ev);
  };
  const scratch = join(deps.root, 'tmp', tempName('build'));
  const buildCacheDir = join(deps.root, 'build-cache');
  const cache = new BuildCache(buildCacheDir);
  let hasher: ContentHasher | undefined;
  let executor: Executor | undefined;
  await cleanLeftovers(deps);
  if (opts.platform !== undefined) {
    // A bad --platform fails before anything is done (one line, from parsePlatform).
    const { formatPlatform, parsePlatform } = await import('../registry/platform.js');
    opts = { ...opts, platform: formatPlatform(parsePlatform(opts.platform)) };
  }
  try {
    const ctx = loadContext({
      context: opts.context,
      ...(opts.dockerfile !== undefined ? { dockerfile: opts.dockerfile } : {}),
      ...(opts.dockerfileText !== undefined ? { dockerfile: '-', dockerfileText: opts.dockerfileText } : {}),
    });
    hasher = new ContentHasher(buildCacheDir, ctx.dir);
    trace('context and stat cache loaded');
    const df = parseDockerfile(ctx.dockerfileText, { file: ctx.dockerfileName });
    trace('Dockerfile parsed');
    const global = new GlobalScope(df, { buildArgs: opts.buildArgs ?? {} });
    const target = pickTarget(df, opts.target);
    const stages = neededStages(df, target, global);
    total = stages.reduce((n, s) => n + 1 + s.instructions.length, 0);
    mkdirSync(scratch, { recursive: true });

    const results = new Map<number, StageResult>();
    const exec = new Executor(deps, ctx, df, global, cache, hasher, scratch, results, opts, signal);
    executor = exec;
    exec.buildId = buildId;
    if (opts.cacheFrom && opts.cacheFrom.length > 0 && !opts.noCache) {
      const { loadCacheSources } = await import('./cache-from.js');
      exec.cacheSources = await loadCacheSources(deps.store, opts.cacheFrom, deps.pull, (m) => opts.onWarning?.(m), signal);
    }
    for (const stage of stages) {
      throwIfAborted(signal);
      const name = stage.name ?? `stage-${stage.index}`;
      let state: BuildState | undefined;
      let scope: StageScope | undefined;
      const run = async (ins: Instruction, fn: () => Promise<boolean>) => {
        const i = index++;
        const started = Date.now();
        emitStep({ index: i, stage: name, instruction: ins.text, range: ins.range, status: 'started' });
        exec.currentStep = i;
        try {
          const cached = await fn();
          if (cached) cachedSteps++;
          trace(`step ${i + 1} ${cached ? 'cached' : 'done'}: ${ins.text.slice(0, 40)}`);
          emitStep({
            index: i,
            stage: name,
            instruction: ins.text,
            range: ins.range,
            status: cached ? 'cached' : 'done',
            durationMs: Date.now() - started,
          });
        } catch (e) {
          const err =
            isEngineError(e) && e.range === undefined && !(e.code === 'canceled')
              ? new EngineError(e.code, e.message, { cause: e.cause, range: ins.range })
              : e;
          emitStep({
            index: i,
            stage: name,
            instruction: ins.text,
            range: ins.range,
            status: 'failed',
            durationMs: Date.now() - started,
            error: formatError(err),
          });
          throw err;
        }
      };
      let base: string | undefined;
      await run(stage.from, async () => {
        const r = await fromStep(exec, stage);
        state = r.state;
        base = r.state.base;
        scope = global.stage(state.config.config.Env ?? []);
        return r.cached;
      });
      const sc = scope!;
      // Consecutive metadata steps are folded into one run (meta.ts); every other step is its own.
      const steps = async (list: readonly Instruction[]) => {
        for (let i = 0; i < list.length; ) {
          throwIfAborted(signal);
          if (isMeta(list[i]!)) {
            let j = i + 1;
            while (j < list.length && isMeta(list[j]!)) j++;
            state = await exec.metaRun(state!, list.slice(i, j), sc, stage, run);
            i = j;
            continue;
          }
          const ins = list[i++]!;
          await run(ins, async () => {
            const r = await exec.step(state!, sc.apply(ins), sc, stage);
            state = r.state;
            return r.cached;
          });
        }
      };
      // ONBUILD triggers of the base image run first, as if written right after FROM.
      const triggers = state!.config.config.OnBuild ?? [];
      if (triggers.length > 0) {
        const cfg = cloneConfig(state!.config);
        cfg.config.OnBuild = null;
        state = { ...state!, key: stepKey(state!.key, ['onbuild-consumed']), config: cfg };
        const list = triggers.map((t) => parseInstruction(t, { file: `${ctx.dockerfileName} (ONBUILD of ${stage.from.image})` }));
        total += list.length;
        await steps(list);
      }
      await steps(stage.instructions);
      results.set(stage.index, { state: state!, ...(base === undefined ? {} : { base }) });
    }

    const final = results.get(target.index)!.state;
    const config = cloneConfig(final.config);
    if (opts.labels && Object.keys(opts.labels).length > 0) config.config.Labels = { ...(config.config.Labels ?? {}), ...opts.labels };
    const img = await writeImage(deps.store, config, final.layers, opts.tags ?? [], results.get(target.index)!.base);
    if (opts.output) {
      const { exportOutput } = await import('./output.js');
      await exportOutput(deps.store, final, scratch, opts.output);
    }
    // Paths gone from the context leave the stat cache, so it does not grow without end.
    hasher.save(ctx.walkedPaths());
    trace('image written');
    const result: BuildResult = { buildId, imageId: img.id, steps: index, cachedSteps, durationMs: Date.now() - t0 };
    deps.events?.emit('build.finished', { buildId, ok: true, imageId: img.id, durationMs: result.durationMs });
    return result;
  } catch (e) {
    hasher?.save();
    const err = signal?.aborted && !(isEngineError(e) && e.code === 'canceled') ? new EngineError('canceled', 'canceled', { cause: e }) : e;
    deps.events?.emit('build.finished', { buildId, ok: false, error: formatError(err), durationMs: Date.now() - t0 });
    throw err;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await executor?.releaseLease();
  }
}

/** What builds killed with SIGKILL left (leftovers.ts); a failure here never fails this build. */
async function cleanLeftovers(deps: BuilderDeps): Promise<void> {
  try {
    const { findBuildLeftovers, removeBuildLeftovers } = await import('./leftovers.js');
    const paths = { root: deps.root, ...(deps.runRoot !== undefined ? { runRoot: deps.runRoot } : {}) };
    const found = findBuildLeftovers(paths);
    if (found.length > 0) await removeBuildLeftovers(paths, found);
  } catch {
    /* the store's gc still removes dead builds' temp dirs */
  }
}
