import { useMemo } from 'react';
import type { ContainerSummary } from '../engine/define.js';
import type { RunOptions } from '../engine/types.js';
import { useEngine } from './EngineProvider.js';

/** The engine operations the screen triggers, as plain async functions (views never hold the engine). */
export interface EngineActions {
  readonly runtimeProblem: string | undefined;
  start(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  restart(id: string): Promise<void>;
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
  removeContainer(id: string, force: boolean): Promise<void>;
  removeImage(ref: string): Promise<void>;
  run(opts: RunOptions): Promise<ContainerSummary>;
  execShellCommand(id: string): readonly string[];
}

export function useEngineActions(): EngineActions {
  const e = useEngine();
  return useMemo(
    () => ({
      runtimeProblem: e.runtimeProblem,
      start: (id) => e.containers.start(id),
      stop: (id) => e.containers.stop(id),
      restart: (id) => e.containers.restart(id),
      pause: (id) => e.containers.pause(id),
      unpause: (id) => e.containers.unpause(id),
      removeContainer: (id, force) => e.containers.remove(id, { force }),
      removeImage: (ref) => e.images.remove(ref),
      run: (opts) => e.containers.run(opts),
      execShellCommand: (id) => e.containers.execShellCommand(id),
    }),
    [e],
  );
}
