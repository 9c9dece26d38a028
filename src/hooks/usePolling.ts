import { useEffect, useRef } from 'react';

/**
 * Runs `task` now and then every `ms` while mounted, never two at once (a slow engine call
 * delays the next tick instead of piling up). Errors go to `onError`.
 */
export function usePolling(
  task: () => Promise<void>,
  ms: number,
  onError?: (e: unknown) => void,
  enabled = true,
  /** A change starts the polling over at once (a new target). */
  restartKey?: string,
): void {
  const taskRef = useRef(task);
  const errRef = useRef(onError);
  useEffect(() => {
    taskRef.current = task;
    errRef.current = onError;
  });
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      try {
        await taskRef.current();
      } catch (e) {
        if (!stopped) errRef.current?.(e);
      }
      if (!stopped) timer = setTimeout(() => void tick(), ms);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [ms, enabled, restartKey]);
}
