// `dockui rmi [-f] IMAGE...`: untag (and delete when no name is left), then free the blobs and
// layers nothing references any more.
import { EngineError, formatError } from '../../engine/define.js';
import { tryParseReference } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';

export async function removeImagesCommand(ctx: CliContext, force: boolean, images: readonly string[]): Promise<number> {
  if (images.length === 0) throw new EngineError('invalid_argument', `'dockui rmi' needs at least one image`);
  // Space comes back once at the end when nothing else is running; a running pull or build
  // defers it to the next prune rather than making rmi wait.
  const { results } = await ctx.engine.images.removeMany(images, { force, signal: ctx.signal });
  let failed = 0;
  for (const r of results) {
    if ('error' in r) {
      ctx.stderr.write(`dockui: ${formatError(r.error)}\n`);
      failed++;
      continue;
    }
    for (const u of r.untagged) ctx.stdout.write(`Untagged: ${tryParseReference(u)?.familiar() ?? u}\n`);
    for (const d of r.deleted) ctx.stdout.write(`Deleted: ${d}\n`);
  }
  return failed > 0 ? 1 : 0;
}

export const verb = defineVerb({
  name: 'rmi',
  synopsis: '[OPTIONS] IMAGE [IMAGE...]',
  summary: 'Remove one or more images',
  flags: {
    force: { short: 'f', help: 'Force removal of the image' },
  },
  run: (ctx, { flags, positionals }) => removeImagesCommand(ctx, flags.force ?? false, positionals),
});
