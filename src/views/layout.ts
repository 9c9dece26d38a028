// Full-screen layout from one measurement of the terminal. Pure, so it is tested without a
// terminal and every pane gets explicit sizes instead of measuring itself.

export const minColumns = 80;
export const minRows = 24;

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface Layout {
  /** The terminal is smaller than 80×24: the app shows only a message asking for more room. */
  readonly tooSmall: boolean;
  readonly width: number;
  /** Rows the app draws: one less than the terminal (see below). */
  readonly height: number;
  readonly tabs: Size;
  /** The focused pane, inside its border. */
  readonly main: Size;
  /** A preview of the selection beside a list (Details), on terminals wide enough for both. */
  readonly side: Size | undefined;
  /** Rows of list content in `main` once its header row is drawn. */
  readonly listRows: number;
  readonly status: Size;
  readonly footer: Size;
}

const border = 2;
/** Wide enough that a 100-column list and a 40-column preview both stay readable. */
const sideFrom = 140;

export function computeLayout(term: { readonly columns: number; readonly rows: number }): Layout {
  const columns = Math.max(1, Math.floor(term.columns || minColumns));
  const rows = Math.max(1, Math.floor(term.rows || minRows));
  const tooSmall = columns < minColumns || rows < minRows;
  const width = Math.max(columns, minColumns);
  // One row short of the terminal: when Ink's frame is as tall as the screen it clears the
  // whole terminal on every frame (visible flicker); one row less keeps its line-diff path.
  const height = Math.max(rows, minRows) - 1;
  const tabs = { width, height: 1 };
  const status = { width, height: 1 };
  const footer = { width, height: 1 };
  const paneOuterHeight = height - tabs.height - status.height - footer.height;
  const sideOuter = width >= sideFrom ? Math.floor(width * 0.38) : 0;
  const mainOuter = width - sideOuter;
  const main = { width: mainOuter - border, height: paneOuterHeight - border };
  const side = sideOuter > 0 ? { width: sideOuter - border, height: paneOuterHeight - border } : undefined;
  // One row for the pane's title line, one for the table header.
  const listRows = Math.max(1, main.height - 2);
  return { tooSmall, width, height, tabs, main, side, listRows, status, footer };
}
