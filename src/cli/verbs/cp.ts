// `dockui cp`: docker cp's words and rules (CONTAINER:PATH on one side, a host path or "-" for a
// tar stream on the other); the copy itself is the engine's (containers.copyFrom/copyTo).
import { EngineError, isEngineError } from '../../engine/define.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';

/** docker's splitCpArg: a path that starts with / or . (or has no colon) is local. */
function split(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

async function copy(ctx: CliContext, args: readonly string[], opts: { archive: boolean; followLink: boolean }): Promise<void> {
  if (args.length !== 2) throw new EngineError('invalid_argument', `"dockui cp" requires exactly 2 arguments.`);
  const src = split(args[0]!);
  const dst = split(args[1]!);
  if (src.container !== undefined && dst.container !== undefined)
    throw new EngineError('invalid_argument', 'copying between containers is not supported');
  if (src.container === undefined && dst.container === undefined)
    throw new EngineError('invalid_argument', 'must specify at least one container source');
  const c = ctx.engine.containers;
  if (src.container !== undefined) {
    if (src.path === '') throw new EngineError('invalid_argument', 'source path cannot be empty');
    try {
      await c.copyFrom(src.container, src.path, dst.path === '-' ? { stream: ctx.stdout.stream } : { path: dst.path }, opts);
    } catch (e) {
      // docker's words for a path missing in the container.
      if (isEngineError(e) && /^Could not find the file /.test(e.message))
        throw new EngineError('not_found', `No such container:path: ${src.container}:${src.path}`);
      throw e;
    }
  } else {
    if (dst.path === '') throw new EngineError('invalid_argument', 'destination path cannot be empty');
    const from = src.path === '-' ? { source: ctx.stdin as AsyncIterable<Buffer> } : { path: src.path };
    await c.copyTo(dst.container!, from, dst.path, opts);
  }
}

export const verb = defineVerb({
  name: 'cp',
  synopsis: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdockui cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  summary: 'Copy files/folders between a container and the local filesystem',
  flags: {
    archive: { short: 'a', help: 'Archive mode (copy all uid/gid information)' },
    'follow-link': { short: 'L', help: 'Always follow symbol link in SRC_PATH' },
  },
  async run(ctx, { flags, positionals }) {
    try {
      await copy(ctx, positionals, { archive: flags.archive === true, followLink: flags['follow-link'] === true });
      return 0;
    } catch (e) {
      // docker cp's failures exit 1 (only run and create use 125).
      if (!isEngineError(e) || e.code === 'canceled') throw e;
      ctx.stderr.write(`dockui: ${e.message}\n`);
      return 1;
    }
  },
});
