// `dockui compose`: Docker Compose v2's verbs over the engine's compose noun. Project flags
// (-f, -p, --project-directory, --env-file, --profile) come before the subcommand, as docker's.
import { EngineError, compareText, isEngineError, listedImage, listedImageNames } from '../../engine/define.js';
import type { ComposeEvent, ComposeProjectHandle, ComposeWatchEvent, ContainerReport } from '../../engine/index.js';
import * as units from '../../format/units.js';
import { parseArgs, usage, type FlagSpecs } from '../args.js';
import { defineVerb, type CliContext } from '../context.js';
import { table } from './images.js';
import { statusText } from './ps.js';
import { followLogs } from './compose-logs.js';
import { composeLs, moreSub, runMore } from './compose-more.js';

const projectFlags = {
  file: { short: 'f', value: true, multi: true, help: 'compose file (repeatable; later files merge over earlier ones)' },
  'project-name': { short: 'p', value: true, help: 'project name' },
  'project-directory': { value: true, help: 'project directory (default: the first file’s)' },
  'env-file': { value: true, multi: true, help: 'environment file (default: PROJECT_DIR/.env)' },
  profile: { value: true, multi: true, help: 'enable a profile' },
} as const;

const sub: Record<string, { synopsis: string; flags: FlagSpecs }> = {
  up: {
    synopsis:
      '[-d] [--build] [--force-recreate] [--no-deps] [--remove-orphans] [--scale SERVICE=NUM]... [--wait] [--wait-timeout S] [--watch] [SERVICE...]',
    flags: {
      detach: { short: 'd', help: 'run in the background' },
      build: { help: 'build images before starting' },
      'force-recreate': { help: 'recreate containers even when nothing changed' },
      'no-deps': { help: 'do not start linked services' },
      'remove-orphans': { help: 'remove containers of services not in the file' },
      'no-color': { help: 'plain log prefixes' },
      watch: { short: 'w', help: 'watch the services’ develop.watch paths (sync, rebuild, restart)' },
      scale: { value: true, multi: true, help: 'SERVICE=NUM: run NUM containers of the service' },
      wait: { help: 'wait until the services are running (healthy when they have a healthcheck); implies -d' },
      'wait-timeout': { value: true, help: 'seconds --wait waits at most' },
    },
  },
  watch: {
    synopsis: '[--no-up] [SERVICE...]',
    flags: { 'no-up': { help: 'do not build and start the services first' } },
  },
  down: {
    synopsis: '[-v] [--rmi local|all] [--remove-orphans] [-t SECONDS]',
    flags: {
      rmi: { value: true, help: 'remove images: local (those built without an image: name) or all' },
      volumes: { short: 'v', help: 'also remove named volumes and anonymous volumes' },
      'remove-orphans': { help: 'remove containers of services not in the file' },
      timeout: { short: 't', value: true, help: 'seconds to wait before killing' },
    },
  },
  ps: {
    synopsis: '[-a] [-q] [--services] [SERVICE...]',
    flags: {
      all: { short: 'a', help: 'stopped containers too' },
      quiet: { short: 'q', help: 'ids only' },
      services: { help: 'service names only' },
    },
  },
  logs: {
    synopsis: '[-f] [--tail N] [--no-color] [SERVICE...]',
    flags: {
      follow: { short: 'f', help: 'follow' },
      tail: { short: 'n', value: true, help: 'lines from the end' },
      'no-color': { help: 'plain prefixes' },
      'no-log-prefix': { help: 'no prefix' },
    },
  },
  build: { synopsis: '[SERVICE...]', flags: {} },
  pull: { synopsis: '[SERVICE...]', flags: {} },
  config: { synopsis: '[--services] [--profiles]', flags: { services: { help: 'service names' }, profiles: { help: 'profile names' } } },
  start: { synopsis: '[SERVICE...]', flags: {} },
  stop: { synopsis: '[-t SECONDS] [SERVICE...]', flags: { timeout: { short: 't', value: true, help: 'seconds to wait before killing' } } },
  restart: {
    synopsis: '[-t SECONDS] [SERVICE...]',
    flags: { timeout: { short: 't', value: true, help: 'seconds to wait before killing' } },
  },
  rm: {
    synopsis: '[-f] [-s] [-v] [SERVICE...]',
    flags: {
      force: { short: 'f', help: 'no question asked' },
      stop: { short: 's', help: 'stop first' },
      volumes: { short: 'v', help: 'anonymous volumes too' },
    },
  },
  exec: {
    synopsis: '[-T] [-e K=V] [-u USER] [-w DIR] [--index N] SERVICE COMMAND [ARG...]',
    flags: {
      'no-TTY': { short: 'T', help: 'no pseudo-terminal' },
      env: { short: 'e', value: true, multi: true, help: 'environment variable' },
      user: { short: 'u', value: true, help: 'user' },
      workdir: { short: 'w', value: true, help: 'working directory' },
      index: { value: true, help: 'which container of the service (default 1)' },
      detach: { short: 'd', help: 'run in the background' },
    },
  },
  ...moreSub,
};

