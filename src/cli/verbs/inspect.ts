// `dockui inspect`: containers (Docker's JSON shape), falling back to images from the store.
import { EngineError, isEngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

export const verb = defineVerb({
  name: 'inspect',
  synopsis: '[OPTIONS] NAME|ID [NAME|ID...]',
  summary: 'Show low-level information on containers or images (JSON)',
  flags: {
    type: { value: true, help: 'container or image' },
    format: { short: 'f', value: true, help: 'print one field: {{.State.Status}} style paths' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length === 0) throw new EngineError('invalid_argument', "'dockui inspect' needs at least one name or id");
    if (flags.type && flags.type !== 'container' && flags.type !== 'image')
      throw new EngineError('invalid_argument', `invalid --type ${flags.type}: container or image`);
    const out: unknown[] = [];
    for (const p of positionals) {
      let found: unknown;
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
        } catch (e) {
          if (isEngineError(e) && e.code === 'not_found') throw new EngineError('not_found', `no such object: ${p}`);
          throw e;
        }
      }
      out.push(found);
    }
    if (flags.format) {
      // {{.A.B}} paths only: enough for scripts and tests, no template engine.
      const path = /^\{\{\s*\.([\w.]+)\s*\}\}$/.exec(flags.format.trim())?.[1];
      if (!path) throw new EngineError('invalid_argument', `unsupported --format ${flags.format}: use {{.Field.Sub}}`);
      for (const o of out) {
        let v: unknown = o;
        for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
        ctx.stdout.write(
          `${typeof v === 'object' && v !== null ? JSON.stringify(v) : String((v as string | number | boolean | undefined) ?? '')}\n`,
        );
      }
      return 0;
    }
    ctx.stdout.write(JSON.stringify(out, null, 4) + '\n');
    return 0;
  },
});
