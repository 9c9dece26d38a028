// The Volumes and Networks panes (lazydocker's, k9s's): a list, and the selection inspected —
// beside it on a wide terminal, under it otherwise. d removes the selection after y/N (a volume
// or network in use says by whom instead). Pure: rows come from the hooks (useResources.ts).
import { Box, Text } from 'ink';
import type { NetworkReport, VolumeReport } from '../engine/index.js';
import { ago, listNames, shortId } from './format.js';
import type { Layout } from './layout.js';
import { ListPane } from './ListPane.js';
import type { ListState } from './list-nav.js';
import { Pane } from './Pane.js';
import { Styled } from './Styled.js';
import type { Column, Row } from './Table.js';

export interface VolumeView extends VolumeReport {
  readonly users: readonly string[];
  readonly mounts: readonly { readonly name: string; readonly destination: string; readonly readOnly: boolean; readonly state: string }[];
}

export interface NetworkView extends NetworkReport {
  readonly members: readonly { readonly name: string; readonly ip: string; readonly state: string; readonly aliases: readonly string[] }[];
}

export type ResourceKind = 'volumes' | 'networks';

/** Rows of the inspect block under the list when there is no side pane. */
const inspectRows = 7;

/** Rows of list content: all of them beside a side pane, less the inspect block otherwise. */
export function resourceListRows(layout: Layout): number {
  return layout.side ? layout.listRows : Math.max(3, layout.listRows - inspectRows - 2);
}

const volumeColumns: readonly Column[] = [
  { title: 'NAME', minWidth: 12, weight: 2 },
  { title: 'USED BY', minWidth: 10, weight: 2 },
  { title: 'CREATED', width: 16 },
];

const networkColumns: readonly Column[] = [
  { title: 'NAME', minWidth: 12, weight: 2 },
  { title: 'NETWORK ID', width: 12 },
  { title: 'SUBNET', width: 18 },
  { title: 'CONTAINERS', minWidth: 10, weight: 2 },
];

export function volumeLines(v: VolumeView | undefined, now: number): { label: string; text: string }[] {
  if (!v) return [];
  return [
    { label: 'Name', text: v.name },
    { label: 'Mountpoint', text: v.mountpoint },
    { label: 'Created', text: `${v.createdAt} (${ago(v.createdAt, now)})` },
    { label: 'Used by', text: v.users.length ? listNames(v.users, 6) : 'no container (unused)' },
  ];
}

export function networkLines(n: NetworkView | undefined, now: number): { label: string; text: string }[] {
  if (!n) return [];
  const labels = Object.entries(n.labels);
  return [
    { label: 'Name', text: n.name },
    { label: 'ID', text: n.id },
    { label: 'Bridge', text: `${n.bridge}  subnet ${n.subnet}  gateway ${n.gateway}${n.internal ? '  internal' : ''}` },
    { label: 'Created', text: `${n.createdAt} (${ago(n.createdAt, now)})` },
    ...(labels.length ? [{ label: 'Labels', text: labels.map(([k, v]) => `${k}=${v}`).join('  ') }] : []),
    {
      label: 'Containers',
      text: n.members.length ? n.members.map((m) => `${m.name} ${m.ip}${m.state === 'running' ? '' : ` (${m.state})`}`).join(', ') : 'none',
    },
  ];
}

function InspectPane(p: {
  readonly title: string;
  readonly lines: readonly { label: string; text: string }[];
  readonly empty: string;
  readonly width: number;
  readonly height: number;
}) {
  return (
    <Pane title={p.title} focused={false} width={p.width} height={p.height}>
      {p.lines.length === 0 ? <Styled token="text.muted">{p.empty}</Styled> : null}
      {p.lines.slice(0, Math.max(0, p.height - 1)).map((l) => (
        <Text key={l.label} wrap="truncate-end">
          <Styled token="text.muted">{l.label.padEnd(11)}</Styled>
          {l.text}
        </Text>
      ))}
    </Pane>
  );
}

export interface ResourcePaneProps {
  readonly kind: ResourceKind;
  readonly volumes: readonly VolumeView[];
  readonly networks: readonly NetworkView[];
  /** Before the filter. */
  readonly total: number;
  readonly loaded: boolean;
  readonly error: string | undefined;
  readonly list: ListState;
  readonly filter: string;
  readonly layout: Layout;
  readonly now: number;
}

const volumeRow = (v: VolumeView, now: number): Row => ({
  key: v.name,
  cells: [
    v.name,
    v.users.length ? { text: listNames(v.users, 2), token: 'status.running' } : { text: '–', token: 'text.muted' },
    ago(v.createdAt, now),
  ],
});

const networkRow = (n: NetworkView): Row => ({
  key: n.id,
  cells: [
    n.name,
    shortId(n.id),
    n.subnet,
    n.members.length
      ? listNames(
          n.members.map((m) => m.name),
          2,
        )
      : { text: '–', token: 'text.muted' },
  ],
});

/** The main pane: the list, with the inspect block under it when there is no side pane. */
export function ResourcePane(p: ResourcePaneProps) {
  const m = p.layout.main;
  const listRows = resourceListRows(p.layout);
  const listHeight = listRows + 2;
  const under = !p.layout.side;
  const common = {
    total: p.total,
    list: p.list,
    filter: p.filter,
    focused: true,
    width: m.width,
    height: under ? listHeight : m.height,
    listRows,
    now: p.now,
    loading: !p.loaded,
    ...(p.error ? { note: p.error } : {}),
  };
  const listPane =
    p.kind === 'volumes' ? (
      <ListPane
        {...common}
        title="Volumes"
        items={p.volumes}
        columns={volumeColumns}
        row={(v: VolumeView) => volumeRow(v, p.now)}
        empty={{ none: p.error ?? 'No volumes. dockui volume create NAME makes one.', filtered: 'No volume matches the filter.' }}
      />
    ) : (
      <ListPane
        {...common}
        title="Networks"
        items={p.networks}
        columns={networkColumns}
        row={networkRow}
        empty={{ none: p.error ?? 'No networks. dockui network create NAME makes one.', filtered: 'No network matches the filter.' }}
      />
    );
  if (!under) return listPane;
  return (
    <Box flexDirection="column">
      {listPane}
      <ResourceInspect {...p} width={m.width} height={m.height - listHeight - 2} />
    </Box>
  );
}

/** The selection inspected: the side pane, or the block under the list. */
export function ResourceInspect(p: ResourcePaneProps & { readonly width: number; readonly height: number }) {
  const lines = p.kind === 'volumes' ? volumeLines(p.volumes[p.list.selected], p.now) : networkLines(p.networks[p.list.selected], p.now);
  return (
    <InspectPane
      title={p.kind === 'volumes' ? 'Volume' : 'Network'}
      lines={lines}
      empty="Nothing selected."
      width={p.width}
      height={Math.max(1, p.height)}
    />
  );
}
