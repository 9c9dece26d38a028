// `dockui rmi [-f] IMAGE...`: untag (and delete when no name is left), then free the blobs and
// layers nothing references any more.
import { EngineError, formatError, isEngineError } from '../../engine/define.js';
import { tryParseReference } from '../../engine/registry/reference.js';
import { openStore } from '../../engine/store/index.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';

export async function removeImagesCommand(ctx: CliContext, force: boolean, images: readonly string[]): Promise<number> {
  if (images.length === 0) throw new EngineError('invalid_argument', `'dockui rmi' needs at least one image`);
  const store = await openStore(ctx.paths.root);
  let failed = 0;
  let removedAny = false;
  for (const name of images) {
    try {
      const r = await store.removeImage(name, { force });
      for (const u of r.untagged) ctx.stdout.write(`Untagged: ${tryParseReference(u)?.familiar() ?? u}\n`);
      for (const d of r.deleted) ctx.stdout.write(`Deleted: ${d}\n`);
      removedAny ||= r.deleted.length > 0;
    } catch (e) {
      if (!isEngineError(e)) throw e;
      ctx.stderr.write(`dockui: ${formatError(e)}\n`);
      failed++;
    }
  }
  if (removedAny) {
    // Space comes back now when nothing else is running; a running pull or build defers it to
    // the next prune rather than making rmi wait.
    await store.gc({ waitMs: 0, signal: ctx.signal }).catch((e: unknown) => {
      if (!isEngineError(e) || e.code !== 'unavailable') throw e;
    });
  }
  return failed > 0 ? 1 : 0;
}

export const verb = defineVerb({
  name: 'rmi',
  synopsis: '[OPTIONS] IMAGE [IMAGE...]',
  summary: 'Remove one or more images',
  flags: {
    force: { short: 'f', help: 'remove even when a container uses it, and every name of an id' },
  },
  run: (ctx, { flags, positionals }) => removeImagesCommand(ctx, flags.force ?? false, positionals),
});
