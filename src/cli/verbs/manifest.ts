// `dockui manifest inspect`: a registry's manifest or index under a name, as Docker prints it
// (docker 28 here: a manifest as the registry sent it, tab-indented; an index re-marshalled with
// three spaces; -v: Ref, Descriptor, Raw (base64) and the manifest, tab-indented). Nothing is
// pulled. dockui keeps no local manifest lists, so create/annotate/push/rm are not here.
import { EngineError } from '../../engine/define.js';
import type { ManifestReport } from '../../engine/index.js';
import { defineVerb } from '../context.js';
import { runSub, type Sub } from './subcommands.js';

function verbose(m: ManifestReport): Record<string, unknown> {
  const oci = m.mediaType === 'application/vnd.oci.image.manifest.v1+json';
  return {
    Ref: m.ref,
    Descriptor: {
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.size,
      ...(m.platform ? { platform: m.platform } : {}),
    },
    Raw: m.raw.toString('base64'),
    [oci ? 'OCIManifest' : 'SchemaV2Manifest']: JSON.parse(m.raw.toString('utf8')) as unknown,
  };
}

const subs: Readonly<Record<string, Sub>> = {
  inspect: {
    synopsis: '[OPTIONS] [MANIFEST_LIST] MANIFEST',
    summary: 'Display an image manifest, or manifest list',
    flags: {
      insecure: { help: 'Allow communication with an insecure registry' },
      verbose: { short: 'v', help: 'Output additional info including layers and platform' },
    },
    async run(ctx, f, pos) {
      if (pos.length < 1 || pos.length > 2)
        throw new EngineError('invalid_argument', "'dockui manifest inspect' requires at least 1 and at most 2 arguments", { exitCode: 1 });
      if (pos.length === 2)
        throw new EngineError(
          'invalid_argument',
          `dockui keeps no local manifest lists (no manifest create): inspect ${pos[1]} from its registry with one argument`,
          { exitCode: 1 },
        );
      const r = await ctx.engine.registry.inspectManifest(pos[0]!, {
        verbose: f.verbose === true,
        insecure: f.insecure === true,
        signal: ctx.signal,
      });
      let out: string;
      if (r.kind === 'manifest')
        out = f.verbose ? JSON.stringify(verbose(r), null, '\t') : JSON.stringify(JSON.parse(r.raw.toString('utf8')), null, '\t');
      else if (f.verbose) out = JSON.stringify(r.entries.map(verbose), null, '\t');
      else out = JSON.stringify({ schemaVersion: 2, mediaType: r.mediaType, manifests: r.manifests }, null, 3);
      ctx.stdout.write(`${out}\n`);
      return 0;
    },
  },
};

export const verb = defineVerb({
  name: 'manifest',
  synopsis: 'COMMAND (inspect)',
  summary: 'Manage Docker image manifests and manifest lists',
  flags: {},
  stopAtPositional: true,
  run: (ctx, { positionals }) => runSub(ctx, 'manifest', subs, positionals),
});
