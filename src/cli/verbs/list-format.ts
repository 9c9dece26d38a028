// `ps --format` and `images --format`: docker's row contexts (formatter.ContainerContext,
// formatter.imageContext) as template fields. Loaded only when --format is given, so a plain
// `dockui ps` does not load the template engine.
import type { ContainerReport } from '../../engine/index.js';
import * as units from '../../format/units.js';
import type { CliContext } from '../context.js';
import { imagesColumns, psColumns } from '../template/columns.js';
import { printRows } from '../template/index.js';
import type { ImageRow } from './images.js';

/** Go's time.Time.String() of a Unix second: "2026-12-06 01:09:33 +0000 UTC". */
export function goTime(iso: string | undefined): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return '';
  const d = new Date(Math.floor(t / 1000) * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const zone =
    off === 0
      ? 'UTC'
      : (new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? '');
  const sign = off < 0 ? '-' : '+';
  const offs = `${sign}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${offs} ${zone}`;
}

/** docker's formatter.Ellipsis: at most `max` characters, the last one "…" when cut. */
function ellipsis(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

export interface PsRowOptions {
  readonly trunc: boolean;
  readonly now: number;
  readonly status: (r: ContainerReport, now: number) => string;
}

/** One `docker ps` row: the fields of formatter.ContainerContext, Label as a method. */
export function psRow(r: ContainerReport, o: PsRowOptions): Record<string, unknown> {
  const cmd = [r.path, ...r.args].join(' ');
  const labels = Object.keys(r.labels)
    .sort()
    .map((k) => `${k}=${r.labels[k]}`)
    .join(',');
  const mounts = r.mounts
    .filter((m) => m.type !== 'tmpfs')
    .map((m) => (o.trunc ? ellipsis(m.source, 15) : m.source))
    .join(',');
  return {
    ID: o.trunc ? r.id.slice(0, 12) : r.id,
    Image: units.familiarRef(r.image),
    Command: JSON.stringify(o.trunc ? ellipsis(cmd, 20) : cmd),
    CreatedAt: goTime(r.createdAt),
    RunningFor: `${units.humanDuration(o.now - Date.parse(r.createdAt), 'ps')} ago`,
    Ports: r.ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', '),
    State: r.state,
    Status: o.status(r, o.now),
    // dockui does not measure a container's writable layer (ps --size says so).
    Size: '0B',
    Names: r.name,
    Labels: labels,
    Mounts: mounts,
    LocalVolumes: String(r.mounts.filter((m) => m.type === 'volume').length),
    Networks: r.network,
    Label: (k: string) => r.labels[k] ?? '',
  };
}

/** `docker ps --format F` (-q: "{{.ID}}" when F is the table). */
export function printPs(ctx: CliContext, format: string, recs: readonly ContainerReport[], o: PsRowOptions & { quiet: boolean }): number {
  if (o.quiet && (format === 'table' || format === '')) format = '{{.ID}}';
  return printRows(
    ctx,
    format,
    recs.map((r) => psRow(r, o)),
    psColumns,
  );
}

/** One `docker images` row: the fields of formatter.imageContext. */
export function imageRow(r: ImageRow, trunc: boolean, now: number): Record<string, unknown> {
  const size = units.siSize(r.size);
  return {
    ID: trunc ? units.shortId(r.id) : r.id,
    Repository: r.repository,
    Tag: r.tag,
    Digest: r.digest || '<none>',
    CreatedSince: r.created ? `${units.humanDuration(now - Date.parse(r.created), 'since')} ago` : '',
    CreatedAt: goTime(r.created),
    Size: size,
    // docker images reports these as N/A (only `system df -v` counts them).
    Containers: 'N/A',
    SharedSize: 'N/A',
    UniqueSize: 'N/A',
    VirtualSize: size,
  };
}

/** `docker images --format F`; plain 'table' with --digests has the DIGEST column, -q is "{{.ID}}". */
export function printImages(
  ctx: CliContext,
  format: string,
  rows: readonly ImageRow[],
  o: { trunc: boolean; quiet: boolean; digests: boolean },
): number {
  let columns = imagesColumns;
  if (o.quiet && (format === 'table' || format === '')) format = '{{.ID}}';
  else if (format === 'table' && o.digests)
    columns = { ...imagesColumns, defaultTable: imagesColumns.defaultTable!.replace('{{.Tag}}\t', '{{.Tag}}\t{{.Digest}}\t') };
  const now = Date.now();
  return printRows(
    ctx,
    format,
    rows.map((r) => imageRow(r, o.trunc, now)),
    columns,
  );
}
