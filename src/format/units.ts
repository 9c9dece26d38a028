// The human units of the CLI and the TUI, one implementation of each: sizes in SI units,
// durations as Docker words them ("3 minutes", "About an hour"), short ids and familiar names.
// Each caller keeps the exact output it has always printed, named by a style, so that changing
// one place changes them all.
// Pure, no imports: the CLI's start-up path and the views (which do no I/O) share it.

const siUnits = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/**
 * Bytes in SI units. 'docker' is docker's `images`/`ps -s` form (three significant digits,
 * trailing zeros dropped: "4.2MB", "135MB"); 'fixed' is the TUI's columns (up to TB, the digits
 * kept so that a column does not jitter: "4.20MB"; "-" for no size).
 */
export function siSize(n: number, style: 'docker' | 'fixed' = 'docker'): string {
  if (style === 'fixed' && (!Number.isFinite(n) || n < 0)) return '-';
  const top = style === 'fixed' ? siUnits.length - 2 : siUnits.length - 1;
  let v = n;
  let i = 0;
  while (v >= 1000 && i < top) {
    v /= 1000;
    i++;
  }
  if (style === 'docker') return `${Number(v.toPrecision(3))}${siUnits[i]}`;
  const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${siUnits[i]}`;
}

/**
 * How long, in words. The styles differ only where their callers always did:
 *   'ps'    `dockui ps` (CREATED, STATUS): whole seconds rounded, hours from rounded minutes,
 *           days past 48 hours;
 *   'pane'  the TUI's panes: as 'ps' but "1 second", hours from seconds, then weeks, months, years;
 *   'since' `dockui images` CREATED: units cut down (floor), about an hour until 1.5 hours.
 */
export function humanDuration(ms: number, style: 'ps' | 'pane' | 'since'): string {
  if (style === 'since') {
    const s = Math.max(0, ms / 1000);
    const m = s / 60;
    const h = m / 60;
    const d = h / 24;
    if (s < 1) return 'Less than a second';
    if (s < 60) return `${Math.floor(s)} seconds`;
    if (m < 2) return 'About a minute';
    if (m < 60) return `${Math.floor(m)} minutes`;
    if (h < 1.5) return 'About an hour';
    if (h < 48) return `${Math.round(h)} hours`;
    return longer(d, Math.floor, 90);
  }
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 1) return 'Less than a second';
  if (s === 1 && style === 'pane') return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.round(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = style === 'ps' ? Math.round(m / 60) : Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  const d = Math.round(h / 24);
  return style === 'ps' ? `${d} days` : longer(d, Math.round, 60);
}

/** Days, then weeks (from 14 days), months (from `months` days) and years (from 730 days). */
function longer(d: number, cut: (x: number) => number, months: number): string {
  if (d < 14) return `${cut(d)} days`;
  if (d < months) return `${cut(d / 7)} weeks`;
  if (d < 730) return `${cut(d / 30)} months`;
  return `${cut(d / 365)} years`;
}

/** "sha256:abcdef..." → the 12 hex digits Docker shows. */
export function shortId(id: string): string {
  return (id.startsWith('sha256:') ? id.slice(7) : id).slice(0, 12);
}

/** "docker.io/library/busybox:latest" → "busybox:latest", as Docker prints familiar names. */
export function familiarRef(ref: string): string {
  if (ref.startsWith('docker.io/library/')) return ref.slice('docker.io/library/'.length);
  if (ref.startsWith('docker.io/')) return ref.slice('docker.io/'.length);
  return ref;
}
