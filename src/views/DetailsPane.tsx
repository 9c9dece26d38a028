import { Text } from 'ink';
import type { ContainerStats, ContainerSummary, ImageSummary } from '../engine/define.js';
import type { ImageDetails } from '../engine/types.js';
import { ago, containerStatus, familiarName, formatBytes, formatPorts, pad, shortId } from './format.js';
import { imageUsersLines, inspectDetailLines } from './container-inspect.js';
import { Pane } from './Pane.js';
import { networkDetailLines, volumeDetailLines, type NetworkDetails, type VolumeDetails } from './resource-details.js';
import { Styled } from './Styled.js';
import type { ThemeToken } from './theme.js';

export type DetailsTarget =
  | {
      readonly kind: 'container';
      readonly container: ContainerSummary;
      readonly stats: ContainerStats | undefined;
      /** The engine's inspect (docker's shape): mounts, networks, labels, health, restarts. */
      readonly inspect?: Record<string, unknown> | undefined;
    }
  | {
      readonly kind: 'image';
      readonly ref: string | undefined;
      readonly summary: ImageSummary;
      readonly details: ImageDetails | undefined;
      readonly error: string | undefined;
      /** The containers made from it (the image → containers relation). */
      readonly users?: readonly ContainerSummary[];
    }
  | VolumeDetails
  | NetworkDetails;

export interface DetailLine {
  readonly label?: string;
  readonly text: string;
  readonly token?: ThemeToken;
  /** A dive-style bar before the text: the share of the largest layer, 0..1. */
  readonly bar?: number;
}

const kv = (label: string, text: string | undefined): DetailLine[] => (text === undefined || text === '' ? [] : [{ label, text }]);

export function containerDetailLines(c: ContainerSummary, stats: ContainerStats | undefined, now: number): DetailLine[] {
  return [
    ...kv('ID', c.id),
    ...kv('Name', c.name),
    ...kv('Image', `${familiarName(c.image)} (${shortId(c.imageId)})`),
    ...kv('Command', c.command),
    { label: 'State', text: `${c.state} — ${containerStatus(c, now)}`, token: c.state === 'running' ? 'status.running' : undefined },
    ...kv('Created', `${c.createdAt} (${ago(c.createdAt, now)})`),
    ...kv('Started', c.startedAt),
    ...kv('Finished', c.finishedAt),
    ...(c.exitCode !== undefined && c.state === 'exited'
      ? kv('Exit code', `${c.exitCode}${c.exitReason ? ` (${c.exitReason})` : ''}`)
      : []),
    ...kv('Ports', c.ports.length ? formatPorts(c.ports) : 'none published'),
    ...kv('PID', c.pid !== undefined ? String(c.pid) : undefined),
    ...(stats && c.state === 'running'
      ? kv(
          'Usage',
          `CPU ${stats.cpuPercent.toFixed(1)}%  memory ${formatBytes(stats.memoryBytes)}${stats.memoryLimitBytes ? ` / ${formatBytes(stats.memoryLimitBytes)}` : ''}  pids ${stats.pids}`,
        )
      : []),
  ];
}

export function imageDetailLines(t: Extract<DetailsTarget, { kind: 'image' }>, now: number): DetailLine[] {
  const s = t.summary;
  const head: DetailLine[] = [
    ...kv('ID', s.id),
    ...kv('Digest', s.digest),
    ...kv('Names', s.names.length ? s.names.map(familiarName).join(', ') : '<none>'),
    ...kv('Size', formatBytes(s.size)),
    ...kv('Created', s.created ? `${s.created} (${ago(s.created, now)})` : undefined),
    ...kv('In use by', `${s.inUse} container${s.inUse === 1 ? '' : 's'}`),
  ];
  const users = t.users ? imageUsersLines(t.users) : [];
  if (t.error) return [...head, ...users, { text: t.error, token: 'text.error' }];
  const d = t.details;
  if (!d) return [...head, ...users, { text: 'loading layers…', token: 'text.muted' }];
  const cfg = d.config;
  const maxLayer = Math.max(1, ...d.layers.map((l) => l.size));
  return [
    ...head,
    ...kv('Platform', `${d.os}/${d.architecture}`),
    ...kv('Entrypoint', cfg.Entrypoint?.join(' ')),
    ...kv('Cmd', cfg.Cmd?.join(' ')),
    ...kv('WorkingDir', cfg.WorkingDir),
    ...kv('User', cfg.User),
    ...kv('Env', cfg.Env?.join('  ')),
    ...kv('Exposed', cfg.ExposedPorts ? Object.keys(cfg.ExposedPorts).join(', ') : undefined),
    ...users,
    { text: `Layers (${d.layers.length})`, token: 'text.heading' },
    ...d.layers.map(
      (l): DetailLine => ({
        text: `${pad(l.emptyLayer ? '0B' : formatBytes(l.size), 8, 'right')}  ${(l.createdBy ?? '').replace(/^\/bin\/sh -c #\(nop\)\s*/, '')}`,
        bar: l.emptyLayer ? 0 : l.size / maxLayer,
      }),
    ),
  ];
}

export function detailLines(t: DetailsTarget | undefined, now: number): DetailLine[] {
  if (!t) return [];
  switch (t.kind) {
    case 'container':
      return [...containerDetailLines(t.container, t.stats, now), ...inspectDetailLines(t.inspect)];
    case 'image':
      return imageDetailLines(t, now);
    case 'volume':
      return volumeDetailLines(t, now);
    case 'network':
      return networkDetailLines(t, now);
  }
}

function detailsName(t: DetailsTarget): string {
  switch (t.kind) {
    case 'container':
      return t.container.name;
    case 'image':
      return t.ref ? familiarName(t.ref) : shortId(t.summary.id);
    case 'volume':
      return `volume ${t.volume.name}`;
    case 'network':
      return `network ${t.network.name}`;
  }
}

const labelWidth = 11;
const barWidth = 10;

export function DetailsPane(p: {
  readonly target: DetailsTarget | undefined;
  readonly offset: number;
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
  readonly now: number;
}) {
  const lines = detailLines(p.target, p.now);
  const rows = Math.max(1, p.height - 1);
  const offset = Math.min(Math.max(0, p.offset), Math.max(0, lines.length - rows));
  const title = !p.target ? 'Details' : `Details · ${detailsName(p.target)}`;
  const info = lines.length > rows ? `${offset + 1}-${Math.min(lines.length, offset + rows)} of ${lines.length}` : '';
  return (
    <Pane title={title} info={info} focused={p.focused} width={p.width} height={p.height}>
      {!p.target ? <Styled token="text.muted">Select a container or an image and press Enter.</Styled> : null}
      {lines.slice(offset, offset + rows).map((l, i) => (
        <Text key={offset + i} wrap="truncate-end">
          {l.label !== undefined ? <Styled token="text.muted">{l.label.padEnd(labelWidth)}</Styled> : null}
          {l.bar !== undefined ? (
            <>
              <Styled token="progress.done">{'█'.repeat(Math.round(l.bar * barWidth))}</Styled>
              <Styled token="progress.todo">{'░'.repeat(barWidth - Math.round(l.bar * barWidth))}</Styled>{' '}
            </>
          ) : null}
          <Styled token={l.token}>{l.text}</Styled>
        </Text>
      ))}
    </Pane>
  );
}
