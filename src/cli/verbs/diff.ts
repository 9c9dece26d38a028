// `dockui diff CONTAINER`: the files and directories changed in the container's writable
// layer, one "A /path", "C /path" or "D /path" line each, as docker prints them.
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

export const verb = defineVerb({
  name: 'diff',
  synopsis: 'CONTAINER',
  summary: "Inspect changes to files or directories on a container's filesystem",
  flags: {},
  async run(ctx, { positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', `'dockui diff' requires exactly 1 argument: CONTAINER`);
    const changes = await ctx.engine.containers.diff(positionals[0]!);
    ctx.stdout.write(changes.map((c) => `${c.kind} ${c.path}\n`).join(''));
    return 0;
  },
});
