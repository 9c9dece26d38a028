// `dockui pod create|ls|ps|rm|start|stop|inspect`: podman's pod verbs over the facade's pods noun
// (an infra container holding network, IPC and UTS namespaces; `dockui run --pod P` joins them).
import { EngineError, isEngineError } from '../../engine/define.js';
import type { PodReport } from '../../engine/index.js';
import * as units from '../../format/units.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';
import { keyValues } from '../key-values.js';
import { printRows, type RowsOptions } from '../template/index.js';
import { writeInspect } from '../template/inspect.js';
import { runSub, type Sub, type SubFlags } from './subcommands.js';

const strs = (v: SubFlags[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

const podColumns: RowsOptions = {
  typeName: '*entities.ListPodsReport',
  headers: { ID: 'POD ID', Name: 'NAME', Status: 'STATUS', Created: 'CREATED', InfraID: 'INFRA ID', NumberOfContainers: '# OF CONTAINERS' },
  defaultTable: '{{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraID}}\t{{.NumberOfContainers}}',
};

/** podman's `pod inspect` shape (the fields dockui has). */
export function podJson(p: PodReport): Record<string, unknown> {
  return {
    Id: p.id,
    Name: p.name,
    Created: p.createdAt,
    State: p.status,
    Hostname: p.hostname,
    Labels: p.labels,
    CreateInfra: true,
    InfraContainerId: p.infraId,
    InfraConfig: {
      PortBindings:
        p.infra?.ports.map((x) => ({
          HostIp: x.hostIp,
          HostPort: String(x.hostPort),
          ContainerPort: `${x.containerPort}/${x.protocol}`,
        })) ?? [],
      Networks: p.networks?.map((n) => n.name) ?? [p.network ?? 'private'],
    },
    SharedNamespaces: ['ipc', 'net', 'uts'],
    NumContainers: p.containers.length + (p.infra ? 1 : 0),
    Containers: [...(p.infra ? [p.infra] : []), ...p.containers].map((c) => ({ Id: c.id, Name: c.name, State: c.state })),
  };
}

/** Runs fn on each pod named; prints its id; one failure among several is reported and the rest go on. */
async function each(ctx: CliContext, what: string, pos: readonly string[], fn: (name: string) => Promise<string>): Promise<number> {
  if (!pos.length) throw new EngineError('invalid_argument', `'dockui pod ${what}' needs at least one pod`);
  let failed = 0;
  for (const n of pos) {
    try {
      ctx.stdout.write(`${await fn(n)}\n`);
    } catch (e) {
      if (pos.length === 1) throw e;
      failed++;
      ctx.stderr.write(`dockui: ${isEngineError(e) ? e.message : String(e)}\n`);
    }
  }
  return failed ? 1 : 0;
}

const subs: Readonly<Record<string, Sub>> = {
  create: {
    synopsis: '[--name NAME] [-p [IP:]HOST:CONTAINER] [--network NET] [--hostname H] [--label K=V]',
    flags: {
      name: { short: 'n', value: true, help: 'assign a name to the pod' },
      publish: { short: 'p', value: true, multi: true, help: "publish a port of the pod's shared network to the host" },
      network: { value: true, help: 'none, host, private (default) or a dockui network' },
      'network-alias': { value: true, multi: true, help: 'another name for the pod on a dockui network' },
      hostname: { value: true, help: "the pod's hostname (default: its name)" },
      label: { short: 'l', value: true, multi: true, help: 'set metadata on the pod' },
    },
    noArgs: true,
    async run(ctx, f) {
      const net = typeof f.network === 'string' ? f.network : undefined;
      const aliases = strs(f['network-alias']);
      if (aliases.length && (net === undefined || ['none', 'host', 'private', 'bridge'].includes(net)))
        throw new EngineError('invalid_argument', '--network-alias needs --network with a dockui network');
      const p = await ctx.engine.pods.create({
        ...(typeof f.name === 'string' ? { name: f.name } : {}),
        publish: strs(f.publish),
        ...(net !== undefined && aliases.length ? { networks: [{ name: net, aliases }] } : net !== undefined ? { network: net } : {}),
        ...(typeof f.hostname === 'string' ? { hostname: f.hostname } : {}),
        labels: keyValues(strs(f.label), '--label', 'empty'),
      });
      ctx.stdout.write(`${p.id}\n`);
      return 0;
    },
  },
  ls: {
    synopsis: '[-q] [--no-trunc] [--format F]',
    flags: {
      format: { value: true, help: "'table {{.Name}}\\t{{.Status}}', 'json' or a Go template" },
      'no-trunc': { help: 'do not truncate the output' },
      quiet: { short: 'q', help: 'only display pod IDs' },
    },
    noArgs: true,
    async run(ctx, f) {
      const full = f['no-trunc'] === true;
      const rows = (await ctx.engine.pods.list()).map((p) => ({
        ID: full ? p.id : p.id.slice(0, 12),
        Name: p.name,
        Status: p.status,
        Created: `${units.humanDuration(Date.now() - Date.parse(p.createdAt), 'ps')} ago`,
        InfraID: full ? p.infraId : p.infraId.slice(0, 12),
        NumberOfContainers: p.containers.length + (p.infra ? 1 : 0),
        Labels: p.labels,
      }));
      let format = typeof f.format === 'string' ? f.format : 'table';
      if (f.quiet === true && (format === 'table' || format === '')) format = '{{.ID}}';
      return printRows(ctx, format, rows, podColumns);
    },
  },
  inspect: {
    synopsis: '[-f FORMAT] POD [POD...]',
    flags: { format: { short: 'f', value: true, help: "'json' or a Go template" } },
    async run(ctx, f, pos) {
      if (!pos.length) throw new EngineError('invalid_argument', "'dockui pod inspect' needs at least one pod");
      const format = typeof f.format === 'string' ? f.format : '';
      return writeInspect(ctx, format, async () => Promise.all(pos.map(async (n) => podJson(await ctx.engine.pods.inspect(n)))));
    },
  },
  start: {
    synopsis: 'POD [POD...]',
    flags: {},
    run: (ctx, _f, pos) => each(ctx, 'start', pos, async (n) => (await ctx.engine.pods.start(n)).id),
  },
  stop: {
    synopsis: '[-t SECONDS] POD [POD...]',
    flags: { time: { short: 't', value: true, help: 'seconds to wait for each container to stop before killing it' } },
    run(ctx, f, pos) {
      const t = typeof f.time === 'string' ? Number(f.time) : undefined;
      if (t !== undefined && (!Number.isFinite(t) || t < 0)) throw new EngineError('invalid_argument', `invalid --time: ${String(f.time)}`);
      return each(ctx, 'stop', pos, async (n) => (await ctx.engine.pods.stop(n, t === undefined ? {} : { timeoutSec: t })).id);
    },
  },
  rm: {
    synopsis: '[-f] POD [POD...]',
    flags: { force: { short: 'f', help: 'stop and remove running containers of the pod too' } },
    run: (ctx, f, pos) =>
      each(ctx, 'rm', pos, async (n) => {
        const p = await ctx.engine.pods.inspect(n);
        await ctx.engine.pods.remove(p.id, { force: f.force === true });
        return p.id;
      }),
  },
};

export const verb = defineVerb({
  name: 'pod',
  synopsis: 'COMMAND (create, ls, ps, inspect, start, stop, rm)',
  summary: 'Manage pods',
  flags: {},
  stopAtPositional: true,
  run: (ctx, { positionals }) => runSub(ctx, 'pod', subs, positionals, { ps: 'ls', list: 'ls' }),
});
