// The Details pane (5) for a volume or a network, opened with Enter on the Volumes (6) or
// Networks (7) pane: a volume's mountpoint, size and the containers mounting it (where, ro/rw);
// a network's subnet, gateway and the containers on it with their address and aliases. Pure:
// the rows come from hooks/useResources.ts, the size from the engine's volumes.size().
import type { DetailLine } from './DetailsPane.js';
import { ago, formatBytes, plural } from './format.js';
import type { NetworkView, VolumeView } from './ResourcePanes.js';

export interface VolumeDetails {
  readonly kind: 'volume';
  readonly volume: VolumeView;
  /** Bytes of its files; undefined while being read (or when it could not be). */
  readonly size: number | undefined;
  readonly sizeError: string | undefined;
}

export interface NetworkDetails {
  readonly kind: 'network';
  readonly network: NetworkView;
}

const stateNote = (state: string) => (state === 'running' ? '' : ` (${state})`);

export function volumeDetailLines(t: VolumeDetails, now: number): DetailLine[] {
  const v = t.volume;
  return [
    { label: 'Name', text: v.name },
    { label: 'Driver', text: 'local' },
    { label: 'Mountpoint', text: v.mountpoint },
    t.sizeError
      ? { label: 'Size', text: t.sizeError, token: 'text.error' }
      : {
          label: 'Size',
          text: t.size === undefined ? 'reading…' : formatBytes(t.size),
          ...(t.size === undefined ? { token: 'text.muted' as const } : {}),
        },
    { label: 'Created', text: `${v.createdAt} (${ago(v.createdAt, now)})` },
    {
      text: `Containers (${v.mounts.length === 0 ? 'none: unused' : plural(new Set(v.mounts.map((m) => m.name)).size, 'container')})`,
      token: 'text.heading',
    },
    ...v.mounts.map(
      (m): DetailLine => ({
        text: `${m.name}  ${m.destination}  ${m.readOnly ? 'ro' : 'rw'}${stateNote(m.state)}`,
        ...(m.state === 'running' ? { token: 'status.running' as const } : {}),
      }),
    ),
  ];
}

export function networkDetailLines(t: NetworkDetails, now: number): DetailLine[] {
  const n = t.network;
  const labels = Object.entries(n.labels);
  return [
    { label: 'Name', text: n.name },
    { label: 'ID', text: n.id },
    { label: 'Driver', text: `bridge (${n.bridge})${n.internal ? ', internal' : ''}` },
    { label: 'Subnet', text: n.subnet },
    { label: 'Gateway', text: n.gateway },
    { label: 'Created', text: `${n.createdAt} (${ago(n.createdAt, now)})` },
    ...(labels.length ? [{ label: 'Labels', text: labels.map(([k, v]) => `${k}=${v}`).join('  ') }] : []),
    { text: `Containers (${n.members.length === 0 ? 'none' : n.members.length})`, token: 'text.heading' },
    ...n.members.map(
      (m): DetailLine => ({
        text: `${m.name}  ${m.ip}${m.aliases.length ? `  aliases ${m.aliases.join(', ')}` : ''}${stateNote(m.state)}`,
        ...(m.state === 'running' ? { token: 'status.running' as const } : {}),
      }),
    ),
  ];
}
