// `dockui compose` ls, images, top, port, run, push: Docker Compose v2's words and output over
// the engine's compose noun (compose.ts has the project flags and the other verbs).
import { EngineError, compareText } from '../../engine/define.js';
import type { ComposeEvent, ComposeProjectHandle } from '../../engine/index.js';
import * as units from '../../format/units.js';
import type { FlagSpecs } from '../args.js';
import type { CliContext } from '../context.js';
import { table } from './images.js';

type Flags = Record<string, string | string[] | boolean | undefined>;

export const moreSub: Record<string, { synopsis: string; flags: FlagSpecs }> = {
  ls: {
    synopsis: '[-a] [-q] [--format table|json]',
    flags: {
      all: { short: 'a', help: 'projects with no container running too' },
      quiet: { short: 'q', help: 'names only' },
      format: { value: true, help: 'table or json' },
    },
  },
  images: { synopsis: '[-q] [SERVICE...]', flags: { quiet: { short: 'q', help: 'image ids only' } } },
  top: { synopsis: '[SERVICE...]', flags: {} },
  port: {
    synopsis: '[--protocol tcp|udp] [--index N] SERVICE PRIVATE_PORT',
    flags: {
      protocol: { value: true, help: 'tcp or udp (default tcp)' },
      index: { value: true, help: 'which container of the service (default 1)' },
    },
  },
  run: {
    synopsis:
      '[-d] [--rm] [-T] [-i] [-e K=V]... [--name NAME] [--entrypoint CMD] [-u USER] [-w DIR] [--no-deps] [--service-ports] SERVICE [COMMAND] [ARG...]',
    flags: {
      detach: { short: 'd', help: 'run in the background, print the container name' },
      rm: { help: 'remove the container when it exits' },
      'no-TTY': { short: 'T', help: 'Disable pseudo-TTY allocation (default: auto-detected)' },
      interactive: { short: 'i', help: 'Keep STDIN open even if not attached' },
      env: { short: 'e', value: true, multi: true, help: 'environment variable' },
      name: { value: true, help: 'container name' },
      entrypoint: { value: true, help: 'override the entrypoint' },
      user: { short: 'u', value: true, help: 'user' },
      workdir: { short: 'w', value: true, help: 'working directory' },
      'no-deps': { help: 'do not start the services it depends on' },
      'service-ports': { help: 'publish the service’s ports' },
      build: { help: 'build the image first' },
    },
  },
  push: {
    synopsis: '[--ignore-push-failures] [SERVICE...]',
    flags: { 'ignore-push-failures': { help: 'go on past an image that fails' } },
  },
};

/** `compose ls` needs no project: the engine's containers say which exist. */
export async function composeLs(ctx: CliContext, flags: Flags): Promise<number> {
  const format = (flags.format as string | undefined) ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw new EngineError('invalid_argument', `invalid --format ${JSON.stringify(format)}: table or json`);
  const rows = await ctx.engine.compose.ls({ all: !!flags.all });
  if (flags.quiet) ctx.stdout.write(rows.map((r) => r.name + '\n').join(''));
  else if (format === 'json')
    ctx.stdout.write(JSON.stringify(rows.map((r) => ({ Name: r.name, Status: r.status, ConfigFiles: r.configFiles }))) + '\n');
  else
    ctx.stdout.write(
      table(
        ['NAME', 'STATUS', 'CONFIG FILES'],
        rows.map((r) => [r.name, r.status, r.configFiles]),
      ),
    );
  return 0;
}

/** "127.0.0.1:5000/app/web:1" → ["127.0.0.1:5000/app/web", "1"]. */
function repoTag(ref: string): [string, string] {
  const familiar = units.familiarRef(ref);
  const at = familiar.indexOf('@');
  if (at >= 0) return [familiar.slice(0, at), '<none>'];
  const colon = familiar.lastIndexOf(':');
  return colon > familiar.lastIndexOf('/') ? [familiar.slice(0, colon), familiar.slice(colon + 1)] : [familiar, 'latest'];
}

