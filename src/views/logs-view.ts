// Scrolling, following and searching the Logs pane. Lines live in a ring buffer that drops the
// oldest ones, so positions here are absolute (lines ever received): a view scrolled back stays
// on the same text while new lines arrive and old ones fall off.

export interface LogsViewState {
  readonly follow: boolean;
  /** Absolute index of the first line drawn when not following. */
  readonly top: number;
  readonly query: string;
  /** Absolute index of the current match, when a search is active. */
  readonly match: number | undefined;
}

export const initialLogsView: LogsViewState = { follow: true, top: 0, query: '', match: undefined };

/** What the pane holds: the buffered lines and how many older ones were dropped before them. */
export interface LogsWindowInput {
  readonly dropped: number;
  readonly count: number;
  readonly height: number;
}

export type LogsAction =
  | { readonly type: 'scroll'; readonly by: number }
  | { readonly type: 'top' }
  | { readonly type: 'bottom' }
  | { readonly type: 'toggleFollow' }
  | { readonly type: 'search'; readonly query: string; readonly matches: readonly number[] }
  | { readonly type: 'nextMatch'; readonly matches: readonly number[] }
  | { readonly type: 'prevMatch'; readonly matches: readonly number[] }
  | { readonly type: 'reset' };

/** Absolute index of the first line on screen. */
export function windowStart(s: LogsViewState, w: LogsWindowInput): number {
  const h = Math.max(1, w.height);
  const first = w.dropped;
  const lastStart = Math.max(first, w.dropped + w.count - h);
  if (s.follow) return lastStart;
  return Math.min(Math.max(first, s.top), lastStart);
}

function showLine(s: LogsViewState, abs: number, w: LogsWindowInput): LogsViewState {
  const start = windowStart({ ...s, follow: false }, w);
  const h = Math.max(1, w.height);
  let top = start;
  if (abs < start || abs >= start + h) top = Math.max(w.dropped, abs - Math.floor(h / 2));
  return { ...s, follow: false, top, match: abs };
}

export function logsReducer(s: LogsViewState, a: LogsAction, w: LogsWindowInput): LogsViewState {
  switch (a.type) {
    case 'scroll': {
      const start = windowStart(s, w);
      const top = windowStart({ ...s, follow: false, top: start + a.by }, w);
      // Scrolling down onto the last page picks following up again, like `less +F`.
      const atEnd = top >= Math.max(w.dropped, w.dropped + w.count - Math.max(1, w.height));
      return { ...s, top, follow: a.by > 0 && atEnd ? true : a.by > 0 ? s.follow && atEnd : false };
    }
    case 'top':
      return { ...s, follow: false, top: w.dropped };
    case 'bottom':
      return { ...s, follow: true };
    case 'toggleFollow':
      return s.follow ? { ...s, follow: false, top: windowStart(s, w) } : { ...s, follow: true };
    case 'search': {
      const base = { ...s, query: a.query, match: undefined };
      if (a.query === '' || a.matches.length === 0) return base;
      // Start from the newest match: the usual reason to search a log is something recent.
      const last = a.matches[a.matches.length - 1];
      return last === undefined ? base : showLine(base, last, w);
    }
    case 'nextMatch':
    case 'prevMatch': {
      if (a.matches.length === 0) return s;
      const cur = s.match ?? (a.type === 'nextMatch' ? -1 : Number.MAX_SAFE_INTEGER);
      const next =
        a.type === 'nextMatch'
          ? (a.matches.find((m) => m > cur) ?? a.matches[0])
          : ([...a.matches].reverse().find((m) => m < cur) ?? a.matches[a.matches.length - 1]);
      return next === undefined ? s : showLine(s, next, w);
    }
    case 'reset':
      return initialLogsView;
  }
}

/** Absolute indexes of lines containing `query` (case-insensitive). */
export function findMatches(texts: readonly string[], dropped: number, query: string): number[] {
  if (query === '') return [];
  const q = query.toLowerCase();
  const out: number[] = [];
  texts.forEach((t, i) => {
    if (t.toLowerCase().includes(q)) out.push(dropped + i);
  });
  return out;
}

export interface Segment {
  readonly text: string;
  readonly match: boolean;
}

/** Splits `text` around every case-insensitive occurrence of `query`, for highlighting. */
export function highlight(text: string, query: string): readonly Segment[] {
  if (query === '') return [{ text, match: false }];
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const out: Segment[] = [];
  let at = 0;
  for (;;) {
    const i = lower.indexOf(q, at);
    if (i < 0) break;
    if (i > at) out.push({ text: text.slice(at, i), match: false });
    out.push({ text: text.slice(i, i + q.length), match: true });
    at = i + q.length;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), match: false });
  return out;
}
