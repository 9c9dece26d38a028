import { visibleSlice, type ListState } from './list-nav.js';
import { Pane } from './Pane.js';
import { Table, type Column, type Row } from './Table.js';

/** What every list pane (Containers, Images) gets from the screen. */
export interface ListPaneProps {
  readonly total: number;
  readonly list: ListState;
  readonly filter: string;
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
  readonly listRows: number;
  readonly now: number;
  /** Not read from the engine yet: an empty list says so rather than "none". */
  readonly loading?: boolean;
  /** More for the title line (the sort, what is hidden). */
  readonly note?: string;
  /** How many items the title counts, when the rows hold more than items (group headers). */
  readonly shownCount?: number;
}

/**
 * A pane holding a virtualized table of `items` (already filtered): the count (or "n of total"
 * and the filter) in its title, the rows in view, the selection, and what to say when empty.
 */
export function ListPane<T>(
  p: ListPaneProps & {
    readonly title: string;
    readonly items: readonly T[];
    readonly columns: readonly Column[];
    readonly row: (item: T) => Row;
    /** When there is nothing at all, and when the filter hides everything. */
    readonly empty: { readonly none: string; readonly filtered: string };
  },
) {
  const shown = visibleSlice(p.items, p.list, p.listRows);
  const n = p.shownCount ?? p.items.length;
  const info = `${n === p.total ? p.total : `${n} of ${p.total}`}${p.filter ? `  filter: ${p.filter}` : ''}${p.note ? `  ${p.note}` : ''}`;
  return (
    <Pane title={p.title} info={info} focused={p.focused} width={p.width} height={p.height}>
      <Table
        columns={p.columns}
        rows={shown.map(p.row)}
        width={p.width}
        selected={p.list.selected - p.list.offset}
        emptyText={p.total === 0 ? (p.loading ? 'Loading…' : p.empty.none) : p.empty.filtered}
      />
    </Pane>
  );
}