export async function runMore(
  ctx: CliContext,
  p: ComposeProjectHandle,
  name: string,
  flags: Flags,
  args: string[],
  ev: (e: ComposeEvent) => void,
): Promise<number> {
  const services = args.length ? args : undefined;
  switch (name) {
    case 'images': {
      const cs = (await p.containers({ all: true, ...(services ? { services } : {}) })).sort((a, b) => compareText(a.name, b.name));
      if (flags.quiet) {
        ctx.stdout.write([...new Set(cs.map((c) => c.imageId))].map((id) => id + '\n').join(''));
        return 0;
      }
      const sizes = new Map((await ctx.engine.images.list()).map((i) => [i.id, i.size]));
      ctx.stdout.write(
        table(
          ['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'],
          cs.map((c) => [c.name, ...repoTag(c.image), units.shortId(c.imageId), units.siSize(sizes.get(c.imageId) ?? 0)]),
        ),
      );
      return 0;
    }
    case 'top': {
      const cs = (await p.containers({ all: false, ...(services ? { services } : {}) })).sort((a, b) => compareText(a.name, b.name));
      const parts: string[] = [];
      for (const c of cs) {
        const t = await ctx.engine.containers.top(c.id);
        parts.push(`${c.name}\n${table(t.titles, t.processes)}`);
      }
      ctx.stdout.write(parts.join('\n'));
      return 0;
    }
    case 'port': {
      if (args.length !== 2) throw new EngineError('invalid_argument', "'dockui compose port' needs SERVICE and PRIVATE_PORT");
      const [svc, port] = args as [string, string];
      const proto = (flags.protocol as string | undefined) ?? 'tcp';
      if (proto !== 'tcp' && proto !== 'udp')
        throw new EngineError('invalid_argument', `invalid --protocol ${JSON.stringify(proto)}: tcp or udp`);
      if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)
        throw new EngineError('invalid_argument', `invalid port ${JSON.stringify(port)}`);
      const index = flags.index === undefined ? 1 : Number(flags.index);
      if (!Number.isInteger(index) || index < 1)
        throw new EngineError('invalid_argument', `invalid --index ${JSON.stringify(flags.index)}`);
      const c = await p.serviceContainer(svc, index);
      const hit = c.ports.find((m) => m.containerPort === Number(port) && m.protocol === proto);
      if (!hit) throw new EngineError('not_found', `no port ${port}/${proto} published for service ${svc} (container ${c.name})`);
      ctx.stdout.write(`${hit.hostIp || '0.0.0.0'}:${hit.hostPort}\n`);
      return 0;
    }
    case 'push':
      await p.push(services, {
        signal: ctx.signal,
        ignoreFailures: !!flags['ignore-push-failures'],
        onEvent: ev,
        onError: (e) => ctx.stderr.write(`push: ${e instanceof Error ? e.message : String(e)}\n`),
      });
      return 0;
    case 'run':
      return runOneOff(ctx, p, flags, args, ev);
    default:
      throw new EngineError('invalid_argument', `unknown compose command: ${name}`);
  }
}

async function runOneOff(
  ctx: CliContext,
  p: ComposeProjectHandle,
  flags: Flags,
  args: string[],
  ev: (e: ComposeEvent) => void,
): Promise<number> {
  const [svc, ...cmd] = args;
  if (!svc) throw new EngineError('invalid_argument', "'dockui compose run' needs a service");
  const env = ((flags.env as string[] | undefined) ?? []).map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`));
  const detach = !!flags.detach;
  // As docker compose run: a pseudo-terminal when this command has one (unless -T), and then
  // stdin too; -i gives stdin without one. Those run in this process's foreground (runc run on
  // the project's network, the terminal straight to the container); the others are followed
  // from their log.
  const tty = !detach && !flags['no-TTY'] && (ctx.stdin as { isTTY?: boolean }).isTTY === true;
  const interactive = !detach && (tty || !!flags.interactive);
  const c = await p.runOneOff({
    tty,
    interactive,
    service: svc,
    ...(cmd.length ? { command: cmd } : {}),
    ...(flags.entrypoint ? { entrypoint: [flags.entrypoint as string] } : {}),
    env,
    ...(flags.name ? { name: flags.name as string } : {}),
    ...(flags.user ? { user: flags.user as string } : {}),
    ...(flags.workdir ? { workdir: flags.workdir as string } : {}),
    rm: detach && !!flags.rm,
    noDeps: !!flags['no-deps'],
    servicePorts: !!flags['service-ports'],
    build: !!flags.build,
    signal: ctx.signal,
    onEvent: ev,
  });
  const containers = ctx.engine.containers;
  if (interactive) {
    let code: number;
    try {
      code = await containers.runAttached(c.id, { signal: ctx.signal });
    } catch (e) {
      await containers.remove(c.id, { force: true }).catch(() => undefined);
      throw e;
    }
    if (flags.rm) await containers.remove(c.id, { force: true });
    return code;
  }
  try {
    await containers.start(c.id, detach ? {} : { foreground: true });
  } catch (e) {
    await containers.remove(c.id, { force: true }).catch(() => undefined);
    throw e;
  }
  if (detach) {
    ctx.stdout.write(`${c.name}\n`);
    return 0;
  }
  const onAbort = () => void containers.kill(c.id, 'SIGTERM').catch(() => undefined);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let code: number;
  try {
    for await (const l of containers.logs(c.id, { follow: true }))
      (l.stream === 'stdout' ? ctx.stdout : ctx.stderr).write(l.partial ? l.text : `${l.text}\n`);
    code = await containers.wait(c.id);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
  if (flags.rm) await containers.remove(c.id, { force: true });
  return code;
}
