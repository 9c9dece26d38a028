// The dev loop as a facade operation: the one wiring behind `dockui DIR` (the TUI) and
// `dockui dev DIR` (plain output). The watcher and the loop load on start.
import { basename } from 'node:path';
import type { DevEngine, DevLoop, DevStartOptions, DockuiEngine } from './api.js';

export class DevEngineImpl implements DevEngine {
  constructor(readonly engine: DockuiEngine) {}

  async start(o: DevStartOptions): Promise<DevLoop> {
    const { startDevLoop } = await import('../watch/index.js');
    return startDevLoop(this.engine, {
      dir: o.dir,
      ...(o.dockerfile ? { dockerfile: o.dockerfile } : {}),
      ...(o.target ? { target: o.target } : {}),
      ...(o.buildArgs ? { buildArgs: o.buildArgs } : {}),
      syncFlags: o.sync ?? [],
      run: {
        name: o.name ?? `${basename(o.dir)}-dev`,
        ...(o.publish?.length ? { publish: o.publish } : {}),
        ...(o.env?.length ? { env: o.env } : {}),
        ...(o.volumes?.length ? { volumes: o.volumes } : {}),
      },
      ...(o.debounceMs !== undefined ? { debounceMs: o.debounceMs } : {}),
      ...(o.onBuildStep ? { onBuildStep: o.onBuildStep } : {}),
      ...(o.onBuildOutput ? { onBuildOutput: o.onBuildOutput } : {}),
    });
  }
}
