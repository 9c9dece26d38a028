// `dockui stats` and `dockui top` (also `container stats|top`): a running container's figures
// and processes, in docker's columns (stats' --format fields are docker's stats formatter's).
import { EngineError, type ContainerStats } from '../../engine/define.js';
import { shortId, type ContainerEngine } from '../../engine/index.js';
import { siSize } from '../../format/units.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';
import { printRows, type RowsOptions } from '../template/index.js';

const service = (ctx: CliContext): ContainerEngine => ctx.engine.containers;

/** docker's units.BytesSize: binary units, four significant digits ("1.539MiB", "23.35GiB"). */
function bytesSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toPrecision(4))}${units[i]}`;
}

/** One `docker stats` row: the fields of docker's stats formatter (CPUPerc, MemUsage, NetIO…). */
function statsRow(given: string, name: string, s: ContainerStats, trunc: boolean, hostMemory: number): Record<string, unknown> {
  const pair = (a: number | undefined, b: number | undefined) => `${siSize(a ?? 0)} / ${siSize(b ?? 0)}`;
  // No limit: the host's memory, as dockerd reports it (and MEM % against it).
  const limit = Math.min(s.memoryLimitBytes ?? hostMemory, hostMemory);
  return {
    Container: given,
    ID: trunc ? shortId(s.id) : s.id,
    Name: name,
    CPUPerc: `${s.cpuPercent.toFixed(2)}%`,
    MemUsage: `${bytesSize(s.memoryBytes)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit ? (s.memoryBytes / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: pair(s.netRxBytes, s.netTxBytes),
    BlockIO: pair(s.blockReadBytes, s.blockWriteBytes),
    PIDs: String(s.pids),
  };
}

const statsColumns: RowsOptions = {
  typeName: '*formatter.statsContext',
  headers: {
    Container: 'CONTAINER',
    ID: 'CONTAINER ID',
    Name: 'NAME',
    CPUPerc: 'CPU %',
    MemUsage: 'MEM USAGE / LIMIT',
    MemPerc: 'MEM %',
    NetIO: 'NET I/O',
    BlockIO: 'BLOCK I/O',
    PIDs: 'PIDS',
  },
  defaultTable: '{{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}',
};

export const statsVerb = defineVerb({
  name: 'stats',
  synopsis: '[OPTIONS] [CONTAINER...]',
  summary: 'Display a live stream of container(s) resource usage statistics',
  flags: {
    all: { short: 'a', help: 'Show all containers (default shows just running)' },
    format: { value: true, help: 'Pretty-print images using a Go template' },
    'no-stream': { help: 'Disable streaming stats and only pull the first result' },
    'no-trunc': { help: 'Do not truncate output' },
  },
  async run(ctx, { flags, positionals }) {
    const c = service(ctx);
    const format = flags.format || 'table';
    const hostMemory = (await import('node:os')).totalmem();
    for (;;) {
      const targets = positionals.length
        ? await Promise.all(positionals.map(async (p) => ({ given: p, r: await c.find(p) })))
        : (await c.list({ all: !!flags.all })).map((r) => ({ given: r.id.slice(0, 12), r }));
      // A container that is not running (or paused) has zero figures, as docker shows it under -a.
      const rows = await Promise.all(
        targets.map(async ({ given, r }) => {
          const s = r.state === 'running' || r.state === 'paused' ? await c.stats(r.id, 500).catch(() => undefined) : undefined;
          return statsRow(
            given,
            r.name,
            s ?? { id: r.id, cpuPercent: 0, memoryBytes: 0, pids: 0, at: Date.now() },
            !flags['no-trunc'],
            hostMemory,
          );
        }),
      );
      let out = '';
      const code = printRows({ stdout: { write: (t: string) => (out += t) }, stderr: ctx.stderr }, format, rows, statsColumns);
      if (code !== 0) return code;
      if (!flags['no-stream'] && ctx.stdout.isTTY) ctx.stdout.write('\x1b[2J\x1b[H');
      ctx.stdout.write(out);
      if (flags['no-stream'] || ctx.signal.aborted) return 0;
    }
  },
});

export const topVerb = defineVerb({
  name: 'top',
  synopsis: 'CONTAINER [ps OPTIONS]',
  summary: 'Display the running processes of a container',
  // Everything after the container is ps's (`dockui top C -o pid,comm`).
  stopAtPositional: true,
  flags: {},
  async run(ctx, { positionals }) {
    if (positionals.length < 1) throw new EngineError('invalid_argument', '"dockui top" requires at least 1 argument.');
    const t = await service(ctx).top(positionals[0]!, positionals.length > 1 ? positionals.slice(1).join(' ') : undefined);
    // docker's table: its tabwriter's cells are at least 20 wide, 3 of padding after the widest.
    const rows = [t.titles, ...t.processes];
    const widths = t.titles.map((_, i) => Math.max(20, ...rows.map((r) => (r[i] ?? '').length + 3)));
    for (const r of rows) ctx.stdout.write(r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]!))).join('') + '\n');
    return 0;
  },
});
