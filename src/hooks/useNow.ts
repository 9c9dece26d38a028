import { useEffect, useState } from 'react';

/**
 * The time, refreshed every `interval(now)` ms: "Up 3 minutes" and "2 hours ago" age while on
 * screen. The interval is asked again on every render, with the time last read, so a screen that
 * starts showing seconds ticks faster from then on.
 */
export function useNow(interval: number | ((now: number) => number) = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  const ms = typeof interval === 'number' ? interval : interval(now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
