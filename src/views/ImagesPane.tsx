import type { ImageSummary } from '../engine/define.js';
import { ago, familiarName, formatBytes, shortId } from './format.js';
import { ListPane, type ListPaneProps } from './ListPane.js';
import type { Column, Row } from './Table.js';

/** One row per name, as `docker images` lists them; an image with no name shows <none>:<none>. */
export interface ImageRow {
  readonly ref: string | undefined;
  readonly image: ImageSummary;
}

export function imageRows(images: readonly ImageSummary[]): ImageRow[] {
  return images.flatMap((image): ImageRow[] =>
    image.names.length === 0 ? [{ ref: undefined, image }] : image.names.map((ref) => ({ ref, image })),
  );
}

const columns: readonly Column[] = [
  { title: 'REPOSITORY:TAG', minWidth: 10, cut: 'ref' },
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

export interface ImagesPaneProps extends ListPaneProps {
  readonly rows: readonly ImageRow[];
}

export function ImagesPane(p: ImagesPaneProps) {
  return (
    <ListPane
      {...p}
      title="Images"
      items={p.rows}
      columns={columns}
      row={(r: ImageRow) => imageRow(r, p.now)}
      empty={{ none: 'No images. Press p to pull one.', filtered: 'No image matches the filter.' }}
    />
  );
}
