// `dockui save [-o FILE] IMAGE...`: a docker-archive (docker save's format) of images in the store.
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

export const verb = defineVerb({
  name: 'save',
  synopsis: '[-o FILE] IMAGE [IMAGE...]',
  summary: 'Save one or more images to a tar archive (streamed to stdout by default)',
  flags: {
    output: { short: 'o', value: true, help: 'Write to a file, instead of STDOUT' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length === 0) throw new EngineError('invalid_argument', "save needs at least one image (see 'dockui save --help')");
    const out = flags.output;
    if ((out === undefined || out === '-') && ctx.stdout.isTTY)
      throw new EngineError('invalid_argument', 'refusing to write an image archive to a terminal: use -o FILE or redirect stdout');
    if (out === undefined || out === '-') await ctx.engine.images.save(positionals, { stream: ctx.stdout.stream }, { signal: ctx.signal });
    else await ctx.engine.images.save(positionals, { file: out }, { signal: ctx.signal });
    return 0;
  },
});
