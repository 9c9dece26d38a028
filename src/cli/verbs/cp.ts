// `dockui cp`: docker cp's words and rules (CONTAINER:PATH on one side, a host path or "-" for a
// tar stream on the other); the copy itself is the engine's (containers.copyFrom/copyTo).
import { EngineError, isEngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

/** docker's splitCpArg: a path that starts with / or . (or has no colon) is local. */
function split(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
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
    if (positionals.length !== 2) throw new EngineError('invalid_argument', `"dockui cp" requires exactly 2 arguments.`);
    const src = split(positionals[0]!);
    const dst = split(positionals[1]!);
    if (src.container !== undefined && dst.container !== undefined)
      throw new EngineError('invalid_argument', 'copying between containers is not supported');
    if (src.container === undefined && dst.container === undefined)
      throw new EngineError('invalid_argument', 'must specify at least one container source');
    const opts = { archive: flags.archive === true, followLink: flags['follow-link'] === true };
    const c = ctx.engine.containers;
    try {
      await copy();
    } catch (e) {
      if (!isEngineError(e) || e.code === 'canceled') throw e;
      // docker cp's failures exit 1 (only run and create use 125); a path docker names so.
      const missing = /^Could not find the file /.test(e.message);
      const where = src.container !== undefined ? `${src.container}:${src.path}` : `${dst.container}:${dst.path}`;
      ctx.stderr.write(`dockui: ${missing && src.container !== undefined ? `No such container:path: ${where}` : e.message}\n`);
      return 1;
    }
    return 0;
    async function copy() {
      if (src.container !== undefined) {
        if (src.path === '') throw new EngineError('invalid_argument', 'source path cannot be empty');
        await c.copyFrom(src.container, src.path, dst.path === '-' ? { stream: ctx.stdout } : { path: dst.path }, opts);
      } else {
        if (dst.path === '') throw new EngineError('invalid_argument', 'destination path cannot be empty');
        await c.copyTo(
          dst.container!,
          src.path === '-' ? { source: ctx.stdin as AsyncIterable<Buffer> } : { path: src.path },
          dst.path,
          opts,
        );
      }
    }
  },
});
