// Container verbs: create, start, run, stop, kill, restart, rm, logs, wait, exec, stats, top,
// rename, and `container <sub>` (ls, prune, inspect, cleanup and the same verbs again).
import { stat, writeFile } from 'node:fs/promises';
import { EngineError, isEngineError } from '../../engine/define.js';
import type { RunOptions } from '../../engine/types.js';
import { trace, type ContainerEngine } from '../../engine/index.js';
import type { CliContext, Verb } from '../context.js';
import { defineVerb } from '../context.js';
import { terminalFor } from '../tty-size.js';
import { flagError, type FlagSpecs, type Parsed } from '../args.js';
import { policyFlags, policyOptions } from './run-policy.js';
import { statsVerb, topVerb } from './container-stats.js';
import { logsVerb } from './logs.js';
import { execVerb } from './exec.js';
import { readEnvFile } from '../env-file.js';
import { checkExtraSpecs, checkExtraValues, createPulling, extraFlags, extraOptions } from './run-flags.js';
import * as values from './run-values.js';

const runFlags = {
  detach: { short: 'd', help: 'Run container in background and print container ID' },
  rm: { help: 'Automatically remove the container when it exits' },
  name: { value: true, help: 'Assign a name to the container' },
  interactive: { short: 'i', help: 'Keep STDIN open even if not attached' },
  tty: { short: 't', help: 'Allocate a pseudo-TTY' },
  env: { short: 'e', value: true, multi: true, help: 'Set environment variables' },
  'env-file': { value: true, multi: true, help: 'Read in a file of environment variables' },
  publish: { short: 'p', value: true, multi: true, help: "Publish a container's port(s) to the host" },
  'publish-all': { short: 'P', help: 'Publish all exposed ports to random ports' },
  volume: { short: 'v', value: true, multi: true, help: 'Bind mount a volume' },
  network: { value: true, type: 'network', help: 'Connect a container to a network' },
  net: { value: true, type: 'network', help: 'Same as --network' },
  pod: { value: true, help: 'Run the container in an existing pod (its network, IPC and UTS namespaces)' },
  user: { short: 'u', value: true, help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  workdir: { short: 'w', value: true, help: 'Working directory inside the container' },
  entrypoint: { value: true, help: 'Overwrite the default ENTRYPOINT of the image' },
  'read-only': { help: "Mount the container's root filesystem as read only" },
  privileged: { help: 'Give extended privileges to this container' },
  'cap-add': { value: true, multi: true, help: 'Add Linux capabilities' },
  'cap-drop': { value: true, multi: true, help: 'Drop Linux capabilities' },
  memory: { short: 'm', value: true, type: 'bytes', help: 'Memory limit' },
  cpus: { value: true, type: 'decimal', help: 'Number of CPUs' },
  'pids-limit': { value: true, type: 'int', help: 'Tune container pids limit (set -1 for unlimited)' },
  'log-opt': { value: true, multi: true, help: 'Log driver options' },
  tmpfs: { value: true, multi: true, help: 'Mount a tmpfs directory' },
  init: { help: 'Run an init inside the container that forwards signals and reaps processes' },
  hostname: { short: 'h', value: true, help: 'Container host name' },
  label: { short: 'l', value: true, multi: true, help: 'Set meta data on a container' },
  'label-file': { value: true, multi: true, help: 'Read in a line delimited file of labels' },
  cidfile: { value: true, help: 'Write the container ID to the file' },
  'stop-signal': { value: true, help: 'Signal to stop a container (default "SIGTERM")' },
  ...policyFlags,
  ...extraFlags,
} as const;

/** create's flags: run's, with docker's word for --pull ("before creating"). */
const createFlags = {
  ...runFlags,
  pull: { ...runFlags.pull, help: 'Pull image before creating ("always"|"missing"|"never") (default "missing")' as string },
} as typeof runFlags;

type RunFlags = Parsed<typeof runFlags>['flags'];

async function runOptions(flags: RunFlags, positionals: readonly string[]): Promise<RunOptions> {
  const image = positionals[0];
  // A missing argument is no flag error: exit 1, as docker's "requires at least 1 argument".
  if (!image) throw new EngineError('invalid_argument', 'an image is required (see --help)', { exitCode: 1 });
  // The values docker's flag types refuse, then what its parse() does, in its order (run-values.ts): exit 125.
  for (const e of flags.env ?? []) values.checkEnv(e);
  for (const l of flags.label ?? []) values.checkLabel(l);
  const pidsLimit = flags['pids-limit'] !== undefined ? values.intFlag(flags['pids-limit'], '--pids-limit') : undefined;
  // Sizes and CPUs go on as docker sends them: bytes (0: no limit) and a number of CPUs.
  const memory = flags.memory !== undefined ? values.ramInBytes(flags.memory, '-m, --memory') : undefined;
  const cpus = flags.cpus !== undefined ? values.cpusFlag(flags.cpus) : undefined;
  checkExtraValues(flags);
  const publish = values.publishFlags(flags.publish ?? []);
  checkExtraSpecs(flags);
  const policy = policyOptions(flags);
  const env: string[] = [];
  for (const f of flags['env-file'] ?? []) env.push(...(await readEnvFile(f)));
  env.push(...(flags.env ?? []));
  const labels: Record<string, string> = {};
  // --label-file lines first (as --env-file's: # comments and blank lines skipped), then --label.
  const labelLines: string[] = [];
  for (const f of flags['label-file'] ?? []) labelLines.push(...(await readEnvFile(f)));
  for (const l of [...labelLines, ...(flags.label ?? [])]) {
    const i = l.indexOf('=');
    labels[i === -1 ? l : l.slice(0, i)] = i === -1 ? '' : l.slice(i + 1);
  }
  const network = flags.network ?? flags.net;
  return {
    image,
    ...(positionals.length > 1 ? { cmd: positionals.slice(1) } : {}),
    ...(flags.entrypoint !== undefined ? { entrypoint: flags.entrypoint === '' ? [] : [flags.entrypoint] } : {}),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    env,
    publish,
    publishAll: flags['publish-all'] ?? false,
    ...(network !== undefined ? { network: network as RunOptions['network'] } : {}),
    ...(flags.pod !== undefined ? { pod: flags.pod } : {}),
    volumes: flags.volume ?? [],
    tmpfs: flags.tmpfs ?? [],
    ...(flags.workdir !== undefined ? { workdir: flags.workdir } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.hostname !== undefined ? { hostname: flags.hostname } : {}),
    tty: flags.tty ?? false,
    interactive: flags.interactive ?? false,
    readOnly: flags['read-only'] ?? false,
    privileged: flags.privileged ?? false,
    capAdd: flags['cap-add'] ?? [],
    capDrop: flags['cap-drop'] ?? [],
    ...(memory ? { memory: String(memory) } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(pidsLimit !== undefined ? { pidsLimit } : {}),
    ...(flags['log-opt']?.length ? { logOpts: flags['log-opt'] } : {}),
    init: flags.init ?? false,
    autoRemove: flags.rm ?? false,
    labels,
    ...(flags['stop-signal'] !== undefined ? { stopSignal: flags['stop-signal'] } : {}),
    ...policy,
    ...extraOptions(flags, network),
  };
}

function service(ctx: CliContext): ContainerEngine {
  return ctx.engine.containers;
}

/** Streams the container's output here until it exits; returns its exit code. */
async function attachLogs(ctx: CliContext, c: ContainerEngine, id: string): Promise<number> {
  const onAbort = () => void c.kill(id, 'SIGTERM').catch(() => undefined);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const l of c.logs(id, { follow: true }))
      (l.stream === 'stdout' ? ctx.stdout : ctx.stderr).write(l.partial ? l.text : `${l.text}\n`);
    return await c.wait(id);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

async function removeQuiet(c: ContainerEngine, id: string): Promise<void> {
  await c.remove(id, { force: true }).catch((e: unknown) => {
    if (!(isEngineError(e) && e.code === 'not_found')) throw e;
  });
}

/**
 * docker 20.10's codes for run and create: 125 when the options do not parse (both verbs) and,
 * for run, whatever fails before the container's command runs (no such image, a name in use, a
 * start that fails); create's other failures exit 1. An error that brings its own code (126/127
 * for a command that cannot be run, 1 for a missing argument) and a cancel keep theirs.
 */
function before(e: unknown): unknown {
  if (!isEngineError(e) || e.exitCode !== undefined || e.code === 'canceled') return e;
  return new EngineError(e.code, e.message, { cause: e.cause, ...(e.range ? { range: e.range } : {}), exitCode: 125 });
}

const runVerb = (name: 'run' | 'create') => {
  const v = defineVerb({
    name,
    synopsis: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    summary: name === 'run' ? 'Run a command in a new container' : 'Create a new container',
    flags: name === 'run' ? runFlags : createFlags,
    stopAtPositional: true,
    async run(ctx, { flags, positionals }) {
      trace(`${name}: verb loaded`);
      const opts = await runOptions(flags, positionals).catch((e: unknown) => {
        throw before(e);
      });
      // Docker's check and words: a pty in the foreground needs a terminal to copy it to.
      if (name === 'run' && opts.tty && !flags.detach && !(ctx.stdin as { isTTY?: boolean }).isTTY)
        throw new EngineError('invalid_argument', 'the input device is not a TTY', { exitCode: 1 });
      const c = service(ctx);
      const cidfile = flags.cidfile;
      // Docker's check and words: an existing file may belong to a container still running.
      if (cidfile !== undefined && (await stat(cidfile).catch(() => undefined)))
        throw new EngineError(
          'invalid_argument',
          `Container ID file found, make sure the other container isn't running or delete ${cidfile}`,
        );
      const rec = await createPulling(ctx, c, opts, flags);
      for (const w of rec.warnings ?? []) ctx.stderr.write(`WARNING: ${w}\n`); // dockerd's create warnings
      if (cidfile !== undefined)
        await writeFile(cidfile, rec.id, { flag: 'wx' }).catch(async (e: Error) => {
          await removeQuiet(c, rec.id);
          throw new EngineError('invalid_argument', `failed to create the container ID file: ${e.message}`);
        });
      if (name === 'create') {
        ctx.stdout.write(`${rec.id}\n`);
        return 0;
      }
      if (flags.detach) {
        try {
          await c.start(rec.id);
        } catch (e) {
          await removeQuiet(c, rec.id); // nothing of a failed run is left behind
          throw e;
        }
        ctx.stdout.write(`${rec.id}\n`);
        return 0;
      }
      let code: number;
      // -i/-t, and --rm (a run that lives as long as this command): runc run in our foreground,
      // the container's output straight on our stdio. Otherwise conmon monitors it and keeps
      // its log, and we follow that log until it exits.
      // --log-driver none keeps no log to follow: the output comes straight here.
      if (opts.tty || opts.interactive || opts.autoRemove || opts.logDriver === 'none') {
        const restore = await terminalFor(opts.tty ?? false);
        try {
          code = await c.runAttached(rec.id, { signal: ctx.signal });
        } catch (e) {
          await removeQuiet(c, rec.id);
          throw e;
        } finally {
          restore();
        }
        trace('run: exited');
        if (opts.autoRemove) return code; // the finish removed it
      } else {
        try {
          await c.start(rec.id, { foreground: true });
        } catch (e) {
          await removeQuiet(c, rec.id);
          throw e;
        }
        code = await attachLogs(ctx, c, rec.id);
      }
      trace('run: exited');
      if (opts.autoRemove) await removeQuiet(c, rec.id);
      trace('run: removed');
      return code;
    },
  });
  return name === 'create'
    ? v
    : {
        ...v,
        run: async (ctx: CliContext, p: Parameters<typeof v.run>[1]) => {
          try {
            return await v.run(ctx, p);
          } catch (e) {
            throw before(e);
          }
        },
      };
};

/** Runs at most `n` jobs at once, the others waiting their turn in call order. */
function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * A verb applied to each CONTAINER argument; `parallel` of them at once (rm: removals overlap
 * their waits on the disk and the thread pool), reported in argument order either way.
 */
function eachArg(
  name: string,
  summary: string,
  flags: FlagSpecs,
  fn: (c: ContainerEngine, arg: string, flags: Record<string, string | boolean | undefined>, ctx: CliContext) => Promise<void>,
  parallel = 1,
): Verb {
  return defineVerb({
    name,
    synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
    summary,
    flags,
    async run(ctx, { flags: f, positionals }) {
      if (positionals.length === 0) throw new EngineError('invalid_argument', `'dockui ${name}' needs at least one container`);
      // stop/restart -t that is no number: a flag error (exit 125) before any container is touched.
      if (typeof f.time === 'string') timeoutFlag(f.time);
      const c = service(ctx);
      const slot = limiter(parallel);
      const runs = positionals.map((p) =>
        slot(() => fn(c, p, f as Record<string, string | boolean | undefined>, ctx)).then(
          () => undefined,
          (e: unknown) => ({ e }),
        ),
      );
      let failed = 0;
      for (const [i, p] of positionals.entries()) {
        const r = await runs[i];
        if (!r) {
          ctx.stdout.write(`${p}\n`);
          continue;
        }
        // One name fails as several do (docker: the line, exit 1); a cancel or a bug still goes up.
        if (positionals.length === 1 && (!isEngineError(r.e) || r.e.code === 'canceled')) throw r.e;
        failed++;
        ctx.stderr.write(`dockui: ${isEngineError(r.e) ? r.e.message : String(r.e)}\n`);
      }
      return failed ? 1 : 0;
    },
  });
}

function timeoutFlag(v: string | boolean | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw flagError(`invalid --time: ${String(v)}`);
  return n;
}

const startVerb = defineVerb({
  name: 'start',
  synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Start one or more created or stopped containers',
  flags: { attach: { short: 'a', help: 'Attach STDOUT/STDERR and forward signals' } },
  async run(ctx, { flags, positionals }) {
    if (positionals.length === 0) throw new EngineError('invalid_argument', "'dockui start' needs at least one container");
    const c = service(ctx);
    for (const p of positionals) {
      await c.start(p);
      if (flags.attach) return attachLogs(ctx, c, (await c.find(p)).id);
      ctx.stdout.write(`${p}\n`);
    }
    return 0;
  },
});

const stopFlags = {
  time: { short: 't', value: true, type: 'int', help: 'Seconds to wait for stop before killing it (default 10)' },
  signal: { short: 's', value: true, help: 'signal to send (default: the image StopSignal or SIGTERM)' },
} as const;

const waitVerb = defineVerb({
  name: 'wait',
  synopsis: 'CONTAINER [CONTAINER...]',
  summary: 'Wait for containers to exit and print their exit codes',
  flags: {},
  async run(ctx, { positionals }) {
    if (positionals.length === 0) throw new EngineError('invalid_argument', "'dockui wait' needs at least one container");
    const c = service(ctx);
    for (const p of positionals) ctx.stdout.write(`${await c.wait(p, ctx.signal)}\n`);
    return 0;
  },
});

const renameVerb = defineVerb({
  name: 'rename',
  synopsis: 'CONTAINER NEW_NAME',
  summary: 'Rename a container',
  flags: {},
  async run(ctx, { positionals }) {
    if (positionals.length !== 2) throw new EngineError('invalid_argument', "'dockui rename' takes a container and a new name");
    await service(ctx).rename(positionals[0]!, positionals[1]!);
    return 0;
  },
});

const pruneVerb = defineVerb({
  name: 'container prune',
  synopsis: '[OPTIONS]',
  summary: 'Remove all stopped containers',
  flags: { force: { short: 'f', help: 'Do not prompt for confirmation' } },
  async run(ctx) {
    const gone = await service(ctx).prune();
    if (gone.length) ctx.stdout.write(`Deleted Containers:\n${gone.map((g) => `${g}\n`).join('')}`);
    ctx.stdout.write(`Total reclaimed: ${gone.length} containers\n`);
    return 0;
  },
});

/** `container cleanup ID`: conmon's exit command. Quiet: nobody reads its output. */
const cleanupVerb = defineVerb({
  name: 'container cleanup',
  synopsis: 'ID',
  summary: 'Record a container exit and free its resources (run by the monitor)',
  flags: {},
  async run(ctx, { positionals }) {
    const id = positionals[0];
    if (!id || !/^[0-9a-f]{64}$/.test(id)) throw new EngineError('invalid_argument', 'cleanup needs a full container id');
    await service(ctx).cleanup(id);
    return 0;
  },
});

/** `container healthcheck ID`: one probe, run by the container's health runner; exit 1 once it no longer runs. */
const healthcheckVerb = defineVerb({
  name: 'container healthcheck',
  synopsis: 'ID',
  summary: "Run a container's healthcheck once and record the result (run by its health runner)",
  flags: {},
  async run(ctx, { positionals }) {
    const id = positionals[0];
    if (!id || !/^[0-9a-f]{64}$/.test(id)) throw new EngineError('invalid_argument', 'healthcheck needs a full container id');
    return (await service(ctx).healthcheck(id)) ? 0 : 1;
  },
});

function byName(name: string): Verb {
  switch (name) {
    case 'run':
    case 'create':
      return runVerb(name) as unknown as Verb;
    case 'start':
      return startVerb as unknown as Verb;
    case 'stop':
      return eachArg('stop', 'Stop running containers (StopSignal, then SIGKILL after the grace time)', stopFlags, async (c, p, f) => {
        await c.stop(p, {
          ...(f.time !== undefined ? { timeoutSec: timeoutFlag(f.time)! } : {}),
          ...(f.signal ? { signal: String(f.signal) } : {}),
        });
      });
    case 'restart':
      return eachArg(
        'restart',
        'Restart containers',
        { time: { ...stopFlags.time, help: 'Seconds to wait for stop before killing the container (default 10)' } },
        async (c, p, f) => {
          await c.restart(p, f.time !== undefined ? { timeoutSec: timeoutFlag(f.time)! } : {});
        },
      );
    case 'kill':
      return eachArg(
        'kill',
        'Send a signal (default SIGKILL) to containers',
        { signal: { short: 's', value: true, help: 'Signal to send to the container (default "KILL")' } },
        async (c, p, f) => {
          await c.kill(p, f.signal ? String(f.signal) : 'SIGKILL');
        },
      );
    case 'pause':
      return eachArg('pause', 'Pause all processes within containers', {}, async (c, p) => {
        await c.pause(p);
      });
    case 'unpause':
      return eachArg('unpause', 'Unpause all processes within containers', {}, async (c, p) => {
        await c.unpause(p);
      });
    case 'rm':
      return eachArg(
        'rm',
        'Remove containers',
        {
          force: { short: 'f', help: 'Force the removal of a running container (uses SIGKILL)' },
          volumes: { short: 'v', help: 'Remove anonymous volumes associated with the container' },
        },
        async (c, p, f) => {
          await c.remove(p, { force: f.force === true, volumes: f.volumes === true });
        },
        4,
      );
    case 'logs':
      return logsVerb as unknown as Verb;
    case 'wait':
      return waitVerb as unknown as Verb;
    case 'exec':
      return execVerb as unknown as Verb;
    case 'stats':
      return statsVerb as unknown as Verb;
    case 'top':
      return topVerb as unknown as Verb;
    case 'rename':
      return renameVerb as unknown as Verb;
    case 'container':
      return containerVerb;
    default:
      throw new EngineError('invalid_argument', `unknown command: ${name}`);
  }
}

const subcommands = [
  'ls',
  'ps',
  'list',
  'prune',
  'inspect',
  'cleanup',
  'healthcheck',
  'create',
  'start',
  'run',
  'stop',
  'kill',
  'restart',
  'pause',
  'unpause',
  'rm',
  'logs',
  'wait',
  'exec',
  'stats',
  'top',
  'rename',
  'port',
  'diff',
  'attach',
  'commit',
  'cp',
  'export',
  'update',
];

/** `dockui container SUB ...`: dispatches to the verb of that name. */
const containerVerb: Verb = defineVerb({
  name: 'container',
  synopsis: `COMMAND (${subcommands.filter((s) => s !== 'cleanup' && s !== 'healthcheck').join(', ')})`,
  summary: 'Manage containers',
  flags: {},
  stopAtPositional: true,
  async run(ctx, { positionals }) {
    const [sub, ...rest] = positionals;
    if (!sub || !subcommands.includes(sub))
      throw new EngineError(
        'invalid_argument',
        `unknown container command: ${sub ?? '(none)'} (${subcommands.filter((s) => s !== 'cleanup' && s !== 'healthcheck').join(', ')})`,
      );
    let v: Verb;
    if (sub === 'prune') v = pruneVerb as unknown as Verb;
    else if (sub === 'cleanup') v = cleanupVerb as unknown as Verb;
    else if (sub === 'healthcheck') v = healthcheckVerb as unknown as Verb;
    else if (sub === 'ls' || sub === 'ps' || sub === 'list') v = (await import('./ps.js')).verb as unknown as Verb;
    else if (sub === 'inspect') v = (await import('./inspect.js')).verb as unknown as Verb;
    else if (sub === 'port') v = (await import('./port.js')).verb as unknown as Verb;
    else if (sub === 'diff') v = (await import('./diff.js')).verb as unknown as Verb;
    else if (sub === 'attach') v = (await import('./attach.js')).verb as unknown as Verb;
    else if (sub === 'commit') v = (await import('./commit.js')).verb as unknown as Verb;
    else if (sub === 'cp') v = (await import('./cp.js')).verb as unknown as Verb;
    else if (sub === 'export') v = (await import('./export.js')).verb as unknown as Verb;
    else if (sub === 'update') v = (await import('./update.js')).verb as unknown as Verb;
    else v = byName(sub);
    const { parseArgs, usage } = await import('../args.js');
    if (rest[0] === '--help' || rest[0] === '-h') {
      ctx.stdout.write(usage(v.name, v.synopsis, v.flags, v.summary) + '\n');
      return 0;
    }
    return v.run(ctx, parseArgs(v.name, rest, v.flags, { stopAtPositional: v.stopAtPositional ?? false }));
  },
});

export const verb = byName;
