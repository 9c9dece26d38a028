// `dockui kube generate`: Kubernetes manifests (multi-document YAML) from containers or a Compose
// project, as podman's `kube generate`; what cannot be mapped is said on stderr.
import { writeFileSync } from 'node:fs';
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

const subs: Readonly<Record<string, Sub>> = {
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
  synopsis: 'COMMAND (generate)',
  summary: 'Kubernetes YAML from what runs here',
  flags: {},
  stopAtPositional: true,
  run: (ctx, { positionals }) => runSub(ctx, 'kube', subs, positionals),
});
