// `dockui load [-i FILE] [-q]`: images from a docker-archive or an oci-archive (plain or gzip).
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

export const verb = defineVerb({
  name: 'load',
  synopsis: '[-i FILE] [-q]',
  summary: 'Load images from a tar archive (docker save or oci-archive; stdin by default)',
  flags: {
    input: { short: 'i', value: true, help: 'Read from tar archive file, instead of STDIN' },
    quiet: { short: 'q', help: 'Suppress the load output' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length > 0)
      throw new EngineError('invalid_argument', "load takes no arguments: use -i FILE or stdin (see 'dockui load --help')");
    const file = flags.input;
    if ((file === undefined || file === '-') && ctx.stdin.isTTY)
      throw new EngineError('invalid_argument', 'load reads the archive from stdin, which is a terminal: use -i FILE or redirect stdin');
    const onLayer = flags.quiet
      ? undefined
      : (diffId: string, size: number, existed: boolean) =>
          ctx.stderr.write(`${existed ? 'Layer exists' : 'Loaded layer'} ${diffId.slice(7, 19)} (${size} bytes)\n`);
    const opts = { signal: ctx.signal, ...(onLayer ? { onLayer } : {}) };
    const images =
      file === undefined || file === '-'
        ? await ctx.engine.images.load({ stream: ctx.stdin, name: 'stdin' }, opts)
        : await ctx.engine.images.load({ file }, opts);
    for (const img of images) {
      for (const r of img.replaced)
        ctx.stdout.write(`The image ${r.name} already exists, renaming the old one with ID ${r.id} to empty string\n`);
      if (img.names.length === 0) ctx.stdout.write(`Loaded image ID: ${img.id}\n`);
      for (const n of img.names) ctx.stdout.write(`Loaded image: ${n}\n`);
    }
    return 0;
  },
});
