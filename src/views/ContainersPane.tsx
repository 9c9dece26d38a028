import type { ContainerState, ContainerStats, ContainerSummary } from '../engine/define.js';
import { containerStatus, familiarName, formatBytes, formatPorts } from './format.js';
import { ListPane, type ListPaneProps } from './ListPane.js';
import type { Column, Row } from './Table.js';
import type { ThemeToken } from './theme.js';

export const stateTokens: Readonly<Record<ContainerState, ThemeToken>> = {
  running: 'status.running',
  paused: 'status.paused',
  created: 'status.created',
  exited: 'status.exited',
  removing: 'status.removing',
};

const columns: readonly Column[] = [
  { title: 'NAME', minWidth: 6, weight: 2 },
  { title: 'IMAGE', minWidth: 6, weight: 2, cut: 'ref' },
  { title: 'STATE', width: 8 },
  { title: 'STATUS', minWidth: 10, weight: 2 },
  { title: 'PORTS', minWidth: 5, weight: 3 },
  { title: 'CPU %', width: 6, align: 'right' },
  { title: 'MEM', width: 8, align: 'right' },
];

export function containerRow(c: ContainerSummary, stats: ContainerStats | undefined, now: number): Row {
  const failed = c.state === 'exited' && (c.exitCode ?? 0) !== 0;
  const live = c.state === 'running' && stats;
  return {
    key: c.id,
    cells: [
      c.name,
      familiarName(c.image),
      { text: c.state, token: failed ? 'status.failed' : stateTokens[c.state] },
      containerStatus(c, now),
      formatPorts(c.ports),
      live ? stats.cpuPercent.toFixed(1) : '-',
      live ? formatBytes(stats.memoryBytes) : '-',
    ],
  };
}

export interface ContainersPaneProps extends ListPaneProps {
  /** Already filtered. */
  readonly containers: readonly ContainerSummary[];
  readonly stats: ReadonlyMap<string, ContainerStats>;
}

export function ContainersPane(p: ContainersPaneProps) {
  return (
    <ListPane
      {...p}
      title="Containers"
      items={p.containers}
      columns={columns}
      row={(c: ContainerSummary) => containerRow(c, p.stats.get(c.id), p.now)}
      empty={{ none: 'No containers. Select an image (2) and press R to run one.', filtered: 'No container matches the filter.' }}
    />
  );
}
