// The layer explorer (dive): an image's layers with the build step of each, the selected
// layer's file tree — what it adds (+), modifies (~) and removes (-) against the layers below,
// with sizes — and the image's wasted space and efficiency score. ↑/↓ pick the layer, PgUp/PgDn
// scroll its tree. Pure: the analysis comes from the engine (images.layerFiles).
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { ImageLayerFilesReport, LayerChange } from '../engine/index.js';
import { formatBytes, pad, plural, truncate } from './format.js';
import { Pane } from './Pane.js';
import { Styled } from './Styled.js';
import type { ThemeToken } from './theme.js';

export interface TreeLine {
  readonly depth: number;
  readonly name: string;
  readonly mark: ' ' | '+' | '~' | '-';
  readonly size: number | undefined;
  readonly token: ThemeToken | undefined;
}

const marks = { added: '+', modified: '~', removed: '-' } as const;
const tokens: Readonly<Record<LayerChange['kind'], ThemeToken>> = { added: 'text.ok', modified: 'text.warn', removed: 'text.error' };

/** The changes as a tree: each path under its directories (those not changed themselves shown plain). */
export function changeTree(changes: readonly LayerChange[]): TreeLine[] {
  const out: TreeLine[] = [];
  const shown = new Set<string>();
  const sorted = [...changes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const c of sorted) {
    const clean = c.path.replace(/\/$/, '');
    const parts = clean.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (shown.has(dir)) continue;
      shown.add(dir);
      out.push({ depth: i - 1, name: `${parts[i - 1] ?? ''}/`, mark: ' ', size: undefined, token: 'text.muted' });
    }
    shown.add(clean);
    const isDir = c.type === 'dir' || c.type === 'opaque-dir' || c.path.endsWith('/');
    out.push({
      depth: parts.length - 1,
      name: `${parts[parts.length - 1] ?? ''}${isDir ? '/' : ''}${c.type === 'symlink' ? ' (symlink)' : ''}`,
      mark: marks[c.kind],
      size: c.kind === 'removed' || c.type === 'file' ? c.size : undefined,
      token: tokens[c.kind],
    });
  }
  return out;
}

/** "In short" of a layer's step: without the shell prefix Docker puts in history. */
export function stepText(createdBy: string): string {
  return createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN ') || '(unknown step)';
}

export interface LayersPaneProps {
  readonly label: string | undefined;
  readonly report: ImageLayerFilesReport | undefined;
  readonly error: string | undefined;
  /** The layer picked (undefined: the top one, what a rebuild changed). */
  readonly selected: number | undefined;
  readonly offset: number;
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
}

/** The selected layer's index, clamped. */
export function layerIndex(report: ImageLayerFilesReport | undefined, selected: number | undefined): number {
  const n = report?.layers.length ?? 0;
  if (n === 0) return 0;
  return selected === undefined ? n - 1 : Math.min(Math.max(0, selected), n - 1);
}

/** Rows for the layer list: all of them up to a third of the pane. */
export function layerListRows(height: number, layers: number): number {
  return Math.max(1, Math.min(layers, Math.floor((height - 4) / 3)));
}

/** How many tree lines the pane shows (for scrolling by a page). */
export function treeRows(height: number, layers: number): number {
  return Math.max(1, height - 1 - 1 - layerListRows(height, layers) - 2);
}

export function LayersPane(p: LayersPaneProps) {
  const r = p.report;
  const title = p.label ? `Layers · ${p.label}` : 'Layers';
  const info = r
    ? `${plural(r.layers.length, 'layer')} · ${formatBytes(r.totalBytes)} · wasted ${formatBytes(r.wastedBytes)} · efficiency ${(r.efficiency * 100).toFixed(1)}%`
    : '';
  const lines: ReactNode[] = [];
  if (!p.label)
    lines.push(
      <Styled key="none" token="text.muted">
        Select an image and press L (or L on the Build pane after a build).
      </Styled>,
    );
  else if (p.error)
    lines.push(
      <Styled key="err" token="text.error">
        {p.error}
      </Styled>,
    );
  else if (!r)
    lines.push(
      <Styled key="load" token="text.muted">
        reading the layers…
      </Styled>,
    );
  else {
    const sel = layerIndex(r, p.selected);
    const listRows = layerListRows(p.height, r.layers.length);
    const first = Math.min(Math.max(0, sel - listRows + 1), Math.max(0, r.layers.length - listRows));
    lines.push(
      <Styled key="lh" token="text.muted">
        {truncate(`  #  ${pad('SIZE', 9, 'right')}  CHANGES     STEP`, p.width)}
      </Styled>,
    );
    for (let i = first; i < first + listRows && i < r.layers.length; i++) {
      const l = r.layers[i];
      if (!l) continue;
      const counts = `+${l.changes.filter((c) => c.kind === 'added').length} ~${l.changes.filter((c) => c.kind === 'modified').length} -${l.changes.filter((c) => c.kind === 'removed').length}`;
      const text = `${i === sel ? '›' : ' '}${String(i + 1).padStart(2)}  ${pad(formatBytes(l.size), 9, 'right')}  ${counts.padEnd(10)}  ${stepText(l.createdBy)}`;
      lines.push(
        <Text key={`l${i}`} wrap="truncate-end" inverse={i === sel}>
          {truncate(text, p.width)}
        </Text>,
      );
    }
    const layer = r.layers[sel];
    const tree = changeTree(layer?.changes ?? []);
    const rows = treeRows(p.height, r.layers.length);
    const offset = Math.min(Math.max(0, p.offset), Math.max(0, tree.length - rows));
    const top = r.wasted
      .slice(0, 3)
      .map((w) => `${w.path} ${formatBytes(w.bytes)}`)
      .join(', ');
    lines.push(
      <Text key="w" wrap="truncate-end">
        <Styled token={r.wastedBytes > 0 ? 'text.warn' : 'text.muted'}>
          {r.wastedBytes > 0 ? `wasted: ${top}` : 'wasted: nothing (no file overwritten or removed by a later layer)'}
        </Styled>
      </Text>,
    );
    lines.push(
      <Styled key="th" token="text.heading">
        {truncate(
          `Layer ${sel + 1} files: ${plural(tree.filter((t) => t.mark !== ' ').length, 'change')}${tree.length > rows ? `  ${offset + 1}-${Math.min(tree.length, offset + rows)} of ${tree.length} (PgUp/PgDn)` : ''}`,
          p.width,
        )}
      </Styled>,
    );
    for (const [i, t] of tree.slice(offset, offset + rows).entries()) {
      const size = t.size === undefined ? '' : `${t.mark === '-' ? '-' : ''}${formatBytes(t.size)}`;
      const name = truncate(`${t.mark} ${'  '.repeat(t.depth)}${t.name}`, Math.max(1, p.width - 11));
      lines.push(
        <Text key={`t${offset + i}`} wrap="truncate-end">
          <Styled token={t.token}>{name.padEnd(Math.max(1, p.width - 11))}</Styled>
          <Styled token="text.muted">{size.padStart(10)}</Styled>
        </Text>,
      );
    }
  }
  return (
    <Pane title={title} info={info} focused={p.focused} width={p.width} height={p.height}>
      {lines.slice(0, Math.max(1, p.height - 1))}
    </Pane>
  );
}
