// Mouse input: the terminal reports presses and the wheel as SGR sequences (ESC [ < b ; x ; y M,
// mode 1006, switched on by src/tui.ts only while the UI is up) and Ink hands each one over as
// one input, ESC stripped. Pure: parsing, and what is under a cell of the screen's layout.
import { paneIds, paneTitles, type PaneId } from './keymap.js';
import type { Layout } from './layout.js';

export interface MouseEvent {
  readonly kind: 'press' | 'release' | 'wheelUp' | 'wheelDown';
  /** 0 left, 1 middle, 2 right (presses and releases). */
  readonly button: number;
  /** 1-based cell, as the terminal counts. */
  readonly x: number;
  readonly y: number;
}

// eslint-disable-next-line no-control-regex -- the ESC Ink may leave in front
const sgr = /^\x1b?\[<(\d+);(\d+);(\d+)([Mm])$/;

/** The mouse event an input is, or undefined when it is a key. */
export function parseMouse(input: string): MouseEvent | undefined {
  const m = sgr.exec(input);
  if (!m) return undefined;
  const code = Number(m[1]);
  const x = Number(m[2]);
  const y = Number(m[3]);
  // Bit 6: the wheel (64 up, 65 down); bit 5: motion (not asked for; ignored); 2-4: modifiers.
  if (code & 64) return { kind: code & 1 ? 'wheelDown' : 'wheelUp', button: -1, x, y };
  return { kind: m[4] === 'm' ? 'release' : 'press', button: code & 3, x, y };
}

/** Where each tab of the tab bar is: ` 1 Containers ` and so on, from column 1. */
export function tabSpans(): readonly { readonly pane: PaneId; readonly from: number; readonly to: number }[] {
  let x = 1;
  return paneIds.map((pane, i) => {
    const w = ` ${i + 1} ${paneTitles[pane]} `.length;
    const span = { pane, from: x, to: x + w - 1 };
    x += w;
    return span;
  });
}

export type MouseTarget =
  | { readonly area: 'tab'; readonly pane: PaneId }
  /** A pane's content: `row` counts from the first row under its title line (0-based). */
  | { readonly area: 'main' | 'side'; readonly row: number }
  | { readonly area: 'none' };

/** What is under the cell (x, y) of a screen drawn with `layout`. */
export function mouseTarget(layout: Layout, x: number, y: number): MouseTarget {
  if (y === 1) {
    const tab = tabSpans().find((t) => x >= t.from && x <= t.to);
    return tab ? { area: 'tab', pane: tab.pane } : { area: 'none' };
  }
  // Under the tab bar: the panes' top border (y 2), their title line (y 3), then content.
  const top = 4;
  const bottom = 2 + layout.main.height;
  if (y < top || y > bottom) return { area: 'none' };
  const mainRight = layout.main.width + 2;
  if (x >= 2 && x < mainRight) return { area: 'main', row: y - top };
  if (layout.side && x > mainRight + 1 && x < mainRight + layout.side.width + 2) return { area: 'side', row: y - top };
  return { area: 'none' };
}
