// `dockui tag SOURCE TARGET`: another name for an image already in the store.
import { EngineError } from '../../engine/define.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';

export async function tagCommand(ctx: CliContext, positionals: readonly string[]): Promise<number> {
  if (positionals.length !== 2) throw new EngineError('invalid_argument', `'dockui tag' takes exactly SOURCE_IMAGE and TARGET_IMAGE[:TAG]`);
  await ctx.engine.images.tag(positionals[0]!, positionals[1]!);
  return 0;
}

export const verb = defineVerb({
  name: 'tag',
  synopsis: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: {},
  run: (ctx, { positionals }) => tagCommand(ctx, positionals),
});
