import type { ImageSummary } from '../engine/define.js';
import { ago, familiarName, formatBytes, shortId } from './format.js';
import { visibleSlice, type ListState } from './list-nav.js';
import { Pane } from './Pane.js';
import { Table, type Column, type Row } from './Table.js';

/** One row per name, as `docker images` lists them; an image with no name shows <none>:<none>. */
export interface ImageRow {
  readonly ref: string | undefined;
  readonly image: ImageSummary;
}

export function imageRows(images: readonly ImageSummary[]): ImageRow[] {
  return images.flatMap((image): ImageRow[] => (image.names.length === 0 ? [{ ref: undefined, image }] : image.names.map((ref) => ({ ref, image }))));
}

const columns: readonly Column[] = [
  { title: 'REPOSITORY:TAG', minWidth: 10 },
  { title: 'IMAGE ID', width: 12 },
  { title: 'SIZE', width: 8, align: 'right' },
  { title: 'CREATED', width: 16 },
  { title: 'IN USE', width: 6, align: 'right' },
];

export function imageRow(r: ImageRow, now: number): Row {
  return {
    key: `${r.image.id}\u0000${r.ref ?? ''}`,
    cells: [
      r.ref ? familiarName(r.ref) : '<none>:<none>',
      shortId(r.image.id),
      formatBytes(r.image.size),
      ago(r.image.created, now),
      r.image.inUse > 0 ? { text: String(r.image.inUse), token: 'status.running' } : { text: '0', token: 'text.muted' },
    ],
  };
}

export interface ImagesPaneProps {
  readonly rows: readonly ImageRow[];
  readonly total: number;
  readonly list: ListState;
  readonly filter: string;
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
  readonly listRows: number;
  readonly now: number;
}

export function ImagesPane(p: ImagesPaneProps) {
  const shown = visibleSlice(p.rows, p.list, p.listRows);
  const info = `${p.rows.length === p.total ? p.total : `${p.rows.length} of ${p.total}`}${p.filter ? `  filter: ${p.filter}` : ''}`;
  return (
    <Pane title="Images" info={info} focused={p.focused} width={p.width} height={p.height}>
      <Table
        columns={columns}
        rows={shown.map((r) => imageRow(r, p.now))}
        width={p.width}
        selected={p.list.selected - p.list.offset}
        emptyText={p.total === 0 ? 'No images. Press p to pull one.' : 'No image matches the filter.'}
      />
    </Pane>
  );
}
