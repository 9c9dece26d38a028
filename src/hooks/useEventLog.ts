import { useEffect, useRef } from 'react';
import type { Engine } from '../engine/types.js';
import { useEngine } from './EngineProvider.js';

/**
 * Runs `task` again whenever it is asked to while it runs (once more, not once per ask): a
 * burst of events costs at most two refreshes.
 */
export function coalesce(task: () => Promise<void>, onError?: (e: unknown) => void): () => void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    running = true;
    try {
      do {
        again = false;
        try {
          await task();
        } catch (e) {
          onError?.(e);
        }
      } while (again);
    } finally {
      running = false;
    }
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}

/**
 * Follows the engine's event log from now on while mounted, and refreshes the container list
 * on every container event and the image list on every image event: what another process does
 * (the CLI in another terminal, `dockui system service` for docker's clients, a container's
 * monitor recording its exit) shows within the log's 100 ms poll and one listing, instead of at
 * the next 2 s poll. An engine without an event log (a test's fake) is left to the polls.
 */
export function followEventLog(engine: Engine, onError?: (e: unknown) => void): () => void {
  const system = engine.system;
  if (!system) return () => undefined;
  const ac = new AbortController();
  const containers = coalesce(() => engine.containers.refresh(), onError);
  const images = coalesce(() => engine.images.refresh(), onError);
  void (async () => {
    try {
      for await (const e of system.events({ sinceMs: Date.now(), follow: true, signal: ac.signal })) {
        if (ac.signal.aborted) return;
        if (e.Type === 'container') containers();
        else if (e.Type === 'image') images();
      }
    } catch (e) {
      if (!ac.signal.aborted) onError?.(e);
    }
  })();
  return () => ac.abort();
}

export function useEventLog(onError?: (e: unknown) => void): void {
  const engine = useEngine();
  const errRef = useRef(onError);
  useEffect(() => {
    errRef.current = onError;
  });
  useEffect(() => followEventLog(engine, (e) => errRef.current?.(e)), [engine]);
}
