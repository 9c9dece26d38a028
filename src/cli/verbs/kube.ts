// `dockui kube generate`: Kubernetes manifests (multi-document YAML) from containers or a Compose
// project, as podman's `kube generate`; what cannot be mapped is said on stderr.
import { writeFileSync } from 'node:fs';
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';
import type { CliContext } from '../context.js';
import { runSub, type Sub, type SubFlags } from './subcommands.js';

async function generate(ctx: CliContext, f: SubFlags, names: string[]): Promise<number> {
  const m = await ctx.engine.kube.generate({
    containers: names,
    ...(typeof f['compose-project'] === 'string' ? { composeProject: f['compose-project'] } : {}),
    ...(typeof f.type === 'string' ? { type: f.type } : {}),
    ...(f.service === true ? { service: true } : {}),
  });
  for (const n of m.notes) ctx.stderr.write(`dockui: kube generate: ${n}\n`);
  if (typeof f.filename === 'string' && f.filename !== '-') writeFileSync(f.filename, m.yaml);
  else ctx.stdout.write(m.yaml);
  return 0;
}

/** FILE, or "-" for stdin. */
async function source(ctx: CliContext, what: string, pos: readonly string[]): Promise<{ file: string; text?: string }> {
  if (pos.length !== 1) throw new EngineError('invalid_argument', `'dockui kube ${what}' needs one file (or - for stdin)`);
  if (pos[0] !== '-') return { file: pos[0]! };
  const chunks: Buffer[] = [];
  for await (const c of ctx.stdin as AsyncIterable<Buffer>) chunks.push(c);
  return { file: 'stdin', text: Buffer.concat(chunks).toString('utf8') };
}

const strs = (v: SubFlags[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

const subs: Readonly<Record<string, Sub>> = {
  play: {
    synopsis: '[--publish [[IP:][HOSTPORT]:]CONTAINERPORT] FILE|-',
    flags: {
      publish: { value: true, multi: true, help: "publish a container's port on the host (127.0.0.1 unless an IP is given)" },
    },
    async run(ctx, f, pos) {
      const src = await source(ctx, 'play', pos);
      const r = await ctx.engine.kube.play(src.file, {
        ...(src.text !== undefined ? { text: src.text } : {}),
        publish: strs(f.publish),
        signal: ctx.signal,
      });
      for (const n of r.notes) ctx.stderr.write(`dockui: kube play: ${n}\n`);
      for (const v of r.volumes) ctx.stdout.write(`Volume:\n${v}\n`);
      for (const p of r.pods) ctx.stdout.write(`Pod:\n${p.name}\nContainers:\n${p.containers.join('\n')}\n`);
      return 0;
    },
  },
  down: {
    synopsis: '[--force] FILE|-',
    flags: { force: { help: "also remove the volumes of the file's PersistentVolumeClaims" } },
    async run(ctx, f, pos) {
      const src = await source(ctx, 'down', pos);
      const r = await ctx.engine.kube.down(src.file, { ...(src.text !== undefined ? { text: src.text } : {}), force: f.force === true });
      if (r.pods.length) ctx.stdout.write(`Pods stopped and removed:\n${r.pods.join('\n')}\n`);
      if (r.volumes.length) ctx.stdout.write(`Volumes removed:\n${r.volumes.join('\n')}\n`);
      return 0;
    },
  },
  generate: {
    synopsis: 'CONTAINER... | --compose-project NAME [--type deployment|pod] [-s] [-f FILE]',
    flags: {
      'compose-project': { value: true, help: "a Compose project's services (one Deployment each, with Services)" },
      type: { short: 't', value: true, help: 'deployment (default) or pod' },
      service: { short: 's', help: 'a Service for the published and exposed ports' },
      filename: { short: 'f', value: true, help: 'write the YAML to this file (default stdout)' },
    },
    run: generate,
  },
};

export const verb = defineVerb({
  name: 'kube',
  synopsis: 'COMMAND (generate, play, down)',
  summary: 'Kubernetes YAML from what runs here, and Kubernetes YAML run here',
  flags: {},
  stopAtPositional: true,
  run: (ctx, { positionals }) => runSub(ctx, 'kube', subs, positionals),
});
