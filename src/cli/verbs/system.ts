// `dockui system df|events|info|check|prune|service`: disk use, a full re-verification of the store, cleanup, and the Engine API.
import { parseArgs, usage } from '../args.js';
import type { CliContext, Verb } from '../context.js';
import { defineVerb } from '../context.js';
import { confirm } from './image.js';
import { humanSize, table } from './images.js';
import { runSub, type Sub } from './subcommands.js';

const pct = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : '');

async function df(ctx: CliContext, flags: { format?: string }): Promise<number> {
  const r = await ctx.engine.system.df();
  const { containers: c, volumes: v } = r;
  const rows = [
    [
      'Images',
      String(r.images.count),
      String(r.images.active),
      humanSize(r.images.size),
      `${humanSize(r.images.reclaimable)}${pct(r.images.reclaimable, r.images.size)}`,
    ],
    ['Containers', String(c.count), String(c.active), humanSize(c.size), `${humanSize(c.reclaimable)}${pct(c.reclaimable, c.size)}`],
    ['Local Volumes', String(v.count), String(v.active), humanSize(v.size), `${humanSize(v.reclaimable)}${pct(v.reclaimable, v.size)}`],
    ['Build Cache', String(r.buildCache.count), '0', '-', '-'],
    ['Blobs', String(r.blobs.count), '-', humanSize(r.blobs.size), '-'],
    ['Layers', String(r.layers.count), '-', humanSize(r.layers.size), '-'],
    ['Temp files', String(r.tmp.count), '-', humanSize(r.tmp.size), humanSize(r.tmp.size)],
  ];
  if (flags.format === 'json') {
    ctx.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  if (flags.format !== undefined && flags.format !== 'table') {
    // A Go template over docker's fields (Type, TotalCount, Active, Size, Reclaimable).
    const { printRows } = await import('../template/index.js');
    const recs = rows.map(([Type, TotalCount, Active, Size, Reclaimable]) => ({ Type, TotalCount, Active, Size, Reclaimable }));
    return printRows(ctx, flags.format, recs, {
      typeName: '*formatter.diskUsageImagesContext',
      headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
      defaultTable: '{{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
    });
  }
  ctx.stdout.write(table(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'], rows));
  return 0;
}

async function check(ctx: CliContext, flags: { quiet?: boolean; repair?: boolean }): Promise<number> {
  const tty = ctx.stderr.isTTY && !flags.quiet;
  const r = await ctx.engine.system.check({
    repair: flags.repair ?? false,
    signal: ctx.signal,
    onProgress: tty ? (done, total) => ctx.stderr.write(`\rchecking ${done}/${total}`) : undefined,
  });
  if (tty) ctx.stderr.write('\r\x1b[K');
  for (const p of r.problems) ctx.stdout.write(`corrupt ${p.kind} ${p.id}: ${p.problem}\n`);
  for (const l of r.leftovers) {
    const what = `${l.kind} ${l.path ?? `pid ${l.pid ?? '?'}`}: ${l.detail}`;
    if (l.removed) ctx.stdout.write(`removed leftover ${what}\n`);
    else ctx.stdout.write(`leftover ${what}${r.repaired ? ` (not removed: ${l.error ?? 'unknown'})` : ''}\n`);
  }
  const idx = r.containerIndex;
  for (const p of idx.problems) ctx.stdout.write(`container index: ${p.kind} ${p.path}: ${p.detail}\n`);
  if (r.repaired && idx.problems.length > 0)
    ctx.stdout.write(
      idx.remaining === 0
        ? `rebuilt the container index from the records\n`
        : `rebuilt the container index: ${idx.remaining} disagreements remain (a container being started or removed meanwhile)\n`,
    );
  const left = r.leftovers.filter((l) => !l.removed).length;
  const removed = r.leftovers.length - left;
  const summary = `checked ${r.blobs} blobs, ${r.layers} layers, ${r.images} images${removed > 0 ? `, removed ${removed} leftover${removed === 1 ? '' : 's'}` : ''}`;
  if (left > 0) {
    ctx.stdout.write(
      `${summary}: ${left} leftover${left === 1 ? '' : 's'} of killed processes (${r.repaired ? 'remove them by hand' : "run 'dockui system check --repair'"})${r.problems.length > 0 ? `, ${r.problems.length} problems` : ''}\n`,
    );
    return 1;
  }
  if (idx.remaining > 0) {
    ctx.stdout.write(
      `${summary}: the container index disagrees with the records in ${idx.remaining} place${idx.remaining === 1 ? '' : 's'} (run 'dockui system check --repair'${r.repaired ? ' again' : ''})${r.problems.length > 0 ? `, ${r.problems.length} problems` : ''}\n`,
    );
    return 1;
  }
  if (r.problems.length > 0) {
    ctx.stdout.write(
      `${summary}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} (remove the images named, prune, and pull again)\n`,
    );
    return 1;
  }
  if (!flags.quiet) ctx.stdout.write(`${summary}: ok\n`);
  return 0;
}

async function prune(ctx: CliContext, flags: { all?: boolean; force?: boolean }): Promise<number> {
  const what = flags.all
    ? 'all images without a container using them, all build cache, partial downloads, temp files and leftovers of killed processes'
    : 'dangling images, partial downloads, and temp files and other leftovers of killed processes';
  if (!flags.force && !(await confirm(ctx, `WARNING! This will remove ${what}.\nAre you sure you want to continue?`))) return 0;
  const r = await ctx.engine.system.prune({ all: flags.all ?? false, signal: ctx.signal });
  const cacheRemoved = r.cacheEntriesRemoved;
  if (r.imagesRemoved.length > 0) {
    ctx.stdout.write('Deleted Images:\n');
    for (const u of r.untagged) ctx.stdout.write(`untagged: ${u}\n`);
    for (const d of r.imagesRemoved) ctx.stdout.write(`deleted: ${d}\n`);
    ctx.stdout.write('\n');
  }
  if (cacheRemoved > 0) ctx.stdout.write(`Deleted build cache entries: ${cacheRemoved}\n\n`);
  if (r.leftoversRemoved > 0) ctx.stdout.write(`Removed leftovers of killed processes: ${r.leftoversRemoved}\n`);
  ctx.stdout.write(
    `Removed ${r.blobsRemoved} blobs, ${r.layersRemoved} layers, ${r.tempRemoved} temp files\nTotal reclaimed space: ${humanSize(r.bytesFreed)}\n`,
  );
  return 0;
}

const subs: Readonly<Record<string, Sub>> = {
  df: {
    noArgs: true,
    synopsis: '[OPTIONS]',
    flags: { format: { value: true, help: 'Pretty-print images using a Go template' } },
    run: (ctx, f) => df(ctx, { format: f.format as string | undefined }),
  },
  check: {
    noArgs: true,
    synopsis: '[OPTIONS]',
    flags: {
      quiet: { short: 'q', help: 'print only problems' },
      repair: {
        help: 'remove leftovers of killed processes (processes, mounts, netns, temp files, stale locks), rebuild the container index',
      },
    },
    run: (ctx, f) => check(ctx, { quiet: f.quiet === true, repair: f.repair === true }),
  },
  prune: {
    noArgs: true,
    synopsis: '[OPTIONS]',
    flags: {
      all: { short: 'a', help: 'Remove all unused images not just dangling ones' },
      force: { short: 'f', help: 'Do not prompt for confirmation' },
    },
    run: (ctx, f) => prune(ctx, { all: f.all === true, force: f.force === true }),
  },
  service: {
    synopsis: '[OPTIONS] [unix:///PATH | tcp://127.0.0.1:PORT]',
    flags: {
      time: { short: 't', value: true, help: 'exit after this many idle seconds (0: never; default 5)' },
      attach: { value: true, help: "(the service's own helper) run a created container attached to this command's stdio" },
    },
    run: async (ctx, f, pos) =>
      (await import('./system-service.js')).serviceRun(
        ctx,
        { time: f.time as string | undefined, attach: f.attach as string | undefined },
        pos,
      ),
  },
  restore: {
    noArgs: true,
    synopsis: '',
    flags: {},
    // What a boot does: containers a reboot left "running" are finished, and those whose restart
    // policy says so (always; unless-stopped and on-failure unless stopped by hand) start again.
    run: async (ctx) => {
      for (const id of await ctx.engine.containers.restore()) ctx.stdout.write(`${id}\n`);
      return 0;
    },
  },
};

export const verb = defineVerb({
  name: 'system',
  synopsis: 'COMMAND (df, events, info, check, prune, restore, service)',
  summary: 'Manage the store (disk use, verification, cleanup), restore containers after a boot, serve the Docker Engine API',
  flags: {},
  stopAtPositional: true,
  run: async (ctx, { positionals }) => {
    const [sub, ...rest] = positionals;
    // docker's `system events` and `system info` are the top-level verbs under another name.
    if (sub === 'events' || sub === 'info') {
      const { verb: v } = (await import(sub === 'events' ? './events.js' : './info.js')) as unknown as { verb: Verb };
      if (rest[0] === '--help' || rest[0] === '-h') {
        ctx.stdout.write(`${usage(`system ${sub}`, v.synopsis, v.flags, v.summary)}\n`);
        return 0;
      }
      return v.run(ctx, parseArgs(`system ${sub}`, rest, v.flags));
    }
    return runSub(ctx, 'system', subs, positionals);
  },
});
