import { parseReference } from '../../engine/index.js';
import { defineVerb } from '../context.js';
import { EngineError } from '../../engine/define.js';
import { pullPrinter } from '../progress.js';

export const verb = defineVerb({
  name: 'pull',
  synopsis: '[OPTIONS] NAME[:TAG|@DIGEST]',
  summary: 'Download an image from a registry',
  flags: {
    platform: { value: true, help: 'Set platform if server is multi-platform capable' },
    quiet: { short: 'q', help: 'Suppress verbose output' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', `'dockui pull' takes exactly one image reference`);
    const ref = parseReference(positionals[0]!);
    const printer = flags.quiet ? undefined : pullPrinter(ctx.stdout);
    if (printer) ctx.stdout.write(`${ref.digest ?? ref.tag}: Pulling from ${ref.path}\n`);
    const r = await ctx.engine.images.pull(ref.toString(), {
      platform: flags.platform,
      signal: ctx.signal,
      onProgress: printer ? (p) => printer.update(p) : undefined,
      onRetry: ctx.global.debug ? (what, why) => ctx.stderr.write(`retrying ${what.slice(0, 19)}: ${why}\n`) : undefined,
    });
    if (flags.quiet) {
      // As docker pull -q: the full normalized name ("docker.io/library/busybox:latest").
      ctx.stdout.write(`${ref.toString()}\n`);
      return 0;
    }
    if (r.skippedDevices?.length) {
      const n = r.skippedDevices.length;
      const shown = r.skippedDevices.slice(0, 3).join(', ') + (n > 3 ? ', …' : '');
      ctx.stdout.write(
        `Note: ${n} device node${n === 1 ? '' : 's'} left out (${shown}): rootless, they cannot be made; containers get the runtime's /dev\n`,
      );
    }
    ctx.stdout.write(`Digest: ${r.indexDigest ?? r.digest}\n`);
    ctx.stdout.write(`Status: ${r.upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${ref.familiar()}\n`);
    ctx.stdout.write(`${ref.toString()}\n`);
    return 0;
  },
});
