import { useEffect, useMemo, useState } from 'react';
import { EngineError, type ContainerSummary, type ImageSummary } from '../engine/define.js';
import type { Engine, RunOptions } from '../engine/types.js';
import { useEngine } from './EngineProvider.js';
import { engineExtras } from './engine-extras.js';

/** The engine operations the screen triggers, as plain async functions (views never hold the engine). */
export interface EngineActions {
  readonly runtimeProblem: string | undefined;
  start(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  restart(id: string): Promise<void>;
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
  removeContainer(id: string, force: boolean): Promise<void>;
  kill(id: string): Promise<void>;
  /** With `force`, an image in use is untagged and kept (unnamed) for its containers. */
  removeImage(ref: string, force: boolean): Promise<void>;
  /** Runs detached, then watches it a moment: the summary is `exited` when it ended at once. */
  run(opts: RunOptions): Promise<ContainerSummary>;
  execShellCommand(id: string): readonly string[];
  /** Removes a volume / a network (refused while a container uses it). */
  removeVolume(name: string): Promise<void>;
  removeNetwork(name: string): Promise<void>;
  /** Stopped containers, then the dangling images no container uses any more. */
  prune(): Promise<{ readonly containers: number; readonly images: number; readonly bytesFreed: number }>;
  /** The containers and images listed anew (a prune's preview must not work from a list a poll behind). */
  currentLists(): Promise<{ readonly containers: readonly ContainerSummary[]; readonly images: readonly ImageSummary[] }>;
}

/** How long after a run a container that exits still counts as having failed to start. */
export const earlyExitMs = 500;

/** The container as it is after `earlyExitMs`, or as soon as it has exited. */
export async function settle(e: Engine, c: ContainerSummary, ms = earlyExitMs): Promise<ContainerSummary> {
  const end = Date.now() + ms;
  let now = c;
  for (;;) {
    if (now.state === 'exited' || Date.now() >= end) return now;
    await new Promise((r) => setTimeout(r, 50));
    await e.containers.refresh().catch(() => undefined);
    now = e.containers.getSnapshot().find((x) => x.id === c.id) ?? now;
  }
}

export function useEngineActions(): EngineActions {
  const e = useEngine();
  // An engine that can check in the background does, after the first frame (runc --version
  // blocked the first render ~5-9 ms); until it answers, nothing is said.
  const [runtimeProblem, setRuntimeProblem] = useState(() => (e.runtimeCheck ? undefined : e.runtimeProblem));
  useEffect(() => {
    let live = true;
    void e.runtimeCheck?.().then((p) => live && setRuntimeProblem(p));
    return () => {
      live = false;
    };
  }, [e]);
  return useMemo(
    () => ({
      runtimeProblem,
      start: (id) => e.containers.start(id),
      stop: (id) => e.containers.stop(id),
      restart: (id) => e.containers.restart(id),
      pause: (id) => e.containers.pause(id),
      unpause: (id) => e.containers.unpause(id),
      removeContainer: (id, force) => e.containers.remove(id, { force }),
      kill: (id) => e.containers.kill(id, 'SIGKILL'),
      removeImage: (ref, force) => e.images.remove(ref, { force }),
      run: async (opts) => settle(e, await e.containers.run(opts)),
      execShellCommand: (id) => e.containers.execShellCommand(id),
      removeVolume: async (name) => {
        const volumes = engineExtras(e).volumes;
        if (!volumes) throw new EngineError('failed_precondition', 'volumes are not available from this engine');
        await volumes.remove(name);
      },
      removeNetwork: async (name) => {
        const networks = engineExtras(e).networks;
        if (!networks) throw new EngineError('failed_precondition', 'networks are not available from this engine');
        await networks.remove(name);
      },
      prune: async () => {
        const containers = await e.containers.prune();
        const images = await e.images.prune();
        return { containers: containers.length, images: images.imagesRemoved.length, bytesFreed: images.bytesFreed };
      },
      currentLists: async () => {
        await Promise.all([e.containers.refresh(), e.images.refresh()]);
        return { containers: e.containers.getSnapshot(), images: e.images.getSnapshot() };
      },
    }),
    [e, runtimeProblem],
  );
}
