// `dockui exec`: a command in a running container. -it from a terminal is a session the detach
// keys (--detach-keys, else the detachKeys of docker's client config; default ctrl-p,ctrl-q as
// attach's) leave running: docker's "read escape sequence" and exit 1, as `docker exec -it` and
// `dockui attach` give. Docker checks the keys whatever the other flags say; without -t (no pty,
// no escape proxy) they change nothing. -t without a terminal on stdin runs on a pty of its own
// too (its output only, as docker's). -d leaves nothing behind the command: no process file, no
// runc or other helper waiting on it.
import { EngineError } from '../../engine/define.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';
import { readEnvFile } from '../env-file.js';
import { terminalFor } from '../tty-size.js';

export const execVerb = defineVerb({
  name: 'exec',
  synopsis: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  summary: 'Run a command in a running container',
  flags: {
    interactive: { short: 'i', help: 'Keep STDIN open even if not attached' },
    tty: { short: 't', help: 'Allocate a pseudo-TTY' },
    env: { short: 'e', value: true, multi: true, help: 'Set environment variables' },
    'env-file': { value: true, multi: true, help: 'Read in a file of environment variables' },
    privileged: { help: 'Give extended privileges to the command' },
    user: { short: 'u', value: true, help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
    workdir: { short: 'w', value: true, help: 'Working directory inside the container' },
    detach: { short: 'd', help: 'Detached mode: run command in the background' },
    'detach-keys': { value: true, help: 'Override the key sequence for detaching a container' },
  },
  stopAtPositional: true,
  async run(ctx, { flags, positionals }) {
    const [target, ...args] = positionals;
    if (!target || args.length === 0) throw new EngineError('invalid_argument', "'dockui exec' needs a container and a command");
    const c = ctx.engine.containers;
    const tty = flags.tty === true;
    const interactive = flags.interactive === true;
    // Docker's check and words (its CLI's, before the daemon is asked anything).
    if (!flags.detach && tty && interactive && !ctx.stdin.isTTY)
      throw new EngineError('invalid_argument', 'the input device is not a TTY', { exitCode: 1 });
    // docker's CLI sends the keys (the flag's, else its config file's) with every exec: checked
    // whatever the flags. An empty flag is no flag (docker's).
    const cfg = flags['detach-keys'] ? {} : await c.configDetachKeys();
    if (cfg.warning) ctx.stderr.write(`WARNING: ${cfg.warning}\n`);
    const detachKeys = flags['detach-keys'] || cfg.keys;
    if (detachKeys !== undefined) await c.execDetachKeys(detachKeys);
    // --env-file's lines, then -e (docker's order: a flag wins over a file).
    const envLines = [...(await Promise.all((flags['env-file'] ?? []).map(readEnvFile))).flat(), ...(flags.env ?? [])];
    const common = {
      args,
      env: envLines.map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`)),
      ...(flags.privileged ? { privileged: true } : {}),
      ...(flags.user ? { user: flags.user } : {}),
      ...(flags.workdir ? { workdir: flags.workdir } : {}),
    };
    // Nothing attached; the command runs on, and nothing of this command stays behind it.
    if (flags.detach) {
      await c.execDetached(target, { ...common, tty });
      return 0;
    }
    // The pty sized (the API's client resizes after the start) and raw; put back if the exec is refused.
    const restore = await terminalFor(tty);
    // A pty of its own: -it (from a terminal: the detach keys are read), and -t without a
    // terminal on stdin, where runc has none to take (docker runs it: stdin not attached, the
    // pty's output on stdout, the command's exit code).
    if (tty && (interactive || !ctx.stdin.isTTY)) return execSession(ctx, target, common, detachKeys, interactive, restore);
    const child = await c
      .exec(target, {
        ...common,
        tty,
        interactive,
        checkCommand: true,
      })
      .catch((e: unknown) => {
        restore();
        throw e;
      });
    return await new Promise<number>((res) => {
      child.on('close', (code, sig) => res(code ?? (sig ? 128 + 9 : 126)));
      child.on('error', () => res(126));
    }).finally(restore);
  },
});

/** A pty session (-it, or -t alone): the exec's code, or 1 with docker's line when the keys detach. */
async function execSession(
  ctx: CliContext,
  target: string,
  common: { args: string[]; env: string[]; privileged?: boolean; user?: string; workdir?: string },
  detachKeys: string | undefined,
  interactive: boolean,
  restore: () => void,
): Promise<number> {
  const out = ctx.stdout.stream;
  const size = () => ({ rows: out.rows || 24, cols: out.columns || 80 });
  let r;
  try {
    r = await ctx.engine.containers.execSession(target, {
      ...common,
      ...(interactive ? { stdin: ctx.stdin } : {}),
      stdout: out,
      ...(detachKeys !== undefined ? { detachKeys } : {}),
      // Without a terminal the pty keeps its 0×0, as docker's.
      ...(interactive || out.isTTY ? { size: size() } : {}),
      onResize: (l) => {
        const h = () => l(size());
        out.on('resize', h);
        return () => out.off('resize', h);
      },
      signal: ctx.signal,
    });
  } finally {
    // The terminal back as it was before docker's line goes to it.
    restore();
  }
  if (!r.detached) return r.exitCode ?? 0;
  if (ctx.signal.aborted) throw new EngineError('canceled', 'canceled');
  ctx.stderr.write('read escape sequence\n');
  return 1;
}
