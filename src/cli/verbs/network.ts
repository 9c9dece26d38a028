// `dockui network ls|create|inspect|rm|connect|disconnect|prune`: docker's network verbs over the
// facade's networks noun (dockui's bridge networks, beside the built-in modes bridge/host/none).
import { EngineError } from '../../engine/define.js';
import { isBuiltinNetwork, labelMatch, networkJson, networkList, parseFilterArgs, builtinNetworkJson } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';
import { keyValues } from '../key-values.js';
import { printRows } from '../template/index.js';
import { networkColumns } from '../template/columns.js';
import { writeInspect } from '../template/inspect.js';
import { confirm } from './image.js';
import { runSub, type Sub, type SubFlags } from './subcommands.js';

const strs = (v: SubFlags[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

function row(json: Record<string, unknown>, noTrunc: boolean): Record<string, unknown> {
  const labels = json.Labels as Record<string, string>;
  const id = json.Id as string;
  return {
    ID: noTrunc ? id : id.slice(0, 12),
    Name: json.Name,
    Driver: json.Driver,
    Scope: json.Scope,
    IPv6: 'false',
    Internal: String(json.Internal),
    CreatedAt: json.Created,
    Labels: Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    Label: (k: string) => labels[k] ?? '',
  };
}

async function usedNetworks(ctx: CliContext): Promise<Set<string>> {
  return new Set((await ctx.engine.containers.list({ all: true })).flatMap((c) => (c.networks ?? []).map((n) => n.name)));
}

function needs(pos: readonly string[], n: number, what: string): void {
  if (pos.length < n)
    throw new EngineError('invalid_argument', `'dockui network ${what}' needs ${n === 1 ? 'a network' : 'a network and a container'}`);
}

const subs: Readonly<Record<string, Sub>> = {
  ls: {
    synopsis: '[-q] [--no-trunc] [-f FILTER] [--format F]',
    flags: {
      filter: { short: 'f', value: true, multi: true, type: 'filter', help: "Provide filter values (e.g. 'driver=bridge')" },
      format: { value: true, help: 'Pretty-print networks using a Go template' },
      'no-trunc': { help: 'Do not truncate the output' },
      quiet: { short: 'q', help: 'Only display network IDs' },
    },
    noArgs: true,
    async run(ctx, f) {
      const filters = parseFilterArgs(strs(f.filter));
      const nets = networkList(await ctx.engine.networks.list(), filters, filters.has('dangling') ? await usedNetworks(ctx) : undefined);
      let format = typeof f.format === 'string' ? f.format : 'table';
      if (f.quiet === true && (format === 'table' || format === '')) format = '{{.ID}}';
      return printRows(
        ctx,
        format,
        nets.map((n) => row(n, f['no-trunc'] === true)),
        networkColumns,
      );
    },
  },
  create: {
    synopsis: '[-d bridge] [--internal] [--label K=V] NETWORK',
    flags: {
      driver: { short: 'd', value: true, help: 'Driver to manage the Network (default "bridge")' },
      internal: { help: 'Restrict external access to the network' },
      label: { value: true, multi: true, help: 'Set metadata on a network' },
    },
    async run(ctx, f, pos) {
      if (pos.length !== 1) throw new EngineError('invalid_argument', "'dockui network create' takes one network name");
      const name = pos[0]!;
      if (typeof f.driver === 'string' && f.driver !== 'bridge')
        throw new EngineError('invalid_argument', `network driver ${f.driver} is not supported: dockui networks are bridges`);
      if (isBuiltinNetwork(name)) throw new EngineError('invalid_argument', `${name} is a pre-defined network and cannot be created`);
      const r = await ctx.engine.networks.create(name, {
        labels: keyValues(strs(f.label), '--label', 'empty'),
        ...(f.internal === true ? { internal: true } : {}),
      });
      if (!r.created) throw new EngineError('conflict', `network with name ${name} already exists`);
      ctx.stdout.write(`${r.network.id}\n`);
      return 0;
    },
  },
  inspect: {
    synopsis: '[-f FORMAT] NETWORK...',
    flags: { format: { short: 'f', value: true, help: 'Format the output using the given Go template' } },
    async run(ctx, f, pos) {
      needs(pos, 1, 'inspect');
      return writeInspect(ctx, typeof f.format === 'string' ? f.format : '', async () => {
        const all = await ctx.engine.containers.list({ all: true });
        return Promise.all(pos.map(async (n) => builtinNetworkJson(n) ?? networkJson(await ctx.engine.networks.inspect(n), all)));
      });
    },
  },
  rm: {
    synopsis: 'NETWORK...',
    flags: {},
    async run(ctx, _f, pos) {
      needs(pos, 1, 'rm');
      let code = 0;
      for (const n of pos) {
        try {
          if (isBuiltinNetwork(n)) throw new EngineError('invalid_argument', `${n} is a pre-defined network and cannot be removed`);
          await ctx.engine.networks.remove(n);
          ctx.stdout.write(`${n}\n`);
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
          ctx.stderr.write(`dockui: ${e.message}\n`);
          code = 1;
        }
      }
      return code;
    },
  },
  connect: {
    synopsis: '[--alias NAME] NETWORK CONTAINER',
    flags: { alias: { value: true, multi: true, type: 'strings', help: 'Add network-scoped alias for the container' } },
    async run(ctx, f, pos) {
      needs(pos, 2, 'connect');
      if (isBuiltinNetwork(pos[0]!))
        throw new EngineError('invalid_argument', `${pos[0]} is a network mode in dockui: a container cannot be connected to it`);
      await ctx.engine.networks.connect(pos[0]!, pos[1]!, { aliases: strs(f.alias) });
      return 0;
    },
  },
  disconnect: {
    synopsis: 'NETWORK CONTAINER',
    flags: { force: { short: 'f', help: 'Force the container to disconnect from a network' } },
    async run(ctx, _f, pos) {
      needs(pos, 2, 'disconnect');
      await ctx.engine.networks.disconnect(pos[0]!, pos[1]!);
      return 0;
    },
  },
  prune: {
    synopsis: '[-f] [--filter label=K|until=T]',
    flags: {
      filter: { value: true, multi: true, type: 'filter', help: "Provide filter values (e.g. 'until=<timestamp>')" },
      force: { short: 'f', help: 'Do not prompt for confirmation' },
    },
    noArgs: true,
    async run(ctx, f) {
      const filters = parseFilterArgs(strs(f.filter));
      for (const k of filters.keys())
        if (k !== 'label' && k !== 'label!') throw new EngineError('invalid_argument', `invalid filter '${k}'`);
      const question =
        'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';
      if (f.force !== true && !(await confirm(ctx, question))) return 0;
      const gone = await ctx.engine.networks.prune({
        keep: (n) =>
          !(filters.get('label') ?? []).every((l) => labelMatch(n.labels, l)) ||
          (filters.get('label!') ?? []).some((l) => labelMatch(n.labels, l)),
      });
      if (gone.length) ctx.stdout.write(`Deleted Networks:\n${gone.map((n) => `${n}\n`).join('')}`);
      return 0;
    },
  },
};

export const verb = defineVerb({
  name: 'network',
  synopsis: 'COMMAND (connect, create, disconnect, inspect, ls, prune, rm)',
  summary: 'Manage networks',
  flags: {},
  stopAtPositional: true,
  run: (ctx, { positionals }) => runSub(ctx, 'network', subs, positionals, { list: 'ls', remove: 'rm' }),
});
