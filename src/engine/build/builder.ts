// The executor: Dockerfile → image. Stages run in order (only those the target needs), one
// executor per instruction kind. Every step gets a cache key chained from its parent's; a hit
// reuses the stored state (config + layers) and is reported CACHED. Layers come from an upper
// dir — a RUN's overlay upper, or a fresh dir COPY fills — written as a gzip blob and then
// adopted by the store as is. The tags move only after every step succeeded.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  rmdirSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, posix } from 'node:path';
import { EngineError, formatError, isEngineError, throwIfAborted, type BuildStepEvent, type SourceRange } from '../define.js';
import {
  findStage,
  GlobalScope,
  isProxyArg,
  parseDockerfile,
  parseInstruction,
  type AddInstruction,
  type CopyInstruction,
  type Dockerfile,
  type Instruction,
  type RunInstruction,
  type Stage,
  type StageScope,
} from '../dockerfile/index.js';
import type { EventBus } from '../events.js';
import type { Store } from '../store/index.js';
import type { BuildOptions, BuildResult, BuildsApi } from '../types.js';
import { BuildCache, stateOf, stepKey, type BuildState } from './cache.js';
import { parseChmod, type Chmod } from './chmod.js';
import { ContentHasher, sha256Hex } from './content-hash.js';
import { loadContext, type BuildContext, type ContextEntry } from './context.js';
import { copyInto, dirTree, selectSources, writeDataFile, type Selection, type SourceTree } from './copy.js';
import { cloneConfig, defaultPath, emptyImageConfig, mediaTypes, type Descriptor, type OciImageConfig } from './image-config.js';
import { applyMeta, isMeta, type MetaInstruction } from './meta.js';
import { mountStubs, removeStubs, snapshotContextSource, snapshotTree, sourceInRoot } from './mounts.js';
import { publishBlobFile, tempName, tempPath, writeImage } from './publish.js';
import { commandArgv, createdBy, resolveDest, resolveWorkdir, touch } from './steps.js';

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

/** Where a finished stage stands, for COPY --from and FROM <stage>. */
interface StageResult {
  readonly state: BuildState;
}

const lastLines = 6;

