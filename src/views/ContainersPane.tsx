import { useContext } from 'react';
import type { ContainerState, ContainerStats, ContainerSummary } from '../engine/define.js';
import { containerStatus, familiarName, formatBytes, formatPorts } from './format.js';
import { ListPane, type ListPaneProps } from './ListPane.js';
import type { Column, Row } from './Table.js';
import type { ThemeToken } from './theme.js';
import { TuiConfigContext } from './tui-config.js';
import { groupRunning, groupStates, type ContainerEntry, type ContainerGroup } from './groups.js';

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

/**
 * A Compose project's or a pod's header row: ▾/▸ and its name, its kind, how many run, then each
 * service's (member's) state across the rest of the row. `pick`: tui.yaml's columns, by title.
 */
export function groupRow(g: ContainerGroup, narrow: boolean, pick?: readonly string[]): Row {
  const running = groupRunning(g);
  const total = g.members.length;
  const name = { text: `${g.collapsed ? '▸' : '▾'} ${g.name}`, token: 'text.heading' as const };
  const state = {
    text: `${running}/${total} up`,
    token: running === 0 ? stateTokens.exited : running === total ? stateTokens.running : stateTokens.paused,
  };
  const key = `group:${g.kind}:${g.id}`;
  if (narrow) return { key, cells: [name, state] };
  const kind = { text: g.kind === 'project' ? 'compose project' : 'pod', token: 'text.muted' as const };
  const states = groupStates(g) + (g.infra?.ports.length ? `  ports ${formatPorts(g.infra.ports)}` : '');
  if (pick) {
    const byTitle: Record<string, Row['cells'][number]> = { NAME: name, IMAGE: kind, STATE: state, STATUS: states };
    return { key, cells: pick.map((t) => byTitle[t] ?? '') };
  }
  return { key, cells: [name, kind, state, states], spanLast: true };
}

export interface ContainersPaneProps extends ListPaneProps {
  /** Already filtered. */
  readonly containers: readonly ContainerSummary[];
  /** The rows: the containers under their project's or pod's header (groups.ts); default: `containers` as they are. */
  readonly entries?: readonly ContainerEntry[];
  readonly stats: ReadonlyMap<string, ContainerStats>;
  /** Containers whose stop is in its grace period ("stopping…"). */
  readonly stopping?: ReadonlySet<string>;
  /** Containers picked for a batch action. */
  readonly marked?: ReadonlySet<string>;
  /** The side list: NAME and STATE only. */
  readonly narrow?: boolean;
}

export function ContainersPane(p: ContainersPaneProps) {
  // The default columns of tui.yaml: which of the full table's, in the file's order.
  const chosen = useContext(TuiConfigContext).columns?.containers;
  const pick = chosen && !p.narrow ? chosen.map((t) => columns.findIndex((c) => c.title === t)).filter((i) => i >= 0) : undefined;
  return (
    <ListPane
      {...p}
      title="Containers"
      items={p.entries ?? p.containers.map((container): ContainerEntry => ({ kind: 'container', container }))}
      columns={p.narrow ? sideColumns : pick ? pick.map((i) => columns[i]!) : columns}
      row={(e: ContainerEntry) => {
        if (e.kind === 'group') {
          return groupRow(
            e.group,
            p.narrow ?? false,
            pick?.map((i) => columns[i]!.title),
          );
        }
        const c = e.container;
        const stopping = p.stopping?.has(c.id) ?? false;
        const base = p.narrow
          ? { key: c.id, cells: [c.name, stateCell(c, stopping)] }
          : containerRow(c, p.stats.get(c.id), p.now, stopping);
        // A member of a project or pod: indented under its header.
        const row = e.group ? { ...base, cells: [`  ${c.name}`, ...base.cells.slice(1)] } : base;
        const shown = pick ? { ...row, cells: pick.map((i) => row.cells[i]!) } : row;
        return p.marked?.has(c.id) ? { ...shown, marked: true } : shown;
      }}
      empty={{ none: 'No containers. Select an image (2) and press R to run one.', filtered: 'No container matches the filter.' }}
    />
  );
}
