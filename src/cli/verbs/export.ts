// `dockui export`: a container's filesystem as a tar archive, to stdout or -o FILE (written
// beside and renamed, so a failed export leaves no half file), in docker export's words.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

export const verb = defineVerb({
  name: 'export',
  synopsis: '[OPTIONS] CONTAINER',
  summary: "Export a container's filesystem as a tar archive",
  flags: { output: { short: 'o', value: true, help: 'Write to a file, instead of STDOUT' } },
  async run(ctx, { flags, positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', `"dockui export" requires exactly 1 argument.`);
    const name = positionals[0]!;
    if (flags.output === undefined) {
      if ((ctx.stdout as { isTTY?: boolean }).isTTY)
        throw new EngineError('invalid_argument', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
      try {
        await ctx.engine.containers.exportTo(name, ctx.stdout.stream);
      } catch (e) {
        // The reader went away (`| head`): what a shell tool does on SIGPIPE, quietly.
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') return 141;
        throw e;
      }
      return 0;
    }
    const tmp = `${flags.output}.dockui-export-${process.pid}`;
    const out = createWriteStream(tmp, { mode: 0o644 });
    try {
      await ctx.engine.containers.exportTo(name, out);
      await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
      await rename(tmp, flags.output);
    } catch (e) {
      // The file is opened asynchronously: wait for the stream to close (after its open, if that
      // is still under way) before removing it, or the open would create it again afterwards.
      if (!out.closed) await new Promise<void>((res) => (out.once('close', () => res()), out.destroy()));
      await rm(tmp, { force: true });
      throw e;
    }
    return 0;
  },
});
