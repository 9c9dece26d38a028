// The Stats pane (lazydocker's and ctop's graphs, k9s's pulse): the host's summary line, then the
// container's CPU, memory, network and block IO over the last minutes as sparklines, and its
// processes (top), all refreshed live while the pane is in view.
import { Text } from 'ink';
import type { ContainerSummary } from '../engine/define.js';
import type { HostReport, TopReport } from '../engine/index.js';
import { formatBytes, plural, truncate } from './format.js';
import { Pane } from './Pane.js';
import { sparkline } from './sparkline.js';
import { Styled } from './Styled.js';
import type { StatsPointView } from './view-models.js';

export interface StatsPaneProps {
  readonly container: ContainerSummary | undefined;
  readonly points: readonly StatsPointView[];
  readonly top: TopReport | undefined;
  readonly topError: string | undefined;
  readonly host: HostReport | undefined;
  readonly running: number;
  readonly total: number;
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
}

/** The k9s-style pulse: containers running of all, host CPU, memory and load. */
export function hostLine(host: HostReport | undefined, running: number, total: number): string {
  const counts = `${running}/${total} running`;
  if (!host) return `${counts} · host: sampling…`;
  const memPct = host.memTotalBytes > 0 ? Math.round((host.memUsedBytes / host.memTotalBytes) * 100) : 0;
  return `${counts} · CPU ${host.cpuPercent.toFixed(0)}% of ${plural(host.cpus, 'CPU')} · mem ${formatBytes(host.memUsedBytes)} / ${formatBytes(host.memTotalBytes)} (${memPct}%) · load ${host.load.map((l) => l.toFixed(2)).join(' ')}`;
}

const rateText = (v: number | undefined) => (v === undefined ? '–' : `${formatBytes(v)}/s`);

interface Graph {
  readonly label: string;
  readonly value: string;
  readonly values: readonly (number | undefined)[];
  readonly floor: number;
}

export function statsGraphs(points: readonly StatsPointView[]): Graph[] {
  const last = points[points.length - 1];
  return [
    { label: 'CPU', value: last ? `${last.cpuPercent.toFixed(1)}%` : '–', values: points.map((p) => p.cpuPercent), floor: 5 },
    { label: 'MEM', value: last ? formatBytes(last.memoryBytes) : '–', values: points.map((p) => p.memoryBytes), floor: 1 },
    { label: 'NET rx', value: rateText(last?.netRx), values: points.map((p) => p.netRx), floor: 1024 },
    { label: 'NET tx', value: rateText(last?.netTx), values: points.map((p) => p.netTx), floor: 1024 },
    { label: 'IO read', value: rateText(last?.blockRead), values: points.map((p) => p.blockRead), floor: 4096 },
    { label: 'IO write', value: rateText(last?.blockWrite), values: points.map((p) => p.blockWrite), floor: 4096 },
  ];
}

const labelWidth = 9;
const valueWidth = 11;

export function StatsPane(p: StatsPaneProps) {
  const c = p.container;
  const last = p.points[p.points.length - 1];
  const title = c ? `Stats · ${c.name}` : 'Stats';
  const info =
    c && last && c.state === 'running'
      ? `${p.points.length}s of history  pids ${last.pids}${last.memoryLimitBytes ? `  limit ${formatBytes(last.memoryLimitBytes)}` : ''}`
      : '';
  const rows = Math.max(1, p.height - 1);
  const lines: React.ReactNode[] = [];
  lines.push(
    <Text key="host" wrap="truncate-end">
      <Styled token="text.muted">{'host'.padEnd(labelWidth)}</Styled>
      <Styled token="text.accent">{hostLine(p.host, p.running, p.total)}</Styled>
    </Text>,
  );
  if (!c)
    lines.push(
      <Styled key="none" token="text.muted">
        Select a running container and press t.
      </Styled>,
    );
  else if (c.state !== 'running')
    lines.push(
      <Styled key="none" token="text.muted">
        {`${c.name} is ${c.state}: no stats (start it with s on the Containers pane).`}
      </Styled>,
    );
  else {
    const sparkWidth = Math.max(1, p.width - labelWidth - valueWidth - 1);
    for (const g of statsGraphs(p.points))
      lines.push(
        <Text key={g.label} wrap="truncate-end">
          <Styled token="text.muted">{g.label.padEnd(labelWidth)}</Styled>
          <Styled token="text.heading">{g.value.padStart(valueWidth - 1)} </Styled>
          <Styled token="progress.done">{sparkline(g.values, sparkWidth, g.floor)}</Styled>
        </Text>,
      );
    const procs = p.top?.processes ?? [];
    lines.push(
      <Styled key="ph" token="text.heading">
        {p.top ? `Processes (${procs.length})` : p.topError ? `Processes: ${p.topError}` : 'Processes: reading…'}
      </Styled>,
    );
    if (p.top) {
      const titles = p.top.titles;
      const widths = titles.map((t, i) => (i === titles.length - 1 ? 0 : Math.max(t.length, ...procs.map((r) => (r[i] ?? '').length)) + 2));
      const fmt = (cells: readonly string[]) =>
        truncate(cells.map((cell, i) => (widths[i] ? cell.padEnd(widths[i] ?? 0) : cell)).join(''), p.width);
      lines.push(
        <Styled key="pt" token="text.muted">
          {fmt(titles)}
        </Styled>,
      );
      for (const [i, r] of procs.entries()) lines.push(<Text key={`p${i}`}>{fmt(r)}</Text>);
    }
  }
  return (
    <Pane title={title} info={info} focused={p.focused} width={p.width} height={p.height}>
      {lines.slice(0, rows)}
    </Pane>
  );
}
