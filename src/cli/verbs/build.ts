import { EngineError, type BuildStepEvent } from '../../engine/define.js';
import { defineVerb } from '../context.js';

function keyValues(list: readonly string[] | undefined, flag: string, fromEnv: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const eq = kv.indexOf('=');
    if (eq === 0) throw new EngineError('invalid_argument', `invalid ${flag} value: ${JSON.stringify(kv)} (expected KEY=VALUE)`);
    if (eq === -1) {
      // `--build-arg NAME` takes NAME from the environment, as docker does.
      const v = fromEnv ? process.env[kv] : '';
      if (v !== undefined) out[kv] = v;
    } else out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/**
 * `--secret id=ID,src=FILE` | `id=ID,env=VAR` (buildx's syntax: `source` for `src`, `type=file|env`;
 * without src or env, the variable named ID when set, else the file named ID; id defaults to
 * src's base name). Read now, so a bad one fails before the build starts.
 */
async function readSecrets(list: readonly string[] | undefined, env: NodeJS.ProcessEnv): Promise<Record<string, Uint8Array>> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const out: Record<string, Uint8Array> = {};
  for (const spec of list ?? []) {
    const f: Record<string, string> = {};
    for (const part of spec.split(',')) {
      const eq = part.indexOf('=');
      const k = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
      if (!['id', 'src', 'source', 'env', 'type'].includes(k) || eq === -1)
        throw new EngineError(
          'invalid_argument',
          `invalid --secret value ${JSON.stringify(spec)} (expected id=ID,src=FILE or id=ID,env=VAR)`,
        );
      f[k === 'source' ? 'src' : k] = part.slice(eq + 1);
    }
    if (f.type !== undefined && f.type !== 'file' && f.type !== 'env')
      throw new EngineError('invalid_argument', `invalid --secret type ${JSON.stringify(f.type)} (file or env)`);
    const id = f.id ?? (f.src !== undefined ? path.basename(f.src) : f.env);
    if (!id) throw new EngineError('invalid_argument', `--secret ${JSON.stringify(spec)} names no id (id=ID)`);
    const type = f.type ?? (f.env !== undefined ? 'env' : f.src !== undefined ? 'file' : env[id] !== undefined ? 'env' : 'file');
    if (type === 'env') {
      const name = f.env ?? f.src ?? id;
      const v = env[name];
      if (v === undefined) throw new EngineError('invalid_argument', `--secret id=${id}: environment variable ${name} is not set`);
      out[id] = Buffer.from(v, 'utf8');
    } else {
      const file = f.src ?? id;
      try {
        out[id] = await fs.readFile(file);
      } catch (e) {
        throw new EngineError(
          'invalid_argument',
          `--secret id=${id}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    }
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

export const verb = defineVerb({
  name: 'build',
  synopsis: '[OPTIONS] CONTEXT',
  summary: 'Build an image from a Dockerfile',
  flags: {
    tag: { short: 't', value: true, multi: true, help: 'name and optionally a tag (name:tag)' },
    file: { short: 'f', value: true, help: 'the Dockerfile (default CONTEXT/Dockerfile; - reads stdin)' },
    'build-arg': { value: true, multi: true, help: 'set a build-time variable (KEY=VALUE)' },
    target: { value: true, help: 'build this stage (and what it needs) only' },
    'no-cache': { help: 'do not use the build cache' },
    label: { value: true, multi: true, help: 'set metadata on the image (KEY=VALUE)' },
    progress: { value: true, help: 'progress output: auto, plain or tty' },
    quiet: { short: 'q', help: 'print only the image id' },
    iidfile: { value: true, help: 'Write the image ID to the file' },
    secret: { value: true, multi: true, help: 'a secret for RUN --mount=type=secret (id=ID,src=FILE or id=ID,env=VAR)' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', "build takes exactly one CONTEXT (see 'dockui build --help')");
    const progress = flags.progress ?? 'auto';
    if (!['auto', 'plain', 'tty'].includes(progress))
      throw new EngineError('invalid_argument', `invalid --progress value: ${progress} (auto, plain or tty)`);
    const tty = progress === 'tty' || (progress === 'auto' && ctx.stderr.isTTY === true);
    const buildArgs = keyValues(flags['build-arg'], '--build-arg', true);
    const labels = keyValues(flags.label, '--label', false);
    const secrets = await readSecrets(flags.secret, process.env);
    const dockerfileText = flags.file === '-' ? await readAll(ctx.stdin) : undefined;
    const { parseReference } = await import('../../engine/index.js');
    const tags = (flags.tag ?? []).map((t) => {
      const r = parseReference(t);
      if (r.digest) throw new EngineError('invalid_argument', `invalid tag ${t}: a tag cannot carry a digest`);
      return r.toString();
    });

    const builder = ctx.engine.builds;

    const out = ctx.stderr;
    const quiet = flags.quiet === true;
    // Output of the step running now: shown as it comes (plain), or kept to show on failure (tty).
    const held = new Map<number, string[]>();
    const label = (e: BuildStepEvent) => `#${e.index + 1} [${e.stage} ${e.index + 1}/${e.total}] ${e.instruction}`;
    const onStep = (e: BuildStepEvent) => {
      if (quiet) return;
      switch (e.status) {
        case 'started':
          out.write(`${label(e)}\n`);
          break;
        case 'cached':
          out.write(`#${e.index + 1} CACHED\n`);
          break;
        case 'done':
          out.write(`#${e.index + 1} DONE ${((e.durationMs ?? 0) / 1000).toFixed(1)}s\n`);
          held.delete(e.index);
          break;
        case 'failed': {
          if (ctx.signal.aborted) break; // a cancel is said once, by the one error line at the end
          for (const l of held.get(e.index) ?? []) out.write(`#${e.index + 1} ${l}\n`);
          out.write(`#${e.index + 1} ERROR: ${e.error ?? 'failed'}\n`);
          break;
        }
      }
    };
    const onOutput = (index: number, _stream: 'stdout' | 'stderr', line: string) => {
      if (tty || quiet) {
        const h = held.get(index) ?? [];
        h.push(line);
        if (h.length > 20) h.shift();
        held.set(index, h);
      } else out.write(`#${index + 1} ${line}\n`);
    };
    // As docker: an old id file goes first, so a failed build leaves none behind.
    if (flags.iidfile !== undefined) await (await import('node:fs/promises')).rm(flags.iidfile, { force: true });
    const r = await builder.build({
      context: positionals[0]!,
      ...(flags.file !== undefined && flags.file !== '-' ? { dockerfile: flags.file } : {}),
      ...(dockerfileText !== undefined ? { dockerfileText } : {}),
      tags,
      buildArgs,
      labels,
      secrets,
      ...(flags.target !== undefined ? { target: flags.target } : {}),
      noCache: flags['no-cache'] === true,
      signal: ctx.signal,
      onStep,
      onOutput,
    });
    if (!quiet) {
      out.write(`writing image ${r.imageId} (${r.steps} steps, ${r.cachedSteps} cached, ${(r.durationMs / 1000).toFixed(2)}s)\n`);
      for (const t of tags) out.write(`naming to ${t}\n`);
    }
    // Docker writes the id alone, no newline.
    if (flags.iidfile !== undefined) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(flags.iidfile, r.imageId).catch((e: Error) => {
        throw new EngineError('invalid_argument', `failed to write the image ID file: ${e.message}`);
      });
    }
    ctx.stdout.write(`${r.imageId}\n`);
    return 0;
  },
});
