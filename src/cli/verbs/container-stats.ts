// `dockui stats` and `dockui top` (also `container stats|top`): a running container's figures
// and processes, in docker's columns.
import { EngineError, type ContainerStats } from '../../engine/define.js';
import { shortId, type ContainerEngine } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';

const service = (ctx: CliContext): ContainerEngine => ctx.engine.containers;

function formatStats(name: string, s: ContainerStats): string {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)}MiB`;
  return `${shortId(s.id).padEnd(14)}${name.padEnd(24)}${`${s.cpuPercent.toFixed(2)}%`.padEnd(9)}${`${mib(s.memoryBytes)} / ${s.memoryLimitBytes ? mib(s.memoryLimitBytes) : '--'}`.padEnd(24)}${s.pids}\n`;
}

export const statsVerb = defineVerb({
  name: 'stats',
  synopsis: '[OPTIONS] [CONTAINER...]',
  summary: 'Show CPU, memory and pids of running containers',
  flags: { 'no-stream': { help: 'Disable streaming stats and only pull the first result' } },
  async run(ctx, { flags, positionals }) {
    const c = service(ctx);
    const header = `${'CONTAINER ID'.padEnd(14)}${'NAME'.padEnd(24)}${'CPU %'.padEnd(9)}${'MEM USAGE / LIMIT'.padEnd(24)}PIDS\n`;
    for (;;) {
      const targets = positionals.length ? await Promise.all(positionals.map((p) => c.find(p))) : await c.list();
      const rows = await Promise.all(targets.map(async (r) => formatStats(r.name, await c.stats(r.id, 500))));
      if (!flags['no-stream'] && ctx.stdout.isTTY) ctx.stdout.write('\x1b[2J\x1b[H');
      ctx.stdout.write(header + rows.join(''));
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
