import { createReadStream } from 'node:fs';
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

export const verb = defineVerb({
  name: 'import',
  synopsis: 'TARBALL|- NAME[:TAG]',
  summary: 'Create a one-layer image from a root filesystem tarball (plain or gzip)',
  flags: {
    message: { short: 'm', value: true, help: 'Set commit message for imported image' },
  },
  async run(ctx, { flags, positionals }) {
    const [file, name, ...extra] = positionals;
    if (file === undefined || name === undefined || extra.length > 0)
      throw new EngineError('invalid_argument', "import takes a tarball (or -) and a name (see 'dockui import --help')");
    let source: NodeJS.ReadableStream;
    if (file === '-') source = ctx.stdin;
    else {
      const s = createReadStream(file);
      await new Promise<void>((res, rej) => {
        s.once('open', () => res());
        s.once('error', (e: NodeJS.ErrnoException) =>
          rej(
            e.code === 'ENOENT'
              ? new EngineError('not_found', `no such file: ${file}`)
              : new EngineError('unavailable', `cannot read ${file}: ${e.message}`),
          ),
        );
      });
      source = s;
    }
    const r = await ctx.engine.images.importRootfs(source as AsyncIterable<Buffer>, name, {
      sourceName: file,
      ...(flags.message ? { message: flags.message } : {}),
      signal: ctx.signal,
    });
    ctx.stdout.write(`${r.id}\n`);
    return 0;
  },
});
