import { Text } from 'ink';
import type { LogLine } from '../engine/define.js';
import { highlight, windowStart, type LogsViewState } from './logs-view.js';
import { initialLogsDisplay, rangeLabel, shortTime, wrapText, type LogsDisplay, type SourcedLine } from './logs-display.js';
import { plural, visible } from './format.js';
import { Pane } from './Pane.js';
import { Styled } from './Styled.js';
import type { ThemeToken } from './theme.js';
import type { LogsState } from './view-models.js';

export interface LogsPaneProps {
  readonly title: string;
  readonly logs: LogsState;
  readonly view: LogsViewState;
  /** Absolute indexes of the lines matching the search. */
  readonly matches: readonly number[];
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
  /** Filter, timestamps, wrap, tail/since (logs-display.ts). */
  readonly display?: LogsDisplay;
  /** The names of the containers of a merged log, by source index. */
  readonly sources?: readonly string[] | undefined;
}

/** Each container of a merged log in its own colour (its name is printed too, for NO_COLOR). */
const sourceTokens: readonly ThemeToken[] = ['text.accent', 'status.running', 'status.paused', 'status.removing', 'build.cached'];

interface RowPrefix {
  readonly tag: string;
  readonly time: string;
  readonly source: { readonly name: string; readonly token: ThemeToken } | undefined;
}

function prefixOf(line: SourcedLine, current: boolean, p: LogsPaneProps, nameWidth: number): RowPrefix {
  // The stream is spelled out, not only coloured, so stderr stays visible under NO_COLOR.
  // The current search match is marked in the gutter as well, for terminals without colour.
  const tag = `${line.stream === 'stderr' ? 'err' : 'out'}${current ? '▶' : '│'}`;
  const time = p.display?.timestamps ? `${line.time ? shortTime(line.time) : '-'.padEnd(23)} ` : '';
  const i = line.source;
  const source =
    p.sources && i !== undefined
      ? { name: `${(p.sources[i] ?? '?').padEnd(nameWidth)}│`, token: sourceTokens[i % sourceTokens.length] ?? 'text.accent' }
      : undefined;
  return { tag, time, source };
}

const prefixLength = (x: RowPrefix) => x.tag.length + x.time.length + (x.source?.name.length ?? 0);

function LogText(props: { readonly line: LogLine; readonly text: string; readonly query: string; readonly current: boolean }) {
  const { line } = props;
  return (
    <>
      {highlight(props.text, props.query).map((s, i) =>
        s.match ? (
          <Styled key={i} token={props.current ? 'selection' : 'log.match'}>
            {s.text}
          </Styled>
        ) : (
          <Styled key={i} token={line.stream === 'stderr' ? 'log.stderr' : 'log.stdout'}>
            {s.text}
          </Styled>
        ),
      )}
    </>
  );
}

function LogRow(props: {
  readonly line: LogLine;
  readonly prefix: RowPrefix;
  readonly text: string;
  /** A continuation row of a wrapped line: the prefix's room is left blank. */
  readonly continued: boolean;
  readonly query: string;
  readonly current: boolean;
}) {
  const { line, prefix } = props;
  if (props.continued)
    return (
      <Text wrap="truncate-end">
        {' '.repeat(prefixLength(prefix))}
        <LogText line={line} text={props.text} query={props.query} current={props.current} />
      </Text>
    );
  return (
    <Text wrap="truncate-end">
      {prefix.source ? <Styled token={prefix.source.token}>{prefix.source.name}</Styled> : null}
      {prefix.time ? <Styled token="text.muted">{prefix.time}</Styled> : null}
      <Styled token={line.stream === 'stderr' ? 'log.stderr' : 'text.muted'}>{prefix.tag}</Styled>
      <LogText line={line} text={props.text} query={props.query} current={props.current} />
    </Text>
  );
}

interface ShownRow {
  readonly abs: number;
  readonly line: LogLine;
  readonly prefix: RowPrefix;
  readonly text: string;
  readonly continued: boolean;
}

export function LogsPane(p: LogsPaneProps) {
  const rows = Math.max(1, p.height - 1);
  const { logs, view } = p;
  const display = p.display ?? initialLogsDisplay;
  const nameWidth = p.sources ? Math.min(16, Math.max(...p.sources.map((n) => n.length))) : 0;
  const start = windowStart(view, { dropped: logs.dropped, count: logs.lines.length, height: rows });
  const rowsOf = (abs: number): ShownRow[] => {
    const line = logs.lines[abs - logs.dropped];
    if (!line) return [];
    const prefix = prefixOf(line, view.match === abs, p, nameWidth);
    const room = Math.max(1, p.width - prefixLength(prefix));
    const text = visible(line.text);
    if (!display.wrap) return [{ abs, line, prefix, text: text.slice(0, room), continued: false }];
    return wrapText(text, room).map((text, i) => ({ abs, line, prefix, text, continued: i > 0 }));
  };
  let shown: ShownRow[] = [];
  if (!display.wrap) for (let a = start; a < start + rows; a++) shown.push(...rowsOf(a));
  else if (view.follow) {
    // Wrapped and following: the newest lines fill the pane from the bottom up.
    for (let a = logs.dropped + logs.lines.length - 1; a >= logs.dropped && shown.length < rows; a--) shown = [...rowsOf(a), ...shown];
    shown = shown.slice(-rows);
  } else {
    for (let a = start; a < logs.dropped + logs.lines.length && shown.length < rows; a++) shown.push(...rowsOf(a));
    shown = shown.slice(0, rows);
  }
  const mode = view.follow ? 'following' : `scrolled (line ${start + 1})`;
  const at = view.match === undefined ? -1 : p.matches.indexOf(view.match);
  const found = at >= 0 ? `match ${at + 1} of ${p.matches.length}` : plural(p.matches.length, 'match', 'matches');
  const search = view.query ? `  /${view.query}: ${found}` : '';
  const only = display.filter ? `  ${display.invert ? 'hiding' : 'only'} "${display.filter}": ${plural(logs.lines.length, 'line')}` : '';
  const range = display.tail !== initialLogsDisplay.tail || display.since !== undefined ? `  ${rangeLabel(display)}` : '';
  const toggles = `${display.timestamps ? '  timestamps' : ''}${display.wrap ? '  wrap' : ''}`;
  const info =
    logs.containerId === undefined
      ? 'select a container (1) and press l'
      : `${mode}${search}${only}${range}${toggles}${logs.ended ? '  (ended)' : ''}`;
  return (
    <Pane title={`Logs${p.title ? ` · ${p.title}` : ''}`} info={info} focused={p.focused} width={p.width} height={p.height}>
      {logs.error ? <Styled token="text.error">{logs.error}</Styled> : null}
      {logs.containerId !== undefined && logs.lines.length === 0 && !logs.error ? (
        <Styled token="text.muted">{display.filter ? 'No line passes the filter.' : 'No output yet.'}</Styled>
      ) : null}
      {shown.map((r, i) => (
        // Keyed by row, not by line: following, every line moves up a row each update, and
        // absolute keys would remount every row (new fibers and Ink nodes) ten times a second.
        <LogRow
          key={i}
          line={r.line}
          prefix={r.prefix}
          text={r.text}
          continued={r.continued}
          query={view.query}
          current={view.match === r.abs}
        />
      ))}
    </Pane>
  );
}
