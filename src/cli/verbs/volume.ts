// `dockui volume ls|create|rm|inspect`: named volumes under ROOT/volumes/<name>/_data.
import { EngineError } from '../../engine/define.js';
import type { VolumeReport } from '../../engine/index.js';
import { parseArgs, usage } from '../args.js';
import { defineVerb } from '../context.js';
import { volumeColumns } from '../template/columns.js';
import { printRows } from '../template/index.js';
import { writeInspect } from '../template/inspect.js';

function volumeRow(v: VolumeReport): Record<string, unknown> {
  return {
    Name: v.name,
    Driver: 'local',
    Scope: 'local',
    Mountpoint: v.mountpoint,
    Labels: '',
    Links: 'N/A',
    Size: 'N/A',
    Group: 'N/A',
    Availability: 'N/A',
    Status: 'N/A',
    // dockui volumes carry no labels: {{.Label "k"}} is empty, as docker's is for a missing one.
    Label: () => '',
  };
}

/** docker volume inspect's JSON shape. */
function volumeJson(v: VolumeReport): Record<string, unknown> {
  return { CreatedAt: v.createdAt, Driver: 'local', Labels: {}, Mountpoint: v.mountpoint, Name: v.name, Options: {}, Scope: 'local' };
}

const lsFlags = {
  quiet: { short: 'q', help: 'Only display volume names' },
  format: { value: true, help: 'Pretty-print volumes using a Go template' },
} as const;
const rmFlags = { force: { short: 'f', help: 'Force the removal of one or more volumes' } } as const;
const inspectFlags = { format: { short: 'f', value: true, help: 'Format the output using the given Go template' } } as const;

export const verb = defineVerb({
  name: 'volume',
  synopsis: 'ls [-q] [--format F] | create NAME | rm [-f] NAME... | inspect [-f F] NAME...',
  summary: 'Manage named volumes',
  flags: {},
  // Each subcommand has its own flags, as docker's: -f is --force for rm, --format for inspect.
  stopAtPositional: true,
  async run(ctx, { positionals }) {
    const [sub, ...rest] = positionals;
    const spec = sub === 'rm' || sub === 'remove' ? rmFlags : sub === 'inspect' ? inspectFlags : lsFlags;
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.stdout.write(usage(`volume ${sub ?? ''}`, '', spec) + '\n');
      return 0;
    }
    const { flags, positionals: names } = parseArgs(`volume ${sub ?? ''}`, rest, spec) as {
      flags: { quiet?: boolean; force?: boolean; format?: string };
      positionals: string[];
    };
    const vols = ctx.engine.volumes;
    switch (sub ?? '') {
      case 'ls':
      case 'list': {
        const all = await vols.list();
        let format = flags.format ?? 'table';
        if (flags.quiet && (format === 'table' || format === '')) format = '{{.Name}}';
        return printRows(ctx, format, all.map(volumeRow), volumeColumns);
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
        if (!names.length) throw new EngineError('invalid_argument', "'dockui volume inspect' needs a name");
        return writeInspect(ctx, flags.format ?? '', async () => {
          const all = await vols.list();
          return names.map((n) => {
            const v = all.find((x) => x.name === n);
            if (!v) throw new EngineError('not_found', `no such volume: ${n}`);
            return volumeJson(v);
          });
        });
      }
      default:
        throw new EngineError('invalid_argument', `unknown volume command: ${sub ?? '(none)'} (ls, create, rm, inspect)`);
    }
  },
});
