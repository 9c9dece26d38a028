import { EngineError, type PullProgress } from '../../engine/define.js';
import { parseReference } from '../../engine/index.js';
import { defineVerb } from '../context.js';
import { LiveLines, bar, formatBytes } from '../progress.js';

const phaseText: Readonly<Record<string, string>> = {
  waiting: 'Waiting',
  downloading: 'Pushing',
  done: 'Pushed',
  exists: 'Layer already exists',
  failed: 'Failed',
};

export const verb = defineVerb({
  name: 'push',
  synopsis: '[OPTIONS] NAME[:TAG]',
  summary: 'Upload an image to a registry',
  flags: {
    quiet: { short: 'q', help: 'Suppress verbose output' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', `'dockui push' takes exactly one image reference`);
    const ref = parseReference(positionals[0]!);
    const lines = flags.quiet ? undefined : new LiveLines(ctx.stdout);
    if (lines) ctx.stdout.write(`The push refers to repository [${ref.name}]\n`);
    const draw = (p: PullProgress) => {
      if (!lines) return;
      for (const l of p.layers) {
        const id = l.digest.replace(/^sha256:/, '').slice(0, 12);
        const stable = `${id}: ${phaseText[l.phase] ?? l.phase}`;
        lines.set(
          id,
          l.phase === 'downloading' ? `${stable} ${bar(l.current, l.total)} ${formatBytes(l.current)}/${formatBytes(l.total)}` : stable,
          stable,
        );
      }
      lines.render();
    };
    const r = await ctx.engine.images.push(ref.toString(), {
      signal: ctx.signal,
      onProgress: draw,
    });
    if (flags.quiet) ctx.stdout.write(`${r.digest}\n`);
    else ctx.stdout.write(`${ref.tag ?? 'latest'}: digest: ${r.digest} size: ${r.size}\n`);
    return 0;
  },
});
