// `dockui commit`: a new image from a container's changes, in docker commit's words and flags.
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

export const verb = defineVerb({
  name: 'commit',
  synopsis: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  summary: "Create a new image from a container's changes",
  flags: {
    author: { short: 'a', value: true, help: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    change: { short: 'c', value: true, multi: true, help: 'Apply Dockerfile instruction to the created image' },
    message: { short: 'm', value: true, help: 'Commit message' },
    pause: { short: 'p', help: 'Pause container during commit (default true)' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length < 1 || positionals.length > 2)
      throw new EngineError('invalid_argument', '"dockui commit" requires at least 1 and at most 2 arguments.');
    const pause = flags.pause !== false;
    const r = await ctx.engine.containers.commit(positionals[0]!, {
      ...(positionals[1] !== undefined ? { reference: positionals[1] } : {}),
      ...(flags.author !== undefined ? { author: flags.author } : {}),
      ...(flags.message !== undefined ? { message: flags.message } : {}),
      changes: flags.change ?? [],
      pause,
    });
    ctx.stdout.write(`${r.id}\n`);
    return 0;
  },
});
