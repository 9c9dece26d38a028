import { EngineError, isEngineError, type BuildStepEvent } from '../../engine/define.js';
import { flagError } from '../args.js';
import { defineVerb } from '../context.js';
import { keyValues } from '../key-values.js';
import { parseAddHosts, parseNetwork, parseOutput, parseSsh } from './build-flags.js';

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
  // docker 20.10's words (`docker build --help`), listed by long name as docker does.
  flags: {
    'add-host': { value: true, multi: true, help: 'Add a custom host-to-IP mapping (host:ip)' },
    'build-arg': { value: true, multi: true, help: 'Set build-time variables' },
    'cache-from': { value: true, multi: true, type: 'strings', help: 'Images to consider as cache sources' },
    file: { short: 'f', value: true, help: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" },
    iidfile: { value: true, help: 'Write the image ID to the file' },
    label: { value: true, multi: true, help: 'Set metadata for an image' },
    network: { value: true, help: 'Set the networking mode for the RUN instructions during build (default "default")' },
    'no-cache': { help: 'Do not use cache when building the image' },
    output: { short: 'o', value: true, multi: true, type: 'stringArray', help: 'Output destination (format: type=local,dest=path)' },
    platform: { value: true, help: 'Set platform if server is multi-platform capable' },
    progress: {
      value: true,
      help: 'Set type of progress output (auto, plain, tty). Use plain to show container output (default "auto")',
    },
    pull: { help: 'Always attempt to pull a newer version of the image' },
    quiet: { short: 'q', help: 'Suppress the build output and print image ID on success' },
    secret: {
      value: true,
      multi: true,
      type: 'stringArray',
      help: 'Secret file to expose to the build: id=mysecret,src=/local/secret',
    },
    ssh: {
      value: true,
      multi: true,
      type: 'stringArray',
      help: 'SSH agent socket or keys to expose to the build (format: default|<id>[=<socket>|<key>[,<key>]])',
    },
    tag: { short: 't', value: true, multi: true, help: "Name and optionally a tag in the 'name:tag' format" },
    target: { value: true, help: 'Set the target build stage to build.' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', "build takes exactly one CONTEXT (see 'dockui build --help')");
    const progress = flags.progress ?? 'auto';
    if (!['auto', 'plain', 'tty'].includes(progress))
      throw new EngineError('invalid_argument', `invalid --progress value: ${progress} (auto, plain or tty)`);
    const tty = progress === 'tty' || (progress === 'auto' && ctx.stderr.isTTY === true);
    const buildArgs = keyValues(flags['build-arg'], '--build-arg', 'env');
    const labels = keyValues(flags.label, '--label', 'empty');
    const secrets = await readSecrets(flags.secret, process.env);
    const addHosts = parseAddHosts(flags['add-host']);
    const network = parseNetwork(flags.network);
    const ssh = parseSsh(flags.ssh, process.env);
    const output = parseOutput(flags.output, ctx.stdout.stream);
    const toStdout = output !== undefined && 'stream' in output;
    const platform = flags.platform;
    if (platform?.includes(',')) throw new EngineError('invalid_argument', `--platform ${platform}: one platform at a time here`);
    // pflag's string slice: repeats and commas both list more.
    const cacheFrom = (flags['cache-from'] ?? []).flatMap((v) => v.split(',')).filter((v) => v !== '');
    const dockerfileText = flags.file === '-' ? await readAll(ctx.stdin) : undefined;
    const { parseReference } = await import('../../engine/index.js');
    // A -t docker cannot parse is a flag error (its validateTag): exit 125, as docker build's.
    const tags = (flags.tag ?? []).map((t) => {
      let r: ReturnType<typeof parseReference>;
      try {
        r = parseReference(t);
      } catch (e) {
        throw isEngineError(e) ? flagError(e.message) : e;
      }
      if (r.digest) throw flagError(`invalid tag ${t}: a tag cannot carry a digest`);
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
      ...(network ? { network } : {}),
      ...(addHosts.length > 0 ? { addHosts } : {}),
      ...(Object.keys(ssh).length > 0 ? { ssh } : {}),
      ...(flags.pull === true ? { pull: true } : {}),
      ...(platform ? { platform } : {}),
      ...(cacheFrom.length > 0 ? { cacheFrom } : {}),
      ...(output ? { output } : {}),
      onWarning: (m: string) => out.write(`WARNING: ${m}\n`),
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
    // With `-o -` stdout is the tar's alone.
    if (!toStdout) ctx.stdout.write(`${r.imageId}\n`);
    return 0;
  },
});
