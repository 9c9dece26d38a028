import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EngineError, formatError } from '../../engine/define.js';
import { defineVerb } from '../context.js';
import { keyValues } from '../key-values.js';
import type { CliContext } from '../context.js';

const flags = {
  publish: {
    short: 'p',
    value: true,
    multi: true,
    help: 'publish a port [ip:]host:ctr[/proto] (default: every EXPOSEd port on the same host port)',
  },
  env: { short: 'e', value: true, multi: true, help: 'set an environment variable K=V' },
  volume: { short: 'v', value: true, multi: true, help: 'bind mount host:ctr[:ro] or a named volume' },
  file: { short: 'f', value: true, help: 'the Dockerfile (default DIR/Dockerfile)' },
  target: { value: true, help: 'build up to this stage' },
  'build-arg': { value: true, multi: true, help: 'a build argument K=V' },
  sync: { value: true, multi: true, help: 'a sync rule SRC:DEST[:restart] (adds to DIR/dockui.json)' },
  name: { value: true, help: 'container name (default <dir>-dev)' },
  once: { help: 'build and run once, then exit (no watching)' },
} as const;

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

export const verb = defineVerb({
  name: 'dev',
  synopsis: '[OPTIONS] [DIR]',
  summary: "Build DIR's Dockerfile, run it, and rebuild and swap the container on every save (plain output)",
  flags,
  async run(ctx: CliContext, { flags: f, positionals }) {
    const dir = resolve(positionals[0] ?? '.');
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      /* reported next */
    }
    if (!isDir) throw new EngineError('invalid_argument', `not a directory: ${positionals[0] ?? '.'}`);
    const engine = ctx.engine;
    const out = (line: string) => ctx.stdout.write(`${line}\n`);
    try {
      const loop = await engine.dev.start({
        dir,
        ...(f.file ? { dockerfile: resolve(f.file) } : {}),
        ...(f.target ? { target: f.target } : {}),
        buildArgs: keyValues(f['build-arg'], '--build-arg', 'refuse'),
        sync: f.sync ?? [],
        ...(f.name ? { name: f.name } : {}),
        ...(f.publish ? { publish: f.publish } : {}),
        ...(f.env ? { env: f.env } : {}),
        ...(f.volume ? { volumes: f.volume } : {}),
        onBuildStep: (e) => {
          if (e.status === 'cached') out(`#${e.index + 1}/${e.total} CACHED ${e.instruction}`);
          else if (e.status === 'done') out(`#${e.index + 1}/${e.total} ${e.instruction} (${ms(e.durationMs ?? 0)})`);
          else if (e.status === 'failed') out(`#${e.index + 1}/${e.total} FAILED ${e.instruction}: ${e.error ?? ''}`);
        },
        onBuildOutput: (index, _stream, line) => out(`#${index + 1} ${line}`),
      });
      let seen = 0;
      let lastPhase = '';
      const report = () => {
        const s = loop.getSnapshot();
        if (s.phase !== lastPhase) {
          lastPhase = s.phase;
          if (s.phase === 'watching') out(`watching ${s.watchedFiles} files in ${dir}`);
          if (s.phase === 'failed' && s.lastError) out(`failed: ${s.lastError} (the previous container keeps running)`);
        }
        const fresh = s.history.length - seen;
        for (let i = fresh - 1; i >= 0; i--) {
          const r = s.history[i]!;
          if (!r.ok) continue;
          out(
            r.kind === 'sync'
              ? `synced ${r.paths.join(', ')}: total ${ms(r.totalMs)} (debounce ${ms(r.debounceMs)})`
              : r.kind === 'unchanged'
                ? `no change to the image (build ${ms(r.buildMs)}, ${r.cachedSteps}/${r.steps} cached)`
                : `running ${s.container?.name ?? ''} (${s.container?.id.slice(0, 12) ?? ''}): debounce ${ms(r.debounceMs)}, build ${ms(r.buildMs)} (${r.cachedSteps}/${r.steps} cached), swap ${ms(r.swapMs)}, total ${ms(r.totalMs)}`,
          );
        }
        seen = s.history.length;
      };
      const unsubscribe = loop.subscribe(report);
      report();
      if (f.once) {
        await loop.idle();
        unsubscribe();
        await loop.close();
        return loop.getSnapshot().container ? 0 : 1;
      }
      await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
      unsubscribe();
      await loop.close();
      const c = loop.getSnapshot().container;
      if (c) out(`stopped watching; ${c.name} keeps running (dockui stop ${c.name})`);
      return 0;
    } catch (e) {
      ctx.stderr.write(`dockui: ${formatError(e)}\n`);
      return 1;
    } finally {
      await engine.close();
    }
  },
});
