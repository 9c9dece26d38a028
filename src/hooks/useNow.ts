import { useEffect, useState } from 'react';

/** The time, refreshed every `ms`: "Up 3 minutes" and "2 hours ago" age while on screen. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
