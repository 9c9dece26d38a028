// `dockui compose logs` (and an attached `up`): each container's lines with its name as a
// prefix ("app-web-1  | "), coloured per container on a terminal; with follow, all at once.
import type { ContainerReport } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { compareText } from '../../engine/define.js';

const colors = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export async function followLogs(
  ctx: CliContext,
  cs: readonly ContainerReport[],
  opts: { follow: boolean; color: boolean; prefix?: boolean; tail?: number; signal: AbortSignal },
): Promise<void> {
  const sorted = [...cs].sort((a, b) => compareText(a.name, b.name));
  const width = Math.max(0, ...sorted.map((c) => c.name.length));
  const one = async (c: ContainerReport, i: number) => {
    const label = c.name.padEnd(width) + '  | ';
    const pre = opts.prefix === false ? '' : opts.color ? `\x1b[${colors[i % colors.length]}m${label}\x1b[0m` : label;
    try {
      for await (const l of ctx.engine.containers.logs(c.id, {
        follow: opts.follow,
        signal: opts.signal,
        ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
      }))
        ctx.stdout.write(`${pre}${l.text}${l.partial ? '' : '\n'}`);
    } catch (e) {
      if (!opts.signal.aborted) throw e;
    }
  };
  if (opts.follow) await Promise.all(sorted.map(one));
  else for (const [i, c] of sorted.entries()) await one(c, i);
}
