// How the Logs pane shows its lines, beside scrolling and search (logs-view.ts): a filter that
// keeps only the matching lines or, inverted, drops them (less's `&pattern`, grep -v), the
// timestamps and wrap toggles, how much history a stream opens with (tail N, since 10m), and
// the merged logs of several containers, each line prefixed by its container's name.
import type { LogLine } from '../engine/define.js';
import type { LogsState } from './view-models.js';

export interface LogsDisplay {
  /** Lines kept: those containing it (case-insensitive); none when empty. */
  readonly filter: string;
  /** Drop the matching lines instead (grep -v). */
  readonly invert: boolean;
  readonly timestamps: boolean;
  readonly wrap: boolean;
  /** Lines of history the stream opens with; undefined: all there is (the ring keeps the last 5,000). */
  readonly tail: number | undefined;
  /** Only lines since then: Docker's --since (10m, 1h30m, an RFC 3339 date). */
  readonly since: string | undefined;
}

export const defaultTail = 1000;

export const initialLogsDisplay: LogsDisplay = {
  filter: '',
  invert: false,
  timestamps: false,
  wrap: false,
  tail: defaultTail,
  since: undefined,
};

export type LogsDisplayAction =
  | { readonly type: 'filter'; readonly value: string }
  | { readonly type: 'toggleInvert' }
  | { readonly type: 'toggleTimestamps' }
  | { readonly type: 'toggleWrap' }
  | { readonly type: 'range'; readonly tail: number | undefined; readonly since: string | undefined };

export function logsDisplayReducer(s: LogsDisplay, a: LogsDisplayAction): LogsDisplay {
  switch (a.type) {
    case 'filter': {
      // "!text" is the inverse filter, as in less's &!pattern.
      const invert = a.value.startsWith('!');
      const filter = invert ? a.value.slice(1) : a.value;
      return { ...s, filter, invert: filter === '' ? false : invert };
    }
    case 'toggleInvert':
      return s.filter === '' ? s : { ...s, invert: !s.invert };
    case 'toggleTimestamps':
      return { ...s, timestamps: !s.timestamps };
    case 'toggleWrap':
      return { ...s, wrap: !s.wrap };
    case 'range':
      return { ...s, tail: a.tail, since: a.since };
  }
}

/** The filter as typed in its prompt (inverse with a leading "!"). */
export function filterText(d: LogsDisplay): string {
  return d.filter === '' ? '' : `${d.invert ? '!' : ''}${d.filter}`;
}

const duration = /^(?:\d+h)?(?:\d+m)?(?:\d+(?:\.\d+)?s)?$/;

/**
 * The tail/since prompt: "200" (the last 200 lines), "10m" / "1h30m" / "45s" / an RFC 3339 date
 * (since then, every line), "200 10m" (both), "all" (everything), "" (the default, 1,000).
 */
export function parseLogRange(text: string): { tail: number | undefined; since: string | undefined } | { error: string } {
  let tail: number | undefined = defaultTail;
  let since: string | undefined;
  const words = text.trim().split(/\s+/).filter(Boolean);
  let sawTail = false;
  for (const w of words) {
    if (/^\d+$/.test(w)) {
      tail = Number(w);
      sawTail = true;
    } else if (w === 'all') {
      tail = undefined;
      sawTail = true;
    } else if ((duration.test(w) && w !== '') || !Number.isNaN(Date.parse(w))) since = w;
    else return { error: `"${w}" is neither a line count (200), all, a duration (10m, 1h30m) nor a date` };
  }
  // Since a moment: every line from then on, unless a count was given as well.
  if (since !== undefined && !sawTail) tail = undefined;
  return { tail, since };
}

/** "tail 1000", "since 10m", "tail 50 since 1h", "all lines": what the stream opened with. */
export function rangeLabel(d: LogsDisplay): string {
  if (d.since !== undefined) return d.tail !== undefined ? `tail ${d.tail} since ${d.since}` : `since ${d.since}`;
  return d.tail !== undefined ? `tail ${d.tail}` : 'all lines';
}

/** The lines the pane shows: the filter applied (positions are then those of the kept lines). */
export function applyLogsFilter(logs: LogsState, d: LogsDisplay): LogsState {
  if (d.filter === '') return logs;
  const q = d.filter.toLowerCase();
  const lines = logs.lines.filter((l) => l.text.toLowerCase().includes(q) !== d.invert);
  return { ...logs, lines, dropped: 0 };
}

/** "2026-12-06T19:22:06.123" from an RFC 3339 time with nanoseconds and an offset ('' when unknown). */
export function shortTime(t: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,3})?/.exec(t);
  if (!m) return t;
  return `${m[1]}${(m[2] ?? '.').padEnd(4, '0')}`;
}

/** A line of a merged log: which container wrote it (index into the sources). */
export type SourcedLine = LogLine & { readonly source?: number };

/** Cuts `text` into pieces of at most `width` characters (at least one piece). */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  if (text.length <= w) return [text];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += w) out.push(text.slice(i, i + w));
  return out;
}
