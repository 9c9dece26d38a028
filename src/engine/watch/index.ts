import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IgnoreMatcher } from '../build/dockerignore.js';
import type { Engine, RunOptions } from '../types.js';
import { DevLoop, devImageName, type DevLoopOptions } from './dev-loop.js';
import { loadSyncRules, parseSyncFlag } from './sync-rules.js';

export { DevLoop, devImageName } from './dev-loop.js';
export type { DevLoopOptions, DevPhase, DevState, RebuildRecord } from './dev-loop.js';
export { loadSyncRules, matchSync, parseSyncFlag, syncFileName } from './sync-rules.js';
export type { SyncRule } from './sync-rules.js';

export interface StartDevOptions {
  readonly dir: string;
  readonly dockerfile?: string;
  readonly target?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly syncFlags?: readonly string[];
  readonly run: Omit<RunOptions, 'image'>;
  readonly onBuildStep?: DevLoopOptions['onBuildStep'];
  readonly onBuildOutput?: DevLoopOptions['onBuildOutput'];
  readonly debounceMs?: number;
}

function loadIgnore(dir: string): IgnoreMatcher {
  try {
    return IgnoreMatcher.fromText(readFileSync(join(dir, '.dockerignore'), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new IgnoreMatcher([]);
    throw e;
  }
}

/**
 * `dockui [DIR]` and `dockui dev`: the dev loop over a real engine. Ignored trees
 * (.dockerignore) are not watched at all; with no `-p`, the image's EXPOSEd ports are
 * published on the same host ports.
 */
export async function startDevLoop(engine: Engine, o: StartDevOptions): Promise<DevLoop> {
  const ignore = loadIgnore(o.dir);
  const rules = [...(await loadSyncRules(o.dir)), ...(o.syncFlags ?? []).map(parseSyncFlag)];
  const loop = new DevLoop({
    dir: o.dir,
    image: devImageName(o.dir),
    ...(o.dockerfile ? { dockerfile: o.dockerfile } : {}),
    ...(o.target ? { target: o.target } : {}),
    ...(o.buildArgs ? { buildArgs: o.buildArgs } : {}),
    run: o.run,
    builds: engine.builds,
    containers: engine.containers,
    events: engine.events,
    syncRules: rules,
    isIgnored: (rel) => ignore.matches(rel) && !ignore.mayIncludeBelow(rel),
    ...(o.debounceMs !== undefined ? { debounceMs: o.debounceMs } : {}),
    ...(o.onBuildStep ? { onBuildStep: o.onBuildStep } : {}),
    ...(o.onBuildOutput ? { onBuildOutput: o.onBuildOutput } : {}),
    prepareRun: async (image, run) => {
      if (run.publish?.length || run.network === 'none' || run.network === 'host') return run;
      const details = await engine.images.inspect(image);
      const exposed = Object.keys(details.config.ExposedPorts ?? {});
      if (exposed.length === 0) return run;
      // "8080/tcp" → "127.0.0.1:8080:8080/tcp": the same port on the host, loopback only.
      const publish = exposed.map((p) => {
        const [port, proto = 'tcp'] = p.split('/');
        return `127.0.0.1:${port}:${port}/${proto}`;
      });
      return { ...run, publish };
    },
  });
  await loop.start();
  return loop;
}
