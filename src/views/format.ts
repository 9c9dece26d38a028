// Human formats shared by the panes, following `docker ps` / `docker images` conventions
// (SI units for sizes, "Up 3 minutes", "Exited (0) 2 hours ago").
import type { ContainerSummary, PortMapping } from '../engine/define.js';
import * as units from '../format/units.js';
import { siSize } from '../format/units.js';

export { familiarRef as familiarName, shortId } from '../format/units.js';

/** Sizes in the panes: digits kept so that a column does not jitter ("4.20MB"), "-" for none. */
export function formatBytes(n: number): string {
  return siSize(n, 'fixed');
}

/** "1 container", "2 containers": a count with its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "a, b, c and 2 more": names for a one-line message. */
export function listNames(names: readonly string[], max = 3): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

/** "3 minutes", "About an hour", like Docker's units.HumanDuration. */
export function humanDuration(ms: number): string {
  return units.humanDuration(ms, 'pane');
}

export function ago(iso: string | undefined, now: number): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '-';
  return `${humanDuration(now - t)} ago`;
}

/** The STATUS column of `docker ps`. */
export function containerStatus(c: ContainerSummary, now: number): string {
  switch (c.state) {
    case 'running': {
      // docker ps's health suffix: "(healthy)", "(unhealthy)", "(health: starting)".
      const h = c.healthStatus === undefined ? '' : c.healthStatus === 'starting' ? ' (health: starting)' : ` (${c.healthStatus})`;
      return `${c.startedAt ? `Up ${humanDuration(now - Date.parse(c.startedAt))}` : 'Up'}${h}`;
    }
    case 'paused':
      return 'Paused';
    case 'created':
      return 'Created';
    case 'removing':
      return 'Removing';
    case 'exited': {
      const code = c.exitCode ?? 0;
      const why = c.exitReason ? ` ${c.exitReason}` : '';
      return `Exited (${code})${why} ${c.finishedAt ? ago(c.finishedAt, now) : ''}`.trimEnd();
    }
  }
}

export function formatPort(p: PortMapping): string {
  return `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`;
}

export function formatPorts(ports: readonly PortMapping[]): string {
  return ports.map(formatPort).join(', ');
}

/** Cuts to `width` display cells with an ellipsis (ASCII-only widths: names and ids are ASCII). */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  if (width === 1) return '…';
  return `${s.slice(0, width - 1)}…`;
}

/**
 * Cuts an image reference where it says least: the registry and path at the start
 * (127.0.0.1:5500/…), then, if name:tag alone is too long, its end.
 */
export function truncateRef(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  const last = s.slice(s.lastIndexOf('/') + 1);
  if (last.length + 1 > width) return truncate(last, width);
  return `…${s.slice(s.length - (width - 1))}`;
}

export function pad(s: string, width: number, align: 'left' | 'right' = 'left', cut: 'end' | 'ref' = 'end'): string {
  const t = cut === 'ref' ? truncateRef(s, width) : truncate(s, width);
  return align === 'left' ? t.padEnd(width) : t.padStart(width);
}

/**
 * A container's text as the terminal may draw it (log lines: the container's own bytes): each
 * control character but the tab as its picture (ESC as ␛, BEL as ␇), C1's as U+FFFD, one cell
 * for one, so an escape sequence in a log is shown, never obeyed (a window title, the
 * clipboard's OSC 52, a cleared screen) and columns and search offsets stay where they were.
 */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x20 ? String.fromCharCode(0x2400 + n) : n === 0x7f ? '\u2421' : '\ufffd';
  });
}
