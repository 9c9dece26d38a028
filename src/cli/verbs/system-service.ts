// `dockui system service [--time SECONDS] [unix:///path | tcp://127.0.0.1:PORT]`: the Docker
// Engine API on a socket (src/server), as `podman system service` serves it; exits after
// --time idle seconds (0: never) or on SIGINT/SIGTERM, removing its socket.
import { EngineError } from '../../engine/define.js';
import type { CliContext } from '../context.js';
import { terminalFor } from '../tty-size.js';

export async function serviceRun(
  ctx: CliContext,
  flags: { time?: string; attach?: string },
  positionals: readonly string[],
): Promise<number> {
  // The service's helper for `docker run -i/-it`: the container runs attached to this process's
  // stdio, which the service connects to the client (src/server/sessions.ts).
  if (flags.attach !== undefined) {
    // Under `script`: stdin is a terminal only for a TTY session.
    const restore = await terminalFor(process.stdin.isTTY === true);
    return ctx.engine.containers.runAttached(flags.attach, { signal: ctx.signal }).finally(restore);
  }
  if (positionals.length > 1) throw new EngineError('invalid_argument', "'dockui system service' takes at most one address");
  const idle = flags.time === undefined ? 5 : Number(flags.time);
  if (!Number.isFinite(idle) || idle < 0) throw new EngineError('invalid_argument', `invalid --time value: ${flags.time ?? ''}`);
  const { startService, defaultSocket } = await import('../../server/index.js');
  const listen = positionals[0] ?? defaultSocket();
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const svc = await startService({ engine: ctx.engine, listen, idleSeconds: idle, onIdle: () => stop() }).catch((e: unknown) => {
    const err = e as { status?: number; message?: string; code?: string };
    if (err.status !== undefined) throw new EngineError(err.status === 409 ? 'conflict' : 'invalid_argument', err.message ?? String(e));
    if (err.code === 'EADDRINUSE') throw new EngineError('conflict', `${listen} is in use`);
    if (err.code === 'EACCES') throw new EngineError('failed_precondition', `cannot listen on ${listen}: permission denied`);
    throw e;
  });
  ctx.stderr.write(
    `dockui: serving the Docker Engine API on ${listen.startsWith('tcp://') ? `tcp://${svc.address}` : `unix://${svc.address}`}\n`,
  );
  ctx.signal.addEventListener('abort', () => stop());
  await stopped;
  await svc.close();
  await ctx.engine.close();
  return 0;
}
