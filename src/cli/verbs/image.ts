// `dockui image ls|rm|prune|inspect|tag`: one module for the image management subverbs.
import { EngineError } from '../../engine/define.js';
import { tryParseReference } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';
import { humanSize, listFlags, listImagesCommand } from './images.js';
import { removeImagesCommand } from './rmi.js';
import { tagCommand } from './tag.js';
import { runSub, type Sub } from './subcommands.js';
import { historyFlags, verb as historyVerb } from './history.js';

/** Asks on a terminal; anything but y/yes is no. Without a terminal there is nobody to ask. */
export async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  if (!ctx.stdin.isTTY) return true;
  ctx.stdout.write(`${question} [y/N] `);
  const answer = await new Promise<string>((resolve) => {
    ctx.stdin.once('data', (d: Buffer) => resolve(d.toString()));
    ctx.stdin.resume();
  });
  ctx.stdin.pause();
  return /^y(es)?$/i.test(answer.trim());
}

export async function pruneImagesCommand(ctx: CliContext, opts: { all: boolean; force: boolean }): Promise<number> {
  const what = opts.all ? 'all images without at least one container associated to them' : 'all dangling images';
  if (!opts.force && !(await confirm(ctx, `WARNING! This will remove ${what}.\nAre you sure you want to continue?`))) return 0;
  const r = await ctx.engine.images.prune({ all: opts.all, signal: ctx.signal });
  if (r.imagesRemoved.length > 0 || r.untagged.length > 0) {
    ctx.stdout.write('Deleted Images:\n');
    for (const u of r.untagged) ctx.stdout.write(`untagged: ${tryParseReference(u)?.familiar() ?? u}\n`);
    for (const d of r.imagesRemoved) ctx.stdout.write(`deleted: ${d}\n`);
    ctx.stdout.write('\n');
  }
  ctx.stdout.write(`Total reclaimed space: ${humanSize(r.bytesFreed)}\n`);
  return 0;
}

export async function inspectImagesCommand(ctx: CliContext, names: readonly string[], format?: string): Promise<number> {
  if (names.length === 0) throw new EngineError('invalid_argument', `'dockui image inspect' needs at least one image`);
  // The same Go templates as `dockui inspect` (a bad template fails before any lookup).
  const { writeInspect } = await import('../template/inspect.js');
  const { TypedJson } = await import('../template/docker-types.js');
  return writeInspect(ctx, format ?? '', async () => {
    const out: unknown[] = [];
    for (const n of names) out.push(new TypedJson(await ctx.engine.images.inspectJson(n), 'types.ImageInspect'));
    return out;
  });
}

const subs: Readonly<Record<string, Sub>> = {
  ls: {
    synopsis: '[OPTIONS] [REPOSITORY[:TAG]]',
    flags: listFlags,
    run: (ctx, f, pos) => listImagesCommand(ctx, f as Parameters<typeof listImagesCommand>[1], pos),
  },
  rm: {
    synopsis: '[OPTIONS] IMAGE [IMAGE...]',
    flags: { force: { short: 'f', help: 'Force removal of the image' } },
    run: (ctx, f, pos) => removeImagesCommand(ctx, f.force === true, pos),
  },
  prune: {
    synopsis: '[OPTIONS]',
    flags: {
      all: { short: 'a', help: 'Remove all unused images, not just dangling ones' },
      force: { short: 'f', help: 'Do not prompt for confirmation' },
    },
    run: (ctx, f, pos) => {
      if (pos.length > 0) throw new EngineError('invalid_argument', `'dockui image prune' takes no arguments`);
      return pruneImagesCommand(ctx, { all: f.all === true, force: f.force === true });
    },
  },
  inspect: {
    synopsis: '[OPTIONS] IMAGE [IMAGE...]',
    flags: { format: { short: 'f', value: true, help: 'Format the output using the given Go template' } },
    run: (ctx, f, pos) => inspectImagesCommand(ctx, pos, f.format as string | undefined),
  },
  tag: { synopsis: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]', flags: {}, run: (ctx, _f, pos) => tagCommand(ctx, pos) },
  history: {
    synopsis: '[OPTIONS] IMAGE',
    flags: historyFlags,
    run: (ctx, f, pos) => historyVerb.run(ctx, { flags: f as Parameters<typeof historyVerb.run>[1]['flags'], positionals: pos }),
  },
};
const aliases: Readonly<Record<string, string>> = { list: 'ls', remove: 'rm', rmi: 'rm' };

export const verb = defineVerb({
  name: 'image',
  synopsis: 'COMMAND (ls, rm, prune, inspect, tag, history)',
  summary: 'Manage images',
  flags: {},
  stopAtPositional: true,
  run: (ctx, { positionals }) => runSub(ctx, 'image', subs, positionals, aliases),
});
