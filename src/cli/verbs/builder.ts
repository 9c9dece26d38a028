// `dockui builder prune|build`: docker's build management verb. prune removes build cache
// records (step entries, RUN cache mounts) in docker's words: the same prompt, "Deleted build
// cache objects:" with one id a line, then the space reclaimed. `builder build` is `build`.
import { EngineError } from '../../engine/define.js';
import { parseFilterArgs, parseGoDuration } from '../../engine/index.js';
import type { Parsed } from '../args.js';
import { defineVerb } from '../context.js';
import { verb as buildVerb } from './build.js';
import { confirm } from './image.js';
import { humanSize } from './images.js';
import { runSub, type Sub, type SubFlags } from './subcommands.js';

const strs = (v: SubFlags[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

const subs: Readonly<Record<string, Sub>> = {
  build: {
    synopsis: buildVerb.synopsis,
    summary: buildVerb.summary,
    flags: buildVerb.flags,
    run: (ctx, f, pos) => buildVerb.run(ctx, { flags: f, positionals: pos } as Parsed<typeof buildVerb.flags>),
  },
  prune: {
    synopsis: '',
    summary: 'Remove build cache',
    flags: {
      all: { short: 'a', help: 'Remove all unused build cache, not just dangling ones' },
      filter: { value: true, multi: true, type: 'filter', help: "Provide filter values (e.g. 'until=24h')" },
      force: { short: 'f', help: 'Do not prompt for confirmation' },
      'keep-storage': { value: true, type: 'bytes', help: 'Amount of disk space to keep for cache' },
    },
    noArgs: true,
    async run(ctx, f) {
      let untilMs: number | undefined;
      for (const [k, vs] of parseFilterArgs(strs(f.filter))) {
        if (k !== 'until') throw new EngineError('invalid_argument', `invalid filter '${k}' (builder prune takes until=DURATION)`);
        for (const v of vs) {
          const ms = parseGoDuration(v);
          if (ms === undefined || ms < 0)
            throw new EngineError('invalid_argument', `invalid filter 'until=${v}': a duration like 24h, 30m or 90s`);
          untilMs = ms;
        }
      }
      const all = f.all === true;
      const warning = all
        ? 'WARNING! This will remove all build cache. Are you sure you want to continue?'
        : 'WARNING! This will remove all dangling build cache. Are you sure you want to continue?';
      if (f.force !== true && !(await confirm(ctx, warning))) return 0;
      const keep = f['keep-storage'];
      const r = await ctx.engine.builds.prune({
        all,
        ...(untilMs !== undefined ? { untilMs } : {}),
        ...(typeof keep === 'string' ? { keepStorage: keep } : {}),
        signal: ctx.signal,
      });
      if (r.deleted.length) ctx.stdout.write(`Deleted build cache objects:\n${r.deleted.map((id) => `${id}\n`).join('')}\n`);
      ctx.stdout.write(`Total reclaimed space: ${humanSize(r.spaceReclaimed)}\n`);
      return 0;
    },
  },
};

export const verb = defineVerb({
  name: 'builder',
  synopsis: 'COMMAND (build, prune)',
  summary: 'Manage builds',
  flags: {},
  stopAtPositional: true,
  run: (ctx, { positionals }) => runSub(ctx, 'builder', subs, positionals),
});
