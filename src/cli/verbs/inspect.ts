// `dockui inspect`: containers (Docker's JSON shape), falling back to images from the store.
import { EngineError, isEngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';
import { TypedJson } from '../template/docker-types.js';
import { writeInspect } from '../template/inspect.js';

export const verb = defineVerb({
  name: 'inspect',
  synopsis: '[OPTIONS] NAME|ID [NAME|ID...]',
  summary: 'Show low-level information on containers or images (JSON)',
  flags: {
    type: { value: true, help: 'Return JSON for specified type' },
    format: { short: 'f', value: true, help: 'Format the output using the given Go template' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length === 0) throw new EngineError('invalid_argument', "'dockui inspect' needs at least one name or id");
    if (flags.type && flags.type !== 'container' && flags.type !== 'image')
      throw new EngineError('invalid_argument', `invalid --type ${flags.type}: container or image`);
    // A bad template fails before any lookup, as docker's does.
    return writeInspect(ctx, flags.format ?? '', async () => {
      const out: TypedJson[] = [];
      for (const p of positionals) {
        let found: unknown;
        let isImage = false;
        if (flags.type !== 'image') {
          try {
            found = await ctx.engine.containers.inspect(p);
          } catch (e) {
            if (!(isEngineError(e) && e.code === 'not_found') || flags.type === 'container') throw e;
          }
        }
        if (found === undefined) {
          try {
            found = await ctx.engine.images.inspectJson(p);
            isImage = true;
          } catch (e) {
            if (isEngineError(e) && e.code === 'not_found') throw new EngineError('not_found', `no such object: ${p}`);
            throw e;
          }
        }
        out.push(new TypedJson(found, isImage ? 'types.ImageInspect' : 'types.ContainerJSON'));
      }
      return out;
    });
  },
});
