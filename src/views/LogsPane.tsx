import { Text } from 'ink';
import type { LogLine } from '../engine/define.js';
import { highlight, windowStart, type LogsViewState } from './logs-view.js';
import { plural } from './format.js';
import { Pane } from './Pane.js';
import { Styled } from './Styled.js';
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
}

function LogRow(props: { readonly line: LogLine; readonly query: string; readonly current: boolean; readonly width: number }) {
  const { line } = props;
  // The stream is spelled out, not only coloured, so stderr stays visible under NO_COLOR.
  // The current search match is marked in the gutter as well, for terminals without colour.
  const tag = `${line.stream === 'stderr' ? 'err' : 'out'}${props.current ? '▶' : '│'}`;
  const room = Math.max(0, props.width - tag.length);
  const text = line.text.length > room ? line.text.slice(0, room) : line.text;
  return (
    <Text wrap="truncate-end">
      <Styled token={line.stream === 'stderr' ? 'log.stderr' : 'text.muted'}>{tag}</Styled>
      {highlight(text, props.query).map((s, i) =>
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
    </Text>
  );
}

export function LogsPane(p: LogsPaneProps) {
  const rows = Math.max(1, p.height - 1);
  const { logs, view } = p;
  const start = windowStart(view, { dropped: logs.dropped, count: logs.lines.length, height: rows });
  const shown = logs.lines.slice(start - logs.dropped, start - logs.dropped + rows);
  const mode = view.follow ? 'following' : `scrolled (line ${start + 1})`;
  const at = view.match === undefined ? -1 : p.matches.indexOf(view.match);
  const found = at >= 0 ? `match ${at + 1} of ${p.matches.length}` : plural(p.matches.length, 'match', 'matches');
  const search = view.query ? `  /${view.query}: ${found}` : '';
  const info = logs.containerId === undefined ? 'select a container (1) and press l' : `${mode}${search}${logs.ended ? '  (ended)' : ''}`;
  return (
    <Pane title={`Logs${p.title ? ` · ${p.title}` : ''}`} info={info} focused={p.focused} width={p.width} height={p.height}>
      {logs.error ? <Styled token="text.error">{logs.error}</Styled> : null}
      {logs.containerId !== undefined && logs.lines.length === 0 && !logs.error ? <Styled token="text.muted">No output yet.</Styled> : null}
      {shown.map((line, i) => (
        // Keyed by row, not by line: following, every line moves up a row each update, and
        // absolute keys would remount every row (new fibers and Ink nodes) ten times a second.
        <LogRow key={i} line={line} query={view.query} current={view.match === start + i} width={p.width} />
      ))}
    </Pane>
  );
}
