// The build noun of the facade: Dockerfile builds through the builder (build/), with RUN steps
// run by the container runtime, loaded on the first RUN that misses the cache (a build of cache
// hits never loads the runtime).
import { join } from 'node:path';
import { EngineError } from '../define.js';
import type { RunRequest } from '../build/builder.js';
import type { EnginePaths } from '../paths.js';
import type { BuildOptions, BuildResult, BuildsApi } from '../types.js';
import type { ArchiveBuildOptions, BuildEngine, BuildPruneOptions, BuildPruneReport } from './api.js';
import type { EngineCore } from './core.js';

/**
 * The builder's RUN through the container runtime. RUN gets the host's network by default
 * (outbound access, as BuildKit gives RUN) and a `--mount=type=tmpfs` becomes a fresh scratch
 * dir bound in and removed afterwards: the same contract, no size limit.
 */
export async function runBuildStep(paths: EnginePaths, req: RunRequest): Promise<{ exitCode: number }> {
  const [{ mkdtemp, rm }, { runInRootfs }] = await Promise.all([import('../util/fsa.js'), import('../runtime/run-in-rootfs.js')]);
  const scratch: string[] = [];
  try {
    const mounts = [];
    for (const m of req.mounts) {
      if (m.type === 'bind') {
        if (!m.source) throw new EngineError('invalid_argument', `RUN --mount target ${m.target} has no source`);
        mounts.push({ source: m.source, target: m.target, readOnly: m.readonly });
      } else {
        const dir = await mkdtemp(join(paths.root, 'tmp', 'run-tmpfs-'));
        scratch.push(dir);
        mounts.push({ source: dir, target: m.target, readOnly: false });
      }
    }
    return await runInRootfs({
      paths,
      lowerDirs: req.lowerDirs,
      upperDir: req.upperDir,
      workDir: req.workDir,
      args: req.args,
      env: req.env,
      ...(req.user ? { user: req.user } : {}),
      cwd: req.cwd,
      network: req.network === 'none' ? 'none' : 'host',
      ...(req.hosts ? { hosts: req.hosts } : {}),
      mounts,
      ...(req.signal ? { signal: req.signal } : {}),
      onOutput: req.onOutput,
    });
  } finally {
    await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
  }
}

export class BuildEngineImpl implements BuildEngine {
  #builder: Promise<BuildsApi> | undefined;

  constructor(readonly core: EngineCore) {}

  #open(): Promise<BuildsApi> {
    this.#builder ??= (async () => {
      const [store, { openBuilder }] = await Promise.all([this.core.store(), import('../build/index.js')]);
      return openBuilder({
        root: this.core.paths.root,
        runRoot: this.core.paths.runRoot,
        store,
        events: this.core.events,
        insecureRegistries: this.core.insecure,
        runInRootfs: (req) => runBuildStep(this.core.paths, req),
      });
    })();
    this.#builder.catch(() => (this.#builder = undefined));
    return this.#builder;
  }

  async build(opts: BuildOptions): Promise<BuildResult> {
    return (await this.#open()).build(opts);
  }

  async prune(opts: BuildPruneOptions = {}): Promise<BuildPruneReport> {
    const [store, { pruneBuildCache }] = await Promise.all([this.core.store(), import('../build/prune.js')]);
    return pruneBuildCache(store, this.core.paths.root, opts);
  }

  async buildArchive(source: AsyncIterable<Buffer>, opts: ArchiveBuildOptions): Promise<BuildResult> {
    const [{ mkdir, rm }, { unpackContext }, { hostPathInRoot }] = await Promise.all([
      import('../util/fsa.js'),
      import('./build-archive.js'),
      import('../fsutil/in-root.js'),
    ]);
    const tmp = join(this.core.paths.root, 'tmp');
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    const dir = await unpackContext(tmp, source, opts.signal);
    try {
      const { dockerfile, ...rest } = opts;
      let file: string | undefined;
      if (opts.dockerfileText === undefined) {
        file = hostPathInRoot(dir, dockerfile ?? 'Dockerfile');
        if (file === undefined) throw new EngineError('invalid_argument', `no ${dockerfile ?? 'Dockerfile'} in the build context`);
      }
      return await this.build({ ...rest, context: dir, ...(file ? { dockerfile: file } : {}) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