/** DOCKUI_BUILD_TRACE=1 prints where a step's time goes (stderr), for tuning. */
const tracing = process.env.DOCKUI_BUILD_TRACE === '1';
let traceT = Math.round(performance.timeOrigin);
function trace(what: string): void {
  if (!tracing) return;
  const now = Date.now();
  process.stderr.write(`[build-trace] +${now - traceT}ms ${what}\n`);
  traceT = now;
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
      await run(stage.from, async () => {
        const r = await exec.from(stage);
        state = r.state;
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
      results.set(stage.index, { state: state! });
    }

    const final = results.get(target.index)!.state;
    const config = cloneConfig(final.config);
    if (opts.labels && Object.keys(opts.labels).length > 0) config.config.Labels = { ...(config.config.Labels ?? {}), ...opts.labels };
    const img = await writeImage(deps.store, config, final.layers, opts.tags ?? []);
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

function pickTarget(df: Dockerfile, target: string | undefined): Stage {
  if (target === undefined) return df.stages[df.stages.length - 1]!;
  const s = findStage(df, target);
  if (!s) {
    const names = df.stages.map((x) => x.name).filter((n): n is string => n !== undefined);
    throw new EngineError('invalid_argument', `target stage "${target}" not found${names.length ? ` (stages: ${names.join(', ')})` : ''}`);
  }
  return s;
}

/** The stages the target depends on (FROM <stage>, COPY --from, RUN --mount from=), in file order. */
function neededStages(df: Dockerfile, target: Stage, global: GlobalScope): Stage[] {
  const need = new Set<number>();
  const visit = (s: Stage) => {
    if (need.has(s.index)) return;
    need.add(s.index);
    const refs: string[] = [global.expandFrom(s.from).image];
    for (const ins of s.instructions) {
      if (ins.kind === 'copy' && ins.from !== undefined) refs.push(ins.from);
      if (ins.kind === 'run') for (const m of ins.mounts) if (m.from !== undefined) refs.push(m.from);
    }
    for (const r of refs) {
      const dep = findStage(df, r.includes('$') ? r.replace(/\$\{?(\w+)\}?/g, (_, n: string) => global.lookup(n) ?? '') : r, s.index);
      if (dep) visit(dep);
    }
  };
  visit(target);
  return df.stages.filter((s) => need.has(s.index));
}

/**
 * ROOT/build-cache/copy-index/<key>.json: what the last build of one COPY (same parent, same
 * sources as written, same flags) produced — its result's cache key, its layers above the
 * parent, and one record per path ("type:mode:content-or-target:mtime:uid:gid"). A rebuild
 * after a small change writes only the difference as one more layer over those (a delta,
 * whiteouts included); a bigger change, or a chain grown to `maxDeltaChain` layers, writes a
 * full layer again, hardlinking the unchanged files out of the old ones.
 */
interface CopyIndex {
  readonly resultKey: string;
  readonly chain: readonly string[];
  readonly records: Record<string, string>;
}

const maxDeltaChain = 4;
/** A delta is worth it while it holds at most this share of the copy's entries. */
const maxDeltaShare = 0.25;

interface StepResult {
  readonly state: BuildState;
  readonly cached: boolean;
}

class Executor {
  currentStep = 0;
  buildId = '';
  readonly #layerCount = { n: 0 };
  constructor(
    readonly deps: BuilderDeps,
    readonly ctx: BuildContext,
    readonly df: Dockerfile,
    readonly global: GlobalScope,
    readonly cache: BuildCache,
    readonly hasher: ContentHasher,
    readonly scratch: string,
    readonly results: Map<number, StageResult>,
    readonly opts: BuildOptions,
    readonly signal: AbortSignal | undefined,
  ) {}

  get store(): Store {
    return this.deps.store;
  }

  #lease: Promise<{ release(): Promise<void> }> | undefined;
  /**
   * Taken at the first step that has to do work and held to the end: from then on the layers
   * this build reads (its base's, the cache's) and writes must survive a gc run elsewhere until
   * the image record names them. A build of cache hits writes nothing and needs none — what it
   * reads is named by images and cache entries throughout.
   */
  async lease(): Promise<void> {
    this.#lease ??= this.store.lease(this.signal);
    await this.#lease;
  }

  async releaseLease(): Promise<void> {
    const l = this.#lease;
    this.#lease = undefined;
    if (l) await (await l.catch(() => undefined))?.release();
  }

  /** A cache hit whose layers and blobs are all still in the store. */
  async lookup(key: string): Promise<BuildState | undefined> {
    if (this.opts.noCache) return undefined;
    const e = this.cache.get(key);
    if (!e) return undefined;
    for (const d of e.layers) if (!(await this.store.hasLayer(d))) return undefined;
    for (const b of e.blobs) if (!(await this.store.hasBlob(b))) return undefined;
    return stateOf(e);
  }

  async from(stage: Stage): Promise<StepResult> {
    const from = this.global.expandFrom(stage.from);
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
    const dep = findStage(this.df, ref, stage.index);
    if (dep) {
      const r = this.results.get(dep.index);
      if (!r) throw new EngineError('internal', `stage ${ref} has not been built`);
      const config = cloneConfig(r.state.config);
      return { state: { key: stepKey(r.state.key, ['from-stage']), config, layers: r.state.layers }, cached: true };
    }
    if (from.platform !== undefined && from.platform !== '') return this.fromPlatform(ref, from.platform, from.range);
    let pulled = false;
    let resolved;
    try {
      resolved = await this.store.resolveImage(ref);
    } catch (e) {
      if (!(isEngineError(e) && e.code === 'not_found')) throw e;
      if (!this.deps.pull) throw new EngineError('not_found', `base image ${ref} is not in the store`, { range: from.range });
      await this.deps.pull(ref, this.signal);
      resolved = await this.store.resolveImage(ref);
      pulled = true;
    }
    return { state: await this.imageState(resolved.id, resolved.record.manifestDigest), cached: !pulled };
  }

  /**
   * FROM --platform=P IMAGE. The tag's record serves when it is for P; otherwise the image for
   * P is kept under name@<its manifest digest> (see BuilderDeps.pullPlatform), and which digest
   * a tag stood for is remembered in ROOT/build-cache/platforms.json — so a rebuild, like a
   * plain FROM, needs no registry while the image is in the store.
   */
  async fromPlatform(ref: string, platformText: string, range: SourceRange): Promise<StepResult> {
    const { formatPlatform, hostPlatform, parsePlatform, platformMatches } = await import('../registry/platform.js');
    const { parseReference } = await import('../registry/reference.js');
    const want = parsePlatform(platformText);
    const platform = formatPlatform(want);
    const parsed = parseReference(ref);
    const matches = (p: string | undefined) => p !== undefined && platformMatches(want, parsePlatform(p));
    try {
      const r = await this.store.resolveImage(ref);
      // A record without a platform (a local build, a load): its config says what it is for.
      let have = r.record.platform;
      if (have === undefined) {
        const cfg = JSON.parse((await this.store.readBlob(r.id)).toString('utf8')) as Partial<OciImageConfig>;
        if (cfg.os && cfg.architecture)
          have = formatPlatform({ os: cfg.os, architecture: cfg.architecture, ...(cfg.variant ? { variant: cfg.variant } : {}) });
      }
      if (matches(have)) return { state: await this.imageState(r.id, r.record.manifestDigest), cached: true };
    } catch (e) {
      if (!(isEngineError(e) && e.code === 'not_found')) throw e;
      // Not in the store and the host's platform asked for: pulled under its tag like any FROM.
      if (this.deps.pull && platformMatches(want, hostPlatform())) {
        await this.deps.pull(ref, this.signal);
        const r = await this.store.resolveImage(ref);
        if (matches(r.record.platform)) return { state: await this.imageState(r.id, r.record.manifestDigest), cached: false };
      }
    }
    const mapFile = join(this.deps.root, 'build-cache', 'platforms.json');
    let map: Record<string, string> = {};
    try {
      map = JSON.parse(readFileSync(mapFile, 'utf8')) as Record<string, string>;
    } catch {
      /* none yet */
    }
    const mapKey = `${parsed.toString()} ${platform}`;
    const known = map[mapKey];
    if (known !== undefined) {
      try {
        const r = await this.store.resolveImage(`${parsed.name}@${known}`);
        return { state: await this.imageState(r.id, r.record.manifestDigest), cached: true };
      } catch (e) {
        if (!(isEngineError(e) && e.code === 'not_found')) throw e;
      }
    }
    if (!this.deps.pullPlatform) throw new EngineError('not_found', `base image ${ref} for ${platform} is not in the store`, { range });
    const pulled = await this.deps.pullPlatform(ref, platform, this.signal);
    const r = await this.store.resolveImage(pulled.ref);
    map[mapKey] = r.record.manifestDigest;
    mkdirSync(join(this.deps.root, 'build-cache'), { recursive: true });
    writeFileSync(`${mapFile}.${process.pid}.tmp`, JSON.stringify(map));
    renameSync(`${mapFile}.${process.pid}.tmp`, mapFile);
    return { state: await this.imageState(r.id, r.record.manifestDigest), cached: false };
  }

  /** The state an image stands for: its config and its manifest's layers. */
  async imageState(id: string, manifestDigest: string): Promise<BuildState> {
    const config = JSON.parse((await this.store.readBlob(id)).toString('utf8')) as OciImageConfig;
    const manifest = JSON.parse((await this.store.readBlob(manifestDigest)).toString('utf8')) as { layers?: Descriptor[] };
    config.config ??= {};
    config.history ??= [];
    config.rootfs ??= { type: 'layers', diff_ids: [] };
    delete config.created;
    const layers = (manifest.layers ?? []).map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size }));
    return { key: stepKey('', ['image', id]), config, layers };
  }

  async step(parent: BuildState, x: Instruction, scope: StageScope, stage: Stage): Promise<StepResult> {
    switch (x.kind) {
      case 'from':
        throw new EngineError('internal', 'FROM inside a stage');
      case 'run':
        return this.runStep(parent, x, scope, stage);
      case 'copy':
      case 'add':
        return this.copyStep(parent, x, stage);
      case 'workdir':
        return this.workdirStep(parent, x);
      case 'cmd':
      case 'entrypoint':
      case 'env':
      case 'arg':
      case 'label':
      case 'expose':
      case 'user':
      case 'volume':
      case 'stopsignal':
      case 'healthcheck':
      case 'shell':
      case 'onbuild':
      case 'maintainer':
        throw new EngineError('internal', `metadata step outside a run: ${x.kind}`);
    }
  }

  /**
   * A run of consecutive metadata steps (meta.ts): every step keyed in the chain, one lookup
   * and one cache record for the whole run, under its last key. A hit keeps the history times
   * (and so the image id) of the build that stored it.
   */
  async metaRun(
    parent: BuildState,
    list: readonly Instruction[],
    scope: StageScope,
    stage: Stage,
    run: (ins: Instruction, fn: () => Promise<boolean>) => Promise<void>,
  ): Promise<BuildState> {
    const xs: MetaInstruction[] = [];
    let key = parent.key;
    for (const ins of list) {
      let x: Instruction;
      try {
        x = scope.apply(ins);
      } catch {
        break; // reported below by that step itself, with its line
      }
      if (!isMeta(x)) break;
      key = stepKey(key, ['meta', withoutRange(x)]);
      xs.push(x);
    }
    let state = parent;
    const hit = xs.length > 0 ? await this.lookup(key) : undefined;
    if (hit) {
      for (let i = 0; i < xs.length; i++) await run(list[i]!, async () => true);
      state = hit;
    } else if (xs.length > 0) {
      const config = cloneConfig(parent.config);
      let env = false;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i]!;
        // A long run is all microtasks: let a signal's handler in now and then, so a cancel lands.
        if (i % 128 === 127) {
          await new Promise((r) => setImmediate(r));
          throwIfAborted(this.signal);
        }
        await run(list[i]!, async () => {
          applyMeta(config, x, stage);
          if (x.kind === 'env') env = true;
          return false;
        });
      }
      if (env) config.config.Env = scope.envList();
      state = { key, config, layers: parent.layers };
      this.cache.put(state);
    }
    const bad = list[xs.length];
    if (bad)
      await run(bad, async () => {
        scope.apply(bad);
        throw new EngineError('internal', `not a metadata step: ${bad.kind}`);
      });
    return state;
  }

  /**
   * WORKDIR sets the config's WorkingDir and, as BuildKit's `llb.Mkdir(wd, 0755, parents, user)`,
   * creates the directory when the image lacks it: missing parts mode 0755, owned by the
   * stage's USER (root when none), in a layer of their own. An existing one makes no layer.
   */
  async workdirStep(parent: BuildState, x: Extract<Instruction, { kind: 'workdir' }>): Promise<StepResult> {
    const key = stepKey(parent.key, ['workdir', withoutRange(x)]);
    const hit = await this.lookup(key);
    if (hit) return { state: hit, cached: true };
    const wd = resolveWorkdir(parent.config.config.WorkingDir, x.path);
    const user = parent.config.config.User;
    const next: BuildState = { ...parent, config: cloneConfig(parent.config) };
    next.config.config.WorkingDir = wd;
    if (wd === '/') {
      touch(next.config, `WORKDIR ${wd}`, true);
      const state: BuildState = { key, config: next.config, layers: parent.layers };
      this.cache.put(state);
      return { state, cached: false };
    }
    await this.lease();
    const upper = this.newDir('upper');
    const { resolveChown, withRootfs } = await import('./rootfs.js');
    await withRootfs(this.store, parent.config.rootfs.diff_ids, this.scratch, async (root) => {
      const missing = missingDirs(root, wd, x.range);
      if (missing.length === 0) return;
      const owner = user ? resolveChown(root, user) : { uid: 0, gid: 0 };
      // The existing parents go into the layer as they are (as any layer holds its parents).
      const first = missing[0]!;
      let cur = '';
      for (const part of posix.dirname(first).split('/').filter(Boolean)) {
        cur += `/${part}`;
        const st = lstatSync(join(root!, cur));
        mkdirSync(join(upper, cur));
        chmodSync(join(upper, cur), st.mode & 0o7777);
        lchownSync(join(upper, cur), st.uid, st.gid);
        utimesSync(join(upper, cur), st.atime, st.mtime);
      }
      for (const d of missing) {
        mkdirSync(join(upper, d));
        chmodSync(join(upper, d), 0o755);
        lchownSync(join(upper, d), owner.uid, owner.gid);
      }
    });
    // BuildKit's history names the resolved path.
    const state = await this.commitLayer(next, key, upper, `WORKDIR ${wd}`);
    return { state, cached: false };
  }

  /** What `--from=NAME` stands for: an earlier stage's result, or an image (pulled when missing). */
  async sourceState(ref: string, stage: Stage): Promise<BuildState> {
    const dep = findStage(this.df, ref, stage.index);
    if (dep) {
      const r = this.results.get(dep.index);
      if (!r) throw new EngineError('internal', `stage ${ref} has not been built`);
      return r.state;
    }
    let resolved;
    try {
      resolved = await this.store.resolveImage(ref);
    } catch (e) {
      if (!(isEngineError(e) && e.code === 'not_found') || !this.deps.pull) throw e;
      await this.deps.pull(ref, this.signal);
      resolved = await this.store.resolveImage(ref);
    }
    return this.imageState(resolved.id, resolved.record.manifestDigest);
  }

  // ---- COPY / ADD ------------------------------------------------------------------------

  async copyStep(parent: BuildState, x: CopyInstruction | AddInstruction, stage: Stage): Promise<StepResult> {
    const range = x.range;
    const dest = resolveDest(parent.config.config.WorkingDir, x.dest === '' ? '/' : x.dest);
    const urls = x.kind === 'add' ? x.sources.filter((s) => /^https?:\/\//i.test(s)) : [];
    const localSources = x.sources.filter((s) => !urls.includes(s));
    const fromRef = x.kind === 'copy' ? x.from : undefined;

    // Where the sources live, and the identity that goes into the key.
    let fromState: BuildState | undefined;
    let fromId: string;
    if (fromRef !== undefined) {
      fromState = await this.sourceState(fromRef, stage);
      fromId = fromState.key;
    } else fromId = 'context';

    // Context sources are keyed by their content; another stage's by that stage's key.
    let ctxSelections: Selection[] | undefined;
    const sourceKeys: unknown[] = [];
    if (fromState === undefined && localSources.length > 0) {
      ctxSelections = selectSources(this.ctx, localSources, { exclude: x.exclude, range, ...(this.signal ? { signal: this.signal } : {}) });
      for (const s of ctxSelections) sourceKeys.push([s.pattern, s.rel, this.hasher.digestOf(s.items, this.signal)]);
    } else sourceKeys.push(localSources);
    const downloads: { url: string; data: Buffer; mtime?: Date }[] = [];
    if (x.kind === 'copy' && x.parents) throw new EngineError('invalid_argument', 'COPY --parents is not supported', { range });
    if (x.kind === 'add' && x.checksum !== undefined && (urls.length !== 1 || localSources.length > 0))
      throw new EngineError('invalid_argument', 'ADD --checksum needs exactly one http(s) source', { range });
    for (const u of urls) downloads.push(await fetchUrl(u, range, this.signal));
    if (x.kind === 'add' && x.checksum !== undefined) {
      const want = x.checksum.replace(/^sha256:/, '');
      const got = sha256Hex(downloads[0]!.data);
      if (want !== got)
        throw new EngineError('failed_precondition', `ADD ${urls[0]}: checksum mismatch: expected sha256:${want}, got sha256:${got}`, {
          range,
        });
    }
    for (const d of downloads) sourceKeys.push([d.url, sha256Hex(d.data)]);

    const key = stepKey(parent.key, [
      x.kind,
      dest,
      fromId,
      sourceKeys,
      x.heredocs.map((h) => [h.name, h.data]),
      x.chown ?? null,
      x.chmod ?? null,
      x.exclude,
      x.kind === 'add' ? (x.unpack ?? null) : null,
      parent.config.config.WorkingDir ?? '',
    ]);
    trace('copy: sources selected and hashed');
    const hit = await this.lookup(key);
    if (hit) return { state: hit, cached: true };

    await this.lease();
    // The last build of this same COPY (same parent, sources, flags): the unchanged part is reused.
    const indexKey = stepKey(parent.key, ['copy-index', x.kind, dest, localSources, x.chown ?? null, x.chmod ?? null, x.exclude]);
    const incremental = ctxSelections !== undefined && x.heredocs.length === 0 && downloads.length === 0 && x.kind === 'copy';
    const previous = incremental ? await this.copyIndex(indexKey) : undefined;
    const records: Record<string, string> = {};
    const upper = this.newDir('upper');
    const parentDiffs = parent.config.rootfs.diff_ids;
    let delta: { base: BuildState; chain: readonly string[] } | undefined;
    // Loaded only when a COPY misses the cache (they pull in the native helper).
    const [{ resolveChown, withRootfs }, { S_IFCHR, sysx }] = await Promise.all([import('./rootfs.js'), import('../sysx.js')]);
    await withRootfs(this.store, parentDiffs, this.scratch, async (parentRoot) => {
      const chown = x.chown !== undefined ? resolveChown(parentRoot, x.chown) : undefined;
      const chmod = x.chmod !== undefined ? chmodOf(x.chmod, range) : undefined;
      const base = {
        parentRoot,
        ...(chown ? { chown } : {}),
        ...(chmod !== undefined ? { chmod } : {}),
        range,
        ...(this.signal ? { signal: this.signal } : {}),
      };
      if (ctxSelections) {
        const recordOf = (e: ContextEntry, o: { uid: number; gid: number }): string => {
          const what =
            e.type === 'file' ? this.hasher.fileHash(e) : e.type === 'symlink' ? readlinkSync(join(this.ctx.dir, e.rel), 'utf8') : '';
          const mode = e.type === 'symlink' ? 0o777 : chmod ? chmod(e.mode & 0o7777, e.type === 'dir') : e.mode;
          return `${e.type}:${mode}:${what}:${e.mtimeNs}:${o.uid}:${o.gid}`;
        };
        const copyOpts = { ...base, dest, keepOwners: false, extractArchives: x.kind === 'add' && x.unpack !== false };
        await copyInto(upper, this.ctx, ctxSelections, { ...copyOpts, dryRun: true, onEntry: (p, e, o) => (records[p] = recordOf(e, o)) });
        let only: Set<string> | undefined;
        const gone: string[] = [];
        if (previous && previous.chain.length < maxDeltaChain) {
          const changed = Object.keys(records).filter((p) => previous.records[p] !== records[p]);
          for (const p of Object.keys(previous.records))
            if (!(p in records) && !(posix.dirname(p) in previous.records && !(posix.dirname(p) in records))) gone.push(p);
          const total = Object.keys(records).length;
          // A whiteout needs its directory in the delta: when that is outside the copy, write it all.
          const placeable = gone.every((g) => posix.dirname(g) in records);
          if (placeable && changed.length + gone.length <= Math.max(1, total * maxDeltaShare)) {
            only = new Set<string>();
            // each changed path and its parents inside the copy, so that the delta can hold it
            for (const p of [...changed, ...gone.map((g) => posix.dirname(g))]) {
              for (let q = p; q in records && !only.has(q); q = posix.dirname(q)) only.add(q);
            }
            delta = { base: previous.state, chain: previous.chain };
          }
        }
        await copyInto(upper, this.ctx, ctxSelections, {
          ...copyOpts,
          ...(only ? { only } : {}),
          reuse: (destPath) => (previous?.records[destPath] === records[destPath] ? previous?.find(destPath) : undefined),
        });
        // Deleted since the last build: whiteouts (overlay format) in the delta.
        if (only) for (const g of gone) sysx().mknod(join(upper, g), S_IFCHR, 0, 0);
      } else if (fromState && localSources.length > 0) {
        await withRootfs(this.store, fromState.config.rootfs.diff_ids, this.scratch, async (fromRoot) => {
          if (!fromRoot) throw new EngineError('not_found', `COPY --from=${fromRef}: the source is empty`, { range });
          const tree: SourceTree = dirTree(
            fromRoot,
            localSources.map((s) => s.replace(/^\/+/, '')),
          );
          const sel = selectSources(tree, localSources, { exclude: x.exclude, range, ...(this.signal ? { signal: this.signal } : {}) });
          await copyInto(upper, tree, sel, { ...base, dest, keepOwners: true, extractArchives: false });
        });
      }
      for (const h of x.heredocs) {
        const path = dest.endsWith('/') ? `${dest}${h.name}` : dest;
        writeDataFile(upper, parentRoot, path, h.data, { mode: chmod ? chmod(0o644, false) : 0o644, ...(chown ? { chown } : {}) });
      }
      for (const d of downloads) {
        const name = decodeURIComponent(new URL(d.url).pathname.split('/').pop() || 'download');
        const path = dest.endsWith('/') ? `${dest}${name}` : dest;
        writeDataFile(upper, parentRoot, path, d.data, {
          mode: chmod ? chmod(0o600, false) : 0o600,
          ...(chown ? { chown } : {}),
          ...(d.mtime ? { mtime: d.mtime } : {}),
        });
      }
    });
    trace(`copy: files written${delta ? ' (delta)' : ''}`);
    // Copies carry no xattrs (ADD's tar extraction may).
    const below = delta ? delta.base : parent;
    const state = await this.commitLayer(below, key, upper, createdBy(x.text, true), x.kind === 'add');
    if (incremental) {
      const own = state.config.rootfs.diff_ids.slice(parentDiffs.length);
      if (own.length > 0) this.saveCopyIndex(indexKey, { resultKey: key, chain: own, records });
    }
    return { state, cached: false };
  }

  /** The last build of a COPY, when its result and every layer of it are still there. */
  async copyIndex(
    indexKey: string,
  ): Promise<
    { state: BuildState; chain: readonly string[]; records: Record<string, string>; find: (p: string) => string | undefined } | undefined
  > {
    if (this.opts.noCache) return undefined;
    let idx: CopyIndex;
    try {
      idx = JSON.parse(readFileSync(join(this.deps.root, 'build-cache', 'copy-index', `${indexKey.slice(7)}.json`), 'utf8')) as CopyIndex;
    } catch {
      return undefined;
    }
    const entry = this.cache.get(idx.resultKey);
    if (!entry || typeof idx.chain !== 'object' || typeof idx.records !== 'object') return undefined;
    for (const d of entry.layers) if (!(await this.store.hasLayer(d))) return undefined;
    for (const b of entry.blobs) if (!(await this.store.hasBlob(b))) return undefined;
    const dirs = [...idx.chain].reverse().map((d) => this.store.layerPath(d));
    // The topmost layer of the chain holding a regular file at p (a whiteout or nothing: no).
    const find = (p: string): string | undefined => {
      for (const d of dirs) {
        try {
          const st = lstatSync(join(d, p));
          return st.isFile() ? join(d, p) : undefined;
        } catch {
          /* not in this layer */
        }
      }
      return undefined;
    };
    return { state: stateOf(entry), chain: idx.chain, records: idx.records, find };
  }

  saveCopyIndex(indexKey: string, idx: CopyIndex): void {
    const dir = join(this.deps.root, 'build-cache', 'copy-index');
    mkdirSync(dir, { recursive: true });
    const p = join(dir, `${indexKey.slice(7)}.json`);
    writeFileSync(`${p}.${process.pid}.tmp`, JSON.stringify(idx));
    renameSync(`${p}.${process.pid}.tmp`, p);
  }

  // ---- RUN ---------------------------------------------------------------------------------

  async runStep(parent: BuildState, x: RunInstruction, scope: StageScope, stage: Stage): Promise<StepResult> {
    const c = parent.config.config;
    let args: string[];
    const only = x.heredocs[0];
    // `RUN <<EOF` alone with a `#!` line: BuildKit runs the body as a program of its own.
    let script: { name: string; data: string } | undefined;
    if (x.command.form === 'shell' && x.heredocs.length === 1 && only && /^<<-?["']?\w+["']?$/.test(x.command.script.trim())) {
      if (only.data.startsWith('#!')) {
        script = { name: only.name, data: only.data };
        args = [`/dev/pipes/${only.name}`];
      } else {
        // `RUN <<EOF` alone: the body is the script.
        args = [...(c.Shell ?? ['/bin/sh', '-c']), only.data];
      }
    } else if (x.command.form === 'shell' && x.heredocs.length > 0) {
      // Heredocs feeding a command: hand the shell the text as written, bodies included.
      const full = [x.command.script, ...x.heredocs.map((h) => `${h.data}${h.name}`)].join('\n');
      args = [...(c.Shell ?? ['/bin/sh', '-c']), full];
    } else args = commandArgv(x.command, c.Shell);

    const env = scope.runEnv();
    if (!env.some((e) => e.startsWith('PATH='))) env.unshift(defaultPath);
    const keyEnv = env.filter((e) => !isProxyArg(e.slice(0, e.indexOf('='))));
    const network = x.network ?? 'default';
    const mountsKey = x.mounts.map((m) => ({ ...m }));
    // What a `from=` mount shows is part of the key: that stage's (or image's) own key.
    const fromKeys: string[] = [];
    for (const m of x.mounts) if (m.from !== undefined) fromKeys.push((await this.sourceState(m.from, stage)).key);
    // Secrets: the key holds their ids (in mountsKey), never their content, as BuildKit's does.
    // A required one that was not given fails before anything runs, cache hit or not.
    const secrets = this.opts.secrets ?? {};
    for (const m of x.mounts) {
      if (m.type === 'ssh')
        throw new EngineError('invalid_argument', 'RUN --mount=type=ssh is not supported (no SSH agent forwarding)', { range: x.range });
      if (m.type === 'secret' && m.required === true && !(m.id! in secrets))
        throw new EngineError(
          'failed_precondition',
          `secret "${m.id}" is required but was not given (dockui build --secret id=${m.id},src=FILE)`,
          { range: x.range },
        );
    }
    const key = stepKey(parent.key, [
      'run',
      args,
      keyEnv,
      c.User ?? '',
      c.WorkingDir ?? '',
      network,
      x.security ?? 'sandbox',
      mountsKey,
      fromKeys,
    ]);
    const hit = await this.lookup(key);
    if (hit) return { state: hit, cached: true };

    await this.lease();
    const runIn = this.deps.runInRootfs;
    if (!runIn)
      throw new EngineError('failed_precondition', 'RUN needs the container runtime, which is not available here', { range: x.range });
    const cfg = parent.config;
    if (cfg.architecture) {
      // A stage FROM another platform's image: its programs cannot run here (no emulation).
      const { formatPlatform, hostPlatform, normalizePlatform, platformMatches } = await import('../registry/platform.js');
      const stagePlatform = normalizePlatform({
        os: cfg.os ?? 'linux',
        architecture: cfg.architecture,
        ...(cfg.variant ? { variant: cfg.variant } : {}),
      });
      const host = hostPlatform();
      if (!platformMatches({ os: host.os, architecture: host.architecture }, stagePlatform))
        throw new EngineError(
          'failed_precondition',
          `RUN in a ${formatPlatform(stagePlatform)} stage cannot run on this ${formatPlatform(host)} host (no emulation)`,
          {
            range: x.range,
          },
        );
    }

    const mounts: RunRequest['mounts'][number][] = [];
    // Secret files live in a private dir for this RUN only, removed as soon as it ends.
    let secretDir: string | undefined;
    const fromMounts: { state: BuildState; source: string; target: string; readonly: boolean }[] = [];
    for (const m of x.mounts) {
      switch (m.type) {
        case 'cache': {
          const id = m.id ?? m.target;
          const dir = join(this.deps.root, 'build-cache', 'mounts', sha256Hex(id).slice(0, 32));
          mkdirSync(dir, { recursive: true, mode: m.mode ?? 0o755 });
          mounts.push({ type: 'bind', source: dir, target: m.target, readonly: false });
          break;
        }
        case 'tmpfs':
          // A fresh dir of this build's scratch (gone with it, also after a SIGKILL: leftovers.ts).
          mounts.push({ type: 'bind', source: this.newDir('tmpfs'), target: m.target, readonly: false });
          break;
        case 'bind': {
          if (m.from !== undefined) {
            // Bound from another stage or an image: its merged rootfs is mounted for the run below.
            fromMounts.push({
              state: await this.sourceState(m.from, stage),
              source: m.source ?? '/',
              target: m.target,
              readonly: m.readonly,
            });
            break;
          }
          // Resolved in the context and copied: the RUN never sees (or writes) the context itself.
          const src = snapshotContextSource(this.ctx, m.source ?? '.', this.newDir('bind'), x.range, this.signal);
          mounts.push({ type: 'bind', source: src, target: m.target, readonly: m.readonly });
          break;
        }
        case 'secret': {
          const value = secrets[m.id!];
          if (value === undefined) break; // not required and not given: no mount, no variable (BuildKit)
          if (m.env !== undefined) env.push(`${m.env}=${Buffer.from(value).toString('utf8')}`);
          if (!m.target) break;
          if (secretDir === undefined) {
            secretDir = this.newDir('secrets');
            chmodSync(secretDir, 0o700);
          }
          const file = join(secretDir, String(mounts.length));
          writeFileSync(file, value, { mode: 0o600 });
          chownSync(file, m.uid ?? 0, m.gid ?? 0);
          chmodSync(file, m.mode ?? 0o400);
          mounts.push({ type: 'bind', source: file, target: m.target, readonly: true });
          break;
        }
        case 'ssh':
          throw new EngineError('internal', 'RUN --mount=type=ssh reached the runner');
      }
    }

    if (script) {
      const dir = this.newDir('heredoc');
      writeFileSync(join(dir, script.name), script.data, { mode: 0o755 });
      mounts.push({ type: 'bind', source: dir, target: '/dev/pipes', readonly: true });
    }
    const upper = this.newDir('upper');
    const work = this.newDir('work');
    const lowerDirs = [...parent.config.rootfs.diff_ids].reverse().map((d) => this.store.layerPath(d));
    const stubs = mountStubs(
      lowerDirs,
      mounts.map((m) => m.target),
    );
    const tail: string[] = [];
    let lastErr: string | undefined;
    const index = this.currentStep;
    const onOutput = (stream: 'stdout' | 'stderr', line: string) => {
      tail.push(line);
      if (tail.length > lastLines) tail.shift();
      if (stream === 'stderr' && line.trim() !== '') lastErr = line;
      this.opts.onOutput?.(index, stream, line);
      this.deps.events?.emit('build.output', { buildId: this.buildId, index, stream, line });
    };
    let exitCode: number;
    const { withRootfs } = await import('./rootfs.js');
    const withFromMounts = async (i: number): Promise<{ exitCode: number }> => {
      const fm = fromMounts[i];
      if (!fm) {
        return runIn({
          lowerDirs,
          upperDir: upper,
          workDir: work,
          args,
          env,
          ...(c.User ? { user: c.User } : {}),
          cwd: c.WorkingDir || '/',
          network,
          mounts,
          ...(this.signal ? { signal: this.signal } : {}),
          onOutput,
        });
      }
      return withRootfs(this.store, fm.state.config.rootfs.diff_ids, this.scratch, async (root) => {
        if (!root) throw new EngineError('not_found', `RUN --mount source not found: ${fm.source}`, { range: x.range });
        const inside = sourceInRoot(root, fm.source, x.range);
        // rw: the step writes to a throw-away copy, never to the store's layers.
        const src = fm.readonly ? inside : snapshotTree(inside, this.newDir('bind'), this.signal);
        mounts.push({ type: 'bind', source: src, target: fm.target, readonly: fm.readonly });
        return withFromMounts(i + 1);
      });
    };
    try {
      ({ exitCode } = await withFromMounts(0));
    } finally {
      rmSync(work, { recursive: true, force: true });
      if (secretDir !== undefined) rmSync(secretDir, { recursive: true, force: true });
    }
    if (exitCode !== 0) {
      // The last error line says most; stdout and stderr interleave in no fixed order.
      const last = lastErr ?? tail.filter((l) => l.trim() !== '').slice(-1)[0];
      throw new EngineError(
        'failed_precondition',
        `RUN failed with exit code ${exitCode}${last !== undefined ? `: ${last.trim().slice(0, 200)}` : ''}`,
        { range: x.range, cause: { exitCode, lastLines: tail } },
      );
    }
    removeStubs(upper, stubs);
    return { state: await this.commitLayer(parent, key, upper, createdBy(x.text, true)), cached: false };
  }

  // ---- layers --------------------------------------------------------------------------------

  newDir(kind: string): string {
    const d = join(this.scratch, `${kind}-${++this.#layerCount.n}`);
    mkdirSync(d);
    return d;
  }

  /** Turns an upper dir into a layer (or an empty_layer history entry when nothing changed). */
  async commitLayer(parent: BuildState, key: string, upper: string, history: string, xattrs = true): Promise<BuildState> {
    const config = cloneConfig(parent.config);
    if (readdirSync(upper).length === 0) {
      rmdirSync(upper);
      touch(config, history, true);
      const state: BuildState = { key, config, layers: parent.layers };
      this.cache.put(state);
      return state;
    }
    const blob = tempPath(this.store, 'layer');
    const { writeLayer } = await import('./layer.js');
    const layer = await writeLayer(upper, blob, { xattrs, ...(this.signal ? { signal: this.signal } : {}) });
    trace(`layer: blob written (${layer.entries} entries, ${layer.size} bytes)`);
    try {
      await publishBlobFile(this.store, blob, layer.digest);
    } catch (e) {
      rmSync(blob, { force: true });
      throw e;
    }
    if (await this.store.hasLayer(layer.diffId)) await discard(upper, this.store.root);
    else await this.store.adoptLayer(upper, { diffId: layer.diffId, size: layer.contentSize });
    trace('layer: adopted');
    config.rootfs.diff_ids.push(layer.diffId);
    touch(config, history, false);
    const state: BuildState = {
      key,
      config,
      layers: [...parent.layers, { mediaType: mediaTypes.layerGzip, digest: layer.digest, size: layer.size }],
    };
    this.cache.put(state);
    return state;
  }
}

/**
 * Drops an upper dir whose layer the store has already: moved aside at once (named like the
 * store's temp files, so its gc finishes the job if we die) and deleted in the background,
 * since deleting thousands of files can take seconds that the build need not wait for.
 */
async function discard(dir: string, root: string): Promise<void> {
  const aside = join(root, 'tmp', tempName('discard'));
  renameSync(dir, aside);
  const { spawn } = await import('node:child_process');
  const child = spawn('rm', ['-rf', '--', aside], { detached: true, stdio: 'ignore' });
  child.on('error', () => rmSync(aside, { recursive: true, force: true }));
  child.unref();
}

function withoutRange(x: Instruction): unknown {
  const { range: _range, ...rest } = x as Instruction & { range: SourceRange };
  return rest;
}

function chmodOf(v: string, range: SourceRange): Chmod {
  try {
    return parseChmod(v);
  } catch (e) {
    throw isEngineError(e) ? new EngineError(e.code, e.message, { range }) : e;
  }
}

async function fetchUrl(url: string, range: SourceRange, signal?: AbortSignal): Promise<{ url: string; data: Buffer; mtime?: Date }> {
  // The registry's transport: same agents and extra CAs (registry/tls-ca.ts), redirects, cancel.
  const { request, readBody } = await import('../registry/http.js');
  let data: Buffer;
  let lastModified: string | undefined;
  try {
    const res = await request(new URL(url), { maxRedirects: 10, ...(signal ? { signal } : {}) });
    if (res.status < 200 || res.status > 299) {
      res.body.destroy();
      throw new EngineError('unavailable', `ADD ${url}: HTTP ${res.status}`, { range });
    }
    lastModified = res.headers['last-modified'];
    data = await readBody(res, 2 ** 31 - 1, `ADD ${url}`);
  } catch (e) {
    if (signal?.aborted) throw new EngineError('canceled', 'canceled');
    if (isEngineError(e)) throw e.range ? e : new EngineError(e.code, e.message, { range, cause: e });
    throw new EngineError('unavailable', `ADD ${url}: ${(e as Error).message}`, { range, cause: e });
  }
  const mtime = lastModified ? new Date(lastModified) : undefined;
  return { url, data, ...(mtime && !Number.isNaN(mtime.getTime()) ? { mtime } : {}) };
}

/**
 * The directories to create for `dir` (absolute) in the rootfs at `root`, top first, with
 * symlinks on the way resolved inside the rootfs. A part that is not a directory fails.
 */
function missingDirs(root: string | undefined, dir: string, range: SourceRange): string[] {
  const todo = dir.split('/').filter(Boolean);
  let cur = '';
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      cur = posix.dirname(cur === '' ? '/' : cur);
      if (cur === '/') cur = '';
      continue;
    }
    const next = `${cur}/${part}`;
    let st;
    try {
      st = root ? lstatSync(join(root, next)) : undefined;
    } catch {
      st = undefined;
    }
    if (st === undefined) {
      const out = [next];
      for (const p of todo)
        if (p !== '' && p !== '.') out.push(p === '..' ? posix.dirname(out[out.length - 1]!) : `${out[out.length - 1]!}/${p}`);
      return out.filter((p, i, all) => p !== '/' && all.indexOf(p) === i);
    }
    if (st.isSymbolicLink()) {
      if (++hops > 40) throw new EngineError('failed_precondition', `WORKDIR ${dir}: too many levels of symbolic links`, { range });
      const target = readlinkSync(join(root!, next), 'utf8');
      todo.unshift(...target.split('/').filter(Boolean));
      if (target.startsWith('/')) cur = '';
      continue;
    }
    if (!st.isDirectory()) throw new EngineError('failed_precondition', `WORKDIR ${dir}: ${next} is not a directory`, { range });
    cur = next;
  }
  return [];
}
