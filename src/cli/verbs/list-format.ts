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
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

export interface PsRowOptions {
  readonly trunc: boolean;
  /** Measured sizes by container id (ps -s, or a format naming .Size); 0B otherwise, as docker. */
  readonly sizes?: ReadonlyMap<string, { readonly rw: number; readonly rootFs: number }>;
  readonly now: number;
  readonly status: (r: ContainerReport, now: number) => string;
  /** IMAGE as ps shows it (ps.ts's psImage of the listed image). */
  readonly image: (r: ContainerReport) => string;
}

/** One `docker ps` row: the fields of formatter.ContainerContext, Label as a method. */
export function psRow(r: ContainerReport, o: PsRowOptions): Record<string, unknown> {
  const cmd = r.command;
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
    Image: o.image(r),
    Command: JSON.stringify(o.trunc ? ellipsis(cmd, 20) : cmd),
    CreatedAt: goTime(r.createdAt),
    RunningFor: `${units.humanDuration(o.now - Date.parse(r.createdAt), 'ps')} ago`,
    Ports: r.ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', '),
    State: r.state,
    Status: o.status(r, o.now),
    Size: sizeText(o.sizes?.get(r.id)),
    Names: r.name,
    Labels: labels,
    Mounts: mounts,
    LocalVolumes: String(r.mounts.filter((m) => m.type === 'volume').length),
    Networks: r.network,
    Label: (k: string) => r.labels[k] ?? '',
  };
}

/** docker's ContainerContext.Size: "12B (virtual 1.98MB)". */
function sizeText(s: { readonly rw: number; readonly rootFs: number } | undefined): string {
  const rw = units.siSize(s?.rw ?? 0);
  return s && s.rootFs > 0 ? `${rw} (virtual ${units.siSize(s.rootFs)})` : rw;
}

/**
 * `docker ps --format F` (-q: "{{.ID}}" when F is the table; -s: the table gets SIZE). Sizes
 * are measured only when asked for, or when F names .Size, as docker does.
 */
export async function printPs(
  ctx: CliContext,
  format: string,
  recs: readonly ContainerReport[],
  o: PsRowOptions & { quiet: boolean; size: boolean },
): Promise<number> {
  if (o.quiet && (format === 'table' || format === '')) format = '{{.ID}}';
  let columns = psColumns;
  if (format === 'table' && o.size) columns = { ...psColumns, defaultTable: `${psColumns.defaultTable!}\t{{.Size}}` };
  let sizes: Map<string, { rw: number; rootFs: number }> | undefined;
  if (o.size || format.includes('.Size')) {
    const measured = await Promise.all(recs.map((r) => ctx.engine.containers.size(r.id).catch(() => undefined)));
    sizes = new Map();
    recs.forEach((r, i) => measured[i] && sizes!.set(r.id, measured[i]));
  }
  return printRows(
    ctx,
    format,
    recs.map((r) => psRow(r, { ...o, ...(sizes ? { sizes } : {}) })),
    columns,
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
