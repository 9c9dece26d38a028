// The executor of one build: what every step needs (the context, the cache, the scratch dir,
// the store lease), the dispatch of a step to its kind's executor (from-step, copy-step,
// run-step, workdir-step; metadata runs here, meta.ts), and the commit of an upper dir as a
// layer with its cache record.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, throwIfAborted } from '../define.js';
import type { Dockerfile, GlobalScope, Instruction, Stage, StageScope } from '../dockerfile/index.js';
import type { Store } from '../store/index.js';
import type { BuildOptions } from '../types.js';
import type { BuilderDeps } from './builder.js';
import { stateOf, stepKey, type BuildCache, type BuildState } from './cache.js';
import { alignWithSource, type CacheSource } from './cache-from.js';
import type { ContentHasher } from './content-hash.js';
import type { BuildContext } from './context.js';
import { copyStep, type Planned } from './copy-step.js';
import { cloneConfig, mediaTypes } from './image-config.js';
import { applyMeta, isMeta, type MetaInstruction } from './meta.js';
import { publishBlobFile, tempPath } from './publish.js';
import { runStep } from './run-step.js';
import { touch, withoutRange } from './steps.js';
import { trace } from './trace.js';
import { workdirStep } from './workdir-step.js';

/** Where a finished stage stands, for COPY --from and FROM <stage>. */
export interface StageResult {
  readonly state: BuildState;
  /** The image the stage started from (through the stages it is FROM), none for scratch. */
  readonly base?: string;
}

export interface StepResult {
  readonly state: BuildState;
  readonly cached: boolean;
}

export class Executor {
  currentStep = 0;
  buildId = '';
  /** --cache-from images (cache-from.ts). */
  cacheSources: readonly CacheSource[] = [];
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

  async step(parent: BuildState, x: Instruction, scope: StageScope, stage: Stage): Promise<StepResult> {
    switch (x.kind) {
      case 'from':
        throw new EngineError('internal', 'FROM inside a stage');
      case 'run':
        return runStep(this, parent, x, scope, stage);
      case 'copy':
      case 'add':
        return copyStep(this, parent, x, stage);
      case 'workdir':
        return workdirStep(this, parent, x);
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
      state = alignWithSource(this.cacheSources, parent, { key, config, layers: parent.layers });
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

  // ---- layers --------------------------------------------------------------------------------

  newDir(kind: string): string {
    const d = join(this.scratch, `${kind}-${++this.#layerCount.n}`);
    mkdirSync(d);
    return d;
  }

  /**
   * Turns an upper dir into a layer (or an empty_layer history entry when nothing changed).
   * `contentOf` gives the content of files this step wrote from memory (by path in the upper).
   */
  async commitLayer(
    parent: BuildState,
    key: string,
    upper: string,
    history: string,
    xattrs = true,
    contentOf?: (rel: string) => Buffer | undefined,
  ): Promise<BuildState> {
    const config = cloneConfig(parent.config);
    if (readdirSync(upper).length === 0) {
      rmdirSync(upper);
      touch(config, history, true);
      const state = alignWithSource(this.cacheSources, parent, { key, config, layers: parent.layers });
      this.cache.put(state);
      return state;
    }
    const blob = tempPath(this.store, 'layer');
    const { writeLayer } = await import('./layer.js');
    const layer = await writeLayer(upper, blob, {
      xattrs,
      ...(contentOf ? { contentOf } : {}),
      ...(this.signal ? { signal: this.signal } : {}),
    });
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
    return this.stackLayer(parent, key, history, layer);
  }

  /**
   * The layer of a planned COPY (copy-step.ts): stacked as is when the store has it (its blob
   * written from memory if only that is missing), else its blob written from the plan's gzip
   * and `upper` (materialized from the plan) adopted as the layer.
   */
  async commitPlanned(parent: BuildState, key: string, upper: string, history: string, p: Planned): Promise<BuildState> {
    const layer = { diffId: p.plan.diffId, digest: p.digest, size: p.gz.length };
    if (p.stored) {
      if (!(await this.store.hasBlob(p.digest))) await this.store.putBlob(p.gz, p.digest);
      return this.stackLayer(parent, key, history, layer);
    }
    const blob = tempPath(this.store, 'layer');
    const fd = openSync(blob, 'wx', 0o644);
    try {
      for (let off = 0; off < p.gz.length; ) off += writeSync(fd, p.gz, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      await publishBlobFile(this.store, blob, p.digest);
    } catch (e) {
      rmSync(blob, { force: true });
      throw e;
    }
    trace(`layer: blob written from the plan (${p.plan.entries} entries, ${p.gz.length} bytes)`);
    if (await this.store.hasLayer(layer.diffId)) await discard(upper, this.store.root);
    else await this.store.adoptLayer(upper, { diffId: layer.diffId, size: p.plan.contentSize });
    trace('layer: adopted');
    return this.stackLayer(parent, key, history, layer);
  }

  /** The state of `parent` with one more layer, already in the store (layer dir and blob), recorded in the cache. */
  stackLayer(parent: BuildState, key: string, history: string, layer: { diffId: string; digest: string; size: number }): BuildState {
    const config = cloneConfig(parent.config);
    config.rootfs.diff_ids.push(layer.diffId);
    touch(config, history, false);
    const state = alignWithSource(this.cacheSources, parent, {
      key,
      config,
      layers: [...parent.layers, { mediaType: mediaTypes.layerGzip, digest: layer.digest, size: layer.size }],
    });
    this.cache.put(state);
    return state;
  }
}

/**
 * Drops an upper dir whose layer the store has already, without waiting: deleting thousands of
 * files can take a second the build need not spend. A detached `sh` is started first and the
 * dir renamed to `discard-<its pid>-…` under ROOT/tmp; the shell then execs `rm -rf` on it (the
 * same pid). So the name names the live remover: the next build's leftovers scan and the
 * store's gc leave it alone while it works (with the build's own pid in the name, the next
 * build found it "dead" and deleted it synchronously, racing the remover: ~0.3 s of every cold
 * build in a row), and finish the job only if the remover died. If we die before the rename,
 * the shell reads EOF and exits, and the dir stays in our scratch dir (a dead build's).
 */
async function discard(dir: string, root: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const hex = randomBytes(6).toString('hex');
  // $$ is the shell's pid, which exec keeps for rm: the path the shell removes is the one renamed to below.
  const child = spawn('sh', ['-c', 'read go && exec rm -rf -- "$0-$$-$1"', join(root, 'tmp', 'discard'), hex], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.on('error', () => undefined);
  child.stdin.on('error', () => undefined);
  if (child.pid === undefined) return rmSync(dir, { recursive: true, force: true });
  const aside = join(root, 'tmp', `discard-${child.pid}-${hex}`);
  try {
    renameSync(dir, aside);
  } finally {
    // Without the line the shell's read fails and it exits without removing anything.
    child.stdin.end(existsSync(aside) ? 'go\n' : '');
    child.unref();
  }
}
