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
  { title: 'STATE', width: 9 },
  { title: 'STATUS', minWidth: 10, weight: 2 },
  { title: 'PORTS', minWidth: 5, weight: 3 },
  { title: 'CPU %', width: 6, align: 'right' },
  { title: 'MEM', width: 8, align: 'right' },
];

// Beside Logs, Build and Details the list is a narrow side pane: the name and state say enough.
const sideColumns: readonly Column[] = [
  { title: 'NAME', minWidth: 6, weight: 1 },
  { title: 'STATE', width: 9 },
];

function stateCell(c: ContainerSummary, stopping: boolean) {
  if (stopping && c.state !== 'exited') return { text: 'stopping…', token: 'status.paused' as const };
  // A running container with a healthcheck: its verdict says more than "running" (and fits the side list).
  if (c.state === 'running' && c.healthStatus !== undefined)
    return {
      text: c.healthStatus,
      token:
        c.healthStatus === 'healthy'
          ? stateTokens.running
          : c.healthStatus === 'unhealthy'
            ? ('status.failed' as const)
            : stateTokens.paused,
    };
  const failed = c.state === 'exited' && (c.exitCode ?? 0) !== 0;
  return { text: c.state, token: failed ? ('status.failed' as const) : stateTokens[c.state] };
}

export function containerRow(c: ContainerSummary, stats: ContainerStats | undefined, now: number, stopping = false): Row {
  const live = c.state === 'running' && stats;
  return {
    key: c.id,
    cells: [
      c.name,
      familiarName(c.image),
      stateCell(c, stopping),
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
  /** Containers whose stop is in its grace period ("stopping…"). */
  readonly stopping?: ReadonlySet<string>;
  /** Containers picked for a batch action. */
  readonly marked?: ReadonlySet<string>;
  /** The side list: NAME and STATE only. */
  readonly narrow?: boolean;
}

export function ContainersPane(p: ContainersPaneProps) {
  return (
    <ListPane
      {...p}
      title="Containers"
      items={p.containers}
      columns={p.narrow ? sideColumns : columns}
      row={(c: ContainerSummary) => {
        const stopping = p.stopping?.has(c.id) ?? false;
        const row = p.narrow ? { key: c.id, cells: [c.name, stateCell(c, stopping)] } : containerRow(c, p.stats.get(c.id), p.now, stopping);
        return p.marked?.has(c.id) ? { ...row, marked: true } : row;
      }}
      empty={{ none: 'No containers. Select an image (2) and press R to run one.', filtered: 'No container matches the filter.' }}
    />
  );
}