function printer(ctx: CliContext): (e: ComposeEvent) => void {
  return (e) => ctx.stderr.write(` ${e.kind} ${e.name}  ${e.status}\n`);
}

/** What a watch did, one line each ("Synced web: 1 file (14 ms)"). */
function watchPrinters(ctx: CliContext, ev: (e: ComposeEvent) => void) {
  return {
    onEvent: ev,
    onBuildOutput: (svc: string, line: string) => ctx.stderr.write(`${svc}  | ${line}\n`),
    onWatch: (e: ComposeWatchEvent) => {
      const ms = `${Math.round(e.ms)} ms`;
      if (e.action === 'error') ctx.stderr.write(`watch: ${e.message ?? 'failed'}\n`);
      else if (e.action === 'reload') ctx.stderr.write(`Reloaded the model after a compose or env file change (${ms})\n`);
      else if (e.action === 'rebuild') ctx.stderr.write(`Rebuilt and swapped ${e.service} (${ms})\n`);
      else if (e.action === 'restart') ctx.stderr.write(`Restarted ${e.service} (${ms})\n`);
      else
        ctx.stderr.write(
          `${e.action === 'sync' ? 'Synced' : 'Initial sync of'} ${e.service}: ${e.files} file${e.files === 1 ? '' : 's'} (${ms})\n`,
        );
    },
  };
}

function seconds(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new EngineError('invalid_argument', `invalid timeout ${JSON.stringify(s)}: whole seconds`);
  return Number(s);
}

/** compose ps's table; IMAGE as compose prints it: dockerd's list Image as is (the name from the file while it names the image). */
async function psTable(ctx: CliContext, rows: readonly ContainerReport[]): Promise<void> {
  const ids = await ctx.engine.images.resolveIds(listedImageNames(rows));
  const now = Date.now();
  const text = table(
    ['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'],
    rows.map((r) => {
      const cmd = r.command;
      return [
        r.name,
        listedImage(r, ids),
        JSON.stringify(cmd.length > 20 ? cmd.slice(0, 19) + '…' : cmd),
        r.labels['com.docker.compose.service'] ?? '',
        `${units.humanDuration(now - Date.parse(r.createdAt), 'ps')} ago`,
        statusText(r, now),
        r.ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', '),
      ];
    }),
  );
  ctx.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

