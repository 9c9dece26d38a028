// `dockui ps`: kept light (records + a liveness check per running container) since it is a
// benchmark target and the TUI's refresh path.
import { EngineError, listedImage, listedImageNames } from '../../engine/define.js';
import { containerFilter, familiarName, parseFilterArgs, tryParseReference, type ContainerReport } from '../../engine/index.js';
import * as units from '../../format/units.js';
import { defineVerb } from '../context.js';
import { table } from './images.js';
import { flagError } from '../args.js';

/** CREATED and STATUS as `docker ps` words them. */
export function humanDuration(ms: number): string {
  return units.humanDuration(ms, 'ps');
}

export function statusText(r: ContainerReport, now = Date.now()): string {
  switch (r.state) {
    case 'running': {
      const up = `Up ${humanDuration(now - Date.parse(r.startedAt ?? r.createdAt))}`;
      // Docker's Health.String(): "health: starting", "healthy", "unhealthy".
      if (r.healthStatus) return `${up} (${r.healthStatus === 'starting' ? 'health: starting' : r.healthStatus})`;
      return up;
    }
    case 'paused':
      return `Up ${humanDuration(now - Date.parse(r.startedAt ?? r.createdAt))} (Paused)`;
    case 'exited':
      if (r.restarting) return `Restarting (${r.exitCode ?? 0}) ${humanDuration(now - Date.parse(r.finishedAt ?? r.createdAt))} ago`;
      return `Exited (${r.exitCode ?? 0})${r.exitReason ? ` [${r.exitReason}]` : ''} ${humanDuration(now - Date.parse(r.finishedAt ?? r.createdAt))} ago`;
    case 'created':
      return 'Created';
    case 'removing':
      return 'Removal In Progress';
  }
}

/**
 * ps's IMAGE (docker's ContainerContext.Image) of the listed image (define.ts's listedImage):
 * as is with --no-trunc; else an id as its short id, a name as docker shows it (familiar, with
 * its tag if it was given one, without a digest).
 */
export function psImage(image: string, imageId: string, trunc: boolean): string {
  if (image === '') return '<no image>';
  if (!trunc) return image;
  const short = (s: string) => s.slice(s.indexOf(':') + 1).slice(0, 12);
  if (short(image) === short(imageId)) return short(imageId);
  const ref = tryParseReference(image);
  if (!ref) return image;
  return /:[^/]*$/.test(image.split('@')[0]!) && ref.tag ? `${familiarName(ref)}:${ref.tag}` : familiarName(ref);
}

export const verb = defineVerb({
  name: 'ps',
  synopsis: '[OPTIONS]',
  summary: 'List containers',
  flags: {
    all: { short: 'a', help: 'Show all containers (default shows just running)' },
    quiet: { short: 'q', help: 'Only display container IDs' },
    filter: { short: 'f', value: true, multi: true, type: 'filter', help: 'Filter output based on conditions provided' },
    'no-trunc': { help: "Don't truncate output" },
    last: { short: 'n', value: true, type: 'int', help: 'Show n last created containers (includes all states) (default -1)' },
    latest: { short: 'l', help: 'Show the latest created container (includes all states)' },
    size: { short: 's', help: 'Display total file sizes' },
    format: { value: true, help: 'Pretty-print containers using a Go template' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length) throw new EngineError('invalid_argument', `'dockui ps' takes no arguments`);
    let last = flags.latest ? 1 : -1;
    if (flags.last !== undefined) {
      if (!/^-?\d+$/.test(flags.last)) throw flagError(`invalid argument ${JSON.stringify(flags.last)} for "-n, --last" flag`);
      last = Number(flags.last);
    }
    const filters = parseFilterArgs(flags.filter ?? []);
    const all = flags.all || last > 0 || filters.has('status') || filters.has('exited');
    let recs = await ctx.engine.containers.list({ all });
    const named = filters.has('before') || filters.has('since') ? (all ? recs : await ctx.engine.containers.list({ all: true })) : [];
    // ancestor=: the image each value names now (moby's filter); none asked, the store stays closed.
    const ancestors = await ctx.engine.images.ancestorIds(filters.get('ancestor') ?? []);
    if (filters.size) recs = recs.filter(containerFilter(filters, named, ancestors));
    // Newest first: -n N keeps the N last created, as docker's daemon does after filtering.
    if (last > 0) recs = recs.slice(0, last);
    const trunc = !flags['no-trunc'];
    // IMAGE: the name each was created by while it still names its image (dockerd's list).
    const ids = flags.quiet ? new Map<string, string>() : await ctx.engine.images.resolveIds(listedImageNames(recs));
    const image = (r: ContainerReport) => psImage(listedImage(r, ids), r.imageId, trunc);
    const format = flags.format ?? (flags.size && !flags.quiet ? 'table' : undefined);
    if (format !== undefined && !(flags.quiet && format === 'table')) {
      // Loaded only here: a plain `dockui ps` (a benchmark target) does not load templates.
      const { printPs } = await import('./list-format.js');
      return printPs(ctx, format, recs, { trunc, quiet: !!flags.quiet, now: Date.now(), status: statusText, image, size: !!flags.size });
    }
    if (flags.quiet) {
      ctx.stdout.write(recs.map((r) => `${trunc ? r.id.slice(0, 12) : r.id}\n`).join(''));
      return 0;
    }
    const now = Date.now();
    const rows = recs.map((r) => {
      let cmd = JSON.stringify(r.command);
      if (trunc && cmd.length > 22) cmd = `${cmd.slice(0, 20)}…"`;
      const ports = r.ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', ');
      return [
        trunc ? r.id.slice(0, 12) : r.id,
        image(r),
        cmd,
        `${humanDuration(now - Date.parse(r.createdAt))} ago`,
        statusText(r, now),
        ports,
        r.name,
      ];
    });
    // NAMES, the last column, is never empty: the table's trimmed line ends where ps's did.
    ctx.stdout.write(table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], rows));
    return 0;
  },
});
