// Cursor and scroll window of a virtualized list: only `height` rows are ever drawn, so a list
// of 200 (or 20,000) entries costs the same to render. Pure reducer, tested without Ink.

export interface ListState {
  readonly selected: number;
  /** Index of the first row drawn. */
  readonly offset: number;
}

export type ListMove = 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

export const initialList: ListState = { selected: 0, offset: 0 };

/** Keeps the cursor inside [0, count) and the window around it. */
export function clampList(s: ListState, count: number, height: number): ListState {
  const h = Math.max(1, height);
  if (count <= 0) return s.selected === 0 && s.offset === 0 ? s : initialList;
  const selected = Math.min(Math.max(0, s.selected), count - 1);
  let offset = Math.min(Math.max(0, s.offset), Math.max(0, count - h));
  if (selected < offset) offset = selected;
  if (selected >= offset + h) offset = selected - h + 1;
  return selected === s.selected && offset === s.offset ? s : { selected, offset };
}

export function moveList(s: ListState, move: ListMove, count: number, height: number): ListState {
  const h = Math.max(1, height);
  const last = Math.max(0, count - 1);
  let selected = s.selected;
  switch (move) {
    case 'up':
      selected -= 1;
      break;
    case 'down':
      selected += 1;
      break;
    case 'pageUp':
      selected -= h;
      break;
    case 'pageDown':
      selected += h;
      break;
    case 'top':
      selected = 0;
      break;
    case 'bottom':
      selected = last;
      break;
  }
  return clampList({ selected: Math.min(Math.max(0, selected), last), offset: s.offset }, count, h);
}

/** The slice of `items` the window shows. */
export function visibleSlice<T>(items: readonly T[], s: ListState, height: number): readonly T[] {
  return items.slice(s.offset, s.offset + Math.max(0, height));
}

/** What the list showed at the last render: its rows, the cursor state it was given, the cursor it showed and that row's key. */
export interface ShownSelection<T> {
  readonly items: readonly T[];
  readonly base: ListState;
  readonly shown: ListState;
  readonly key: string | undefined;
}

/**
 * The cursor kept on its row when the rows change under it (a container starts and sorts up, a
 * new one is listed above it), as lazydocker and k9s keep theirs: when the rows are new but the
 * cursor state is the one last shown (the user did not move it) and the row it showed is still
 * listed elsewhere, the cursor moves there, and the window with it, so the row stays put on the
 * screen. The same rows and state as last time: the same cursor. Otherwise `list` as it is.
 */
export function followSelection<T>(
  last: ShownSelection<T> | undefined,
  list: ListState,
  items: readonly T[],
  keyOf: (item: T) => string,
  height: number,
): ListState {
  const s = clampList(list, items.length, height);
  if (!last || last.base !== list) return s;
  if (last.items === items) return clampList(last.shown, items.length, height);
  if (last.key === undefined) return s;
  const at = items[s.selected];
  if (at !== undefined && keyOf(at) === last.key) return s;
  const j = items.findIndex((x) => keyOf(x) === last.key);
  if (j < 0) return s;
  return clampList({ selected: j, offset: s.offset + (j - s.selected) }, items.length, height);
}
