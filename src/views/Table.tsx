// A table in the spirit of ink-table (header row, padded columns), written here because
// ink-table 3.1.0 cannot load under Ink 6: it is CommonJS and require()s Ink, which is ESM with
// top-level await (ERR_REQUIRE_ASYNC_MODULE; test/views/ink-table.test.ts keeps that on record).
// Unlike ink-table it draws only the rows in its window, so 200 rows cost what 20 do, and
// it shows a selection.
import { Box, Text } from 'ink';
import { pad } from './format.js';
import { Styled } from './Styled.js';
import type { ThemeToken } from './theme.js';

export interface Column {
  readonly title: string;
  /** Fixed width in cells; columns without one share what is left, by `weight` (default 1). */
  readonly width?: number;
  readonly weight?: number;
  readonly minWidth?: number;
  readonly align?: 'left' | 'right';
  /** Which end a text too long loses: 'ref' for image references (keeps name:tag). */
  readonly cut?: 'end' | 'ref';
}

export interface Cell {
  readonly text: string;
  readonly token?: ThemeToken;
}

export interface Row {
  readonly key: string;
  /** Picked for a batch action (space): `*` in the gutter. */
  readonly marked?: boolean;
  readonly cells: readonly (string | Cell)[];
  /** The last cell runs on to the row's end, over the columns it does not fill (a group's header row). */
  readonly spanLast?: boolean;
}

const gap = 1;

/** Widths for `columns` in `total` cells: fixed ones first, the rest shared by weight among flexible ones. */
export function columnWidths(columns: readonly Column[], total: number): number[] {
  const fixed = columns.reduce((n, c) => n + (c.width ?? 0), 0);
  const weights = columns.reduce((n, c) => n + (c.width === undefined ? (c.weight ?? 1) : 0), 0);
  const gaps = gap * Math.max(0, columns.length - 1);
  const free = Math.max(0, total - fixed - gaps);
  const widths = columns.map((c) => (c.width !== undefined ? c.width : Math.floor((free * (c.weight ?? 1)) / Math.max(1, weights))));
  // Hand the cells lost to rounding to the flexible columns, left to right.
  let extra = free - widths.reduce((n, w, i) => n + (columns[i]?.width === undefined ? w : 0), 0);
  return widths.map((w, i) => {
    const c = columns[i];
    if (!c || c.width !== undefined) return w;
    const more = extra > 0 ? 1 : 0;
    extra -= more;
    return Math.max(c.minWidth ?? 1, w + more);
  });
}

export interface TableProps {
  readonly columns: readonly Column[];
  /** Only the rows in the window: the caller slices (see list-nav.ts). */
  readonly rows: readonly Row[];
  readonly width: number;
  /** Index within `rows` of the selected row, if it is in the window. */
  readonly selected: number | undefined;
  readonly emptyText?: string;
}

/** The selection is marked by a gutter as well as by inverse video, so it shows where colour and attributes do not. */
const gutter = 2;

export function Table(props: TableProps) {
  const widths = columnWidths(props.columns, props.width - gutter);
  const line = (cells: readonly (string | Cell)[], span = false) =>
    cells.map((c, i) => {
      const text = typeof c === 'string' ? c : c.text;
      const col = props.columns[i];
      const last = span && i === cells.length - 1;
      const width = last ? widths.slice(i).reduce((n, w) => n + w + gap, -gap) : (widths[i] ?? 0);
      return {
        text: pad(text, width, last ? 'left' : col?.align, last ? 'end' : col?.cut) + (i < cells.length - 1 ? ' '.repeat(gap) : ''),
        token: typeof c === 'string' ? undefined : c.token,
      };
    });
  return (
    <Box flexDirection="column" width={props.width}>
      <Styled token="text.heading" wrap="truncate">
        {'  ' +
          line(props.columns.map((c) => c.title))
            .map((c) => c.text)
            .join('')}
      </Styled>
      {props.rows.length === 0 && props.emptyText ? <Styled token="text.muted">{props.emptyText}</Styled> : null}
      {props.rows.map((r, i) =>
        i === props.selected ? (
          // The selected row drops per-cell colours: inverse video over them is what stays legible.
          <Styled key={r.key} token="selection" wrap="truncate">
            {(r.marked ? '›*' : '› ') +
              line(r.cells, r.spanLast)
                .map((c) => c.text)
                .join('')}
          </Styled>
        ) : (
          <Text key={r.key} wrap="truncate-end">
            {r.marked ? ' *' : '  '}
            {line(r.cells, r.spanLast).map((c, j) => (
              <Styled key={j} token={c.token}>
                {c.text}
              </Styled>
            ))}
          </Text>
        ),
      )}
    </Box>
  );
}
