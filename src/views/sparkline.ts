// Sparklines for the Stats pane: the last `width` values as block characters ▁▂▃▄▅▆▇█, scaled
// to the window's largest value (or a floor, so that near-idle noise stays low). Pure.

const blocks = '▁▂▃▄▅▆▇█';

/** One character per value, newest right; missing values (no rate yet) are blanks. */
export function sparkline(values: readonly (number | undefined)[], width: number, floor = 0): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const max = Math.max(floor, ...shown.map((v) => v ?? 0));
  let out = '';
  for (const v of shown) {
    if (v === undefined) out += ' ';
    else if (max <= 0) out += blocks[0];
    else out += blocks[Math.min(blocks.length - 1, Math.max(0, Math.round((v / max) * (blocks.length - 1))))];
  }
  return out.padStart(width, ' ');
}