async function runSub(
  ctx: CliContext,
  p: ComposeProjectHandle,
  name: string,
  flags: Record<string, string | string[] | boolean | undefined>,
  args: string[],
): Promise<number> {
  const ev = printer(ctx);
  const services = args.length ? args : undefined;
  switch (name) {
    case 'config':
      if (flags.services)
        ctx.stdout.write(
          Object.keys(p.project.model.services)
            .map((s) => s + '\n')
            .join(''),
        );
      else if (flags.profiles) ctx.stdout.write(p.project.allProfiles.map((s) => s + '\n').join(''));
      else ctx.stdout.write(p.configYaml());
      return 0;
    case 'up': {
      const scale = parseScale(flags.scale as string[] | undefined);
      const waitTimeoutSec = seconds(flags['wait-timeout'] as string | undefined);
      await p.up({
        ...(scale ? { scale } : {}),
        wait: !!flags.wait,
        ...(waitTimeoutSec !== undefined ? { waitTimeoutSec } : {}),
        ...(services ? { services } : {}),
        build: !!flags.build,
        forceRecreate: !!flags['force-recreate'],
        noDeps: !!flags['no-deps'],
        removeOrphans: !!flags['remove-orphans'],
        signal: ctx.signal,
        onEvent: ev,
        onBuildOutput: (svc, line) => ctx.stderr.write(`${svc}  | ${line}\n`),
      });
      const w = flags.watch ? await p.watch({ ...(services ? { services } : {}), ...watchPrinters(ctx, ev) }) : undefined;
      if ((flags.detach || flags.wait) && !w) return 0;
      // Attached: the services' logs until Ctrl-C, then the containers stop (docker compose up).
      const cs = await p.containers({ all: true, ...(services ? { services } : {}) });
      if (flags.detach) await new Promise((res) => ctx.signal.addEventListener('abort', res, { once: true }));
      else await followLogs(ctx, cs, { follow: true, color: !flags['no-color'] && ctx.stdout.isTTY === true, signal: ctx.signal });
      await w?.close();
      if (ctx.signal.aborted && !flags.detach) {
        ctx.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
        await p.stop(services, { onEvent: ev });
      }
      return 0;
    }
    case 'watch': {
      if (!flags['no-up']) await p.up({ ...(services ? { services } : {}), build: true, signal: ctx.signal, onEvent: ev });
      const w = await p.watch({ ...(services ? { services } : {}), ...watchPrinters(ctx, ev) });
      ctx.stderr.write('Watch enabled\n');
      await new Promise((res) => ctx.signal.addEventListener('abort', res, { once: true }));
      await w.close();
      return 0;
    }
    case 'down':
      await p.down({
        ...(flags.rmi !== undefined ? { rmi: flags.rmi as 'local' | 'all' } : {}),
        volumes: !!flags.volumes,
        removeOrphans: !!flags['remove-orphans'],
        onEvent: ev,
        ...(flags.timeout !== undefined ? { timeoutSec: seconds(flags.timeout as string)! } : {}),
      });
      return 0;
    case 'ps': {
      if (flags.services) {
        ctx.stdout.write(
          Object.keys(p.project.model.services)
            .map((s) => s + '\n')
            .join(''),
        );
        return 0;
      }
      const rows = (await p.containers({ all: !!flags.all, ...(services ? { services } : {}) })).sort((a, b) =>
        compareText(a.name, b.name),
      );
      if (flags.quiet) ctx.stdout.write(rows.map((r) => r.id + '\n').join(''));
      else await psTable(ctx, rows);
      return 0;
    }
    case 'logs': {
      const cs = await p.containers({ all: true, ...(services ? { services } : {}) });
      const tail = flags.tail === undefined || flags.tail === 'all' ? undefined : Number(flags.tail);
      if (tail !== undefined && !Number.isInteger(tail))
        throw new EngineError('invalid_argument', `invalid --tail ${JSON.stringify(flags.tail)}`);
      await followLogs(ctx, cs, {
        follow: !!flags.follow,
        color: !flags['no-color'] && ctx.stdout.isTTY === true,
        prefix: !flags['no-log-prefix'],
        signal: ctx.signal,
        ...(tail !== undefined ? { tail } : {}),
      });
      return 0;
    }
    case 'build':
      await p.build(services, { signal: ctx.signal, onEvent: ev, onBuildOutput: (svc, line) => ctx.stderr.write(`${svc}  | ${line}\n`) });
      return 0;
    case 'pull':
      await p.pull(services, { signal: ctx.signal, onEvent: ev });
      return 0;
    case 'start':
      await p.start(services, ev);
      return 0;
    case 'stop':
      await p.stop(services, { onEvent: ev, ...(flags.timeout !== undefined ? { timeoutSec: seconds(flags.timeout as string)! } : {}) });
      return 0;
    case 'restart':
      await p.restart(services, { onEvent: ev, ...(flags.timeout !== undefined ? { timeoutSec: seconds(flags.timeout as string)! } : {}) });
      return 0;
    case 'rm':
      await p.rm(services, { force: true, stop: !!flags.stop, volumes: !!flags.volumes, onEvent: ev });
      return 0;
    case 'exec': {
      const [svc, ...cmd] = args;
      if (!svc || cmd.length === 0) throw new EngineError('invalid_argument', "'dockui compose exec' needs a service and a command");
      const index = flags.index === undefined ? 1 : Number(flags.index);
      const c = await p.serviceContainer(svc, index);
      const tty = !flags['no-TTY'] && ctx.stdin.isTTY === true && ctx.stdout.isTTY === true;
      const child = await ctx.engine.containers.exec(c.id, {
        args: cmd,
        env: ((flags.env as string[] | undefined) ?? []).map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`)),
        ...(flags.user ? { user: flags.user as string } : {}),
        ...(flags.workdir ? { workdir: flags.workdir as string } : {}),
        tty,
        interactive: !flags.detach,
      });
      if (flags.detach) {
        child.unref();
        return 0;
      }
      return await new Promise<number>((res) => {
        child.on('close', (code, sig) => res(code ?? (sig ? 137 : 126)));
        child.on('error', () => res(126));
      });
    }
    default:
      return runMore(ctx, p, name, flags, args, ev);
  }
}

/** `--scale web=3 --scale api=2` → { web: 3, api: 2 }. */
function parseScale(v: readonly string[] | undefined): Record<string, number> | undefined {
  if (!v?.length) return undefined;
  const out: Record<string, number> = {};
  for (const x of v) {
    const m = /^([^=]+)=(\d+)$/.exec(x);
    if (!m) throw new EngineError('invalid_argument', `invalid --scale ${JSON.stringify(x)}: SERVICE=NUM`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export const verb = defineVerb({
  name: 'compose',
  synopsis: `[-f FILE]... [-p NAME] [--env-file FILE] [--profile P]... COMMAND\n\nCommands: ${Object.keys(sub).join(', ')}`,
  summary: 'Run multi-container applications from a Compose file',
  flags: projectFlags,
  stopAtPositional: true,
  async run(ctx, { flags, positionals }) {
    const [name, ...rest] = positionals;
    if (!name) throw new EngineError('invalid_argument', `'dockui compose' needs a command: ${Object.keys(sub).join(', ')}`);
    const spec = sub[name];
    if (!spec) throw new EngineError('invalid_argument', `unknown compose command: ${name} (${Object.keys(sub).join(', ')})`);
    if (rest[0] === '--help' || rest[0] === '-h') {
      ctx.stdout.write(usage(`compose ${name}`, spec.synopsis, spec.flags) + '\n');
      return 0;
    }
    const oneService = name === 'exec' || name === 'run' || name === 'port';
    const parsed = composeArgs(name, rest, spec.flags);
    const pf = parsed.flags as Record<string, string | string[] | boolean | undefined>;
    if (name === 'ls') return composeLs(ctx, pf);
    if (name === 'down' && pf.rmi !== undefined && pf.rmi !== 'local' && pf.rmi !== 'all')
      throw new EngineError('invalid_argument', `invalid --rmi ${JSON.stringify(pf.rmi)}: local or all`);
    const named = oneService ? parsed.positionals.slice(0, 1) : parsed.positionals;
    const p = await ctx.engine.compose.load({
      ...(flags.file ? { files: flags.file } : {}),
      ...(flags['project-name'] ? { projectName: flags['project-name'] } : {}),
      ...(flags['project-directory'] ? { projectDirectory: flags['project-directory'] } : {}),
      ...(flags['env-file'] ? { envFiles: flags['env-file'] } : {}),
      ...(flags.profile ? { profiles: flags.profile } : {}),
      // Services named on up/start/... are enabled whatever their profiles.
      ...(named.length && name !== 'config' ? { services: named } : {}),
    });
    return runSub(ctx, p, name, pf, parsed.positionals);
  },
});

/** A compose verb's flags: a flag error exits 1 here, as docker-compose 1.29's errors do (not docker's 125). */
function composeArgs(name: string, rest: readonly string[], specs: FlagSpecs): ReturnType<typeof parseArgs> {
  try {
    return parseArgs(`compose ${name}`, rest, specs, { stopAtPositional: name === 'exec' || name === 'run' });
  } catch (e) {
    throw isEngineError(e) ? new EngineError(e.code, e.message, { exitCode: 1 }) : e;
  }
}
