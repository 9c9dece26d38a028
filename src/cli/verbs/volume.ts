// `dockui volume ls|create|rm|inspect`: named volumes under ROOT/volumes/<name>/_data.
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

export const verb = defineVerb({
  name: 'volume',
  synopsis: 'ls | create NAME | rm NAME... | inspect NAME...',
  summary: 'Manage named volumes',
  flags: { quiet: { short: 'q', help: 'names only (ls)' }, force: { short: 'f', help: 'ignore missing volumes (rm)' } },
  async run(ctx, { flags, positionals }) {
    const [sub, ...names] = positionals;
    const vols = ctx.engine.volumes;
    switch (sub ?? '') {
      case 'ls':
      case 'list': {
        const all = await vols.list();
        ctx.stdout.write(
          flags.quiet
            ? all.map((v) => `${v.name}\n`).join('')
            : `DRIVER    VOLUME NAME\n${all.map((v) => `local     ${v.name}\n`).join('')}`,
        );
        return 0;
      }
      case 'create': {
        if (names.length !== 1) throw new EngineError('invalid_argument', "'dockui volume create' takes one name");
        await vols.create(names[0]!);
        ctx.stdout.write(`${names[0]}\n`);
        return 0;
      }
      case 'rm':
      case 'remove': {
        if (!names.length) throw new EngineError('invalid_argument', "'dockui volume rm' needs a name");
        for (const n of names) {
          try {
            await vols.remove(n);
          } catch (e) {
            if (!(flags.force && (e as EngineError).code === 'not_found')) throw e;
          }
          ctx.stdout.write(`${n}\n`);
        }
        return 0;
      }
      case 'inspect': {
        const all = await vols.list();
        const out = names.map((n) => {
          const v = all.find((x) => x.name === n);
          if (!v) throw new EngineError('not_found', `no such volume: ${n}`);
          return { Name: v.name, Driver: 'local', Mountpoint: v.mountpoint, CreatedAt: v.createdAt };
        });
        ctx.stdout.write(JSON.stringify(out, null, 4) + '\n');
        return 0;
      }
      default:
        throw new EngineError('invalid_argument', `unknown volume command: ${sub ?? '(none)'} (ls, create, rm, inspect)`);
    }
  },
});
