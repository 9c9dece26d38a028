// `dockui attach`: docker's attach to a running container — its output from now on, stdin when
// it was created with -i (not with --no-stdin), detached by ctrl-p ctrl-q (--detach-keys, else
// the detachKeys of docker's client config, as docker's CLI reads them) with docker's "read
// escape sequence" and exit 1; the container's exit code when it exits. Without a TTY,
// --sig-proxy (default) passes the signals this process gets on to the container.
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';

const proxied: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export const verb = defineVerb({
  name: 'attach',
  synopsis: '[OPTIONS] CONTAINER',
  summary: 'Attach local standard input, output, and error streams to a running container',
  flags: {
    'detach-keys': { value: true, help: 'Override the key sequence for detaching a container' },
    'no-stdin': { help: 'Do not attach STDIN' },
    'sig-proxy': { help: 'Proxy all received signals to the process (default true)' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', '"dockui attach" requires exactly 1 argument.');
    const c = await ctx.engine.containers.find(positionals[0]!);
    const withStdin = flags['no-stdin'] !== true && c.interactive;
    const term = ctx.stdin.isTTY === true;
    if (withStdin && c.tty && !term) throw new EngineError('invalid_argument', 'the input device is not a TTY', { exitCode: 1 });
    // The flag's, else those of docker's client config (an empty flag is no flag), read after
    // docker's checks of the container (a stopped one is refused by attach, below).
    const cfg = flags['detach-keys'] || c.state !== 'running' ? {} : await ctx.engine.containers.configDetachKeys();
    if (cfg.warning) ctx.stderr.write(`WARNING: ${cfg.warning}\n`);
    const detachKeys = flags['detach-keys'] || cfg.keys;
    const sigProxy = flags['sig-proxy'] !== false && !c.tty;
    const ac = new AbortController();
    // Without the proxy, the first signal detaches (the container keeps running).
    const onAbort = () => ac.abort();
    if (!sigProxy) ctx.signal.addEventListener('abort', onAbort, { once: true });
    const forward = (sig: NodeJS.Signals) => void ctx.engine.containers.kill(c.id, sig).catch(() => undefined);
    // Every signal goes on, the second SIGINT too (docker's attach never exits on one: a
    // `timeout -s INT` sends it to the process and to its group, so two arrive at once).
    const giveBack = sigProxy ? ctx.takeSignals?.() : undefined;
    if (sigProxy) for (const s of proxied) process.on(s, forward);
    const raw = withStdin && c.tty && term;
    if (raw) ctx.stdin.setRawMode(true);
    const size = () => ({ rows: ctx.stdout.stream.rows || 24, cols: ctx.stdout.stream.columns || 80 });
    try {
      const r = await ctx.engine.containers.attach(c.id, {
        stdout: ctx.stdout.stream,
        stderr: ctx.stderr.stream,
        ...(withStdin ? { stdin: ctx.stdin } : {}),
        ...(detachKeys !== undefined ? { detachKeys } : {}),
        ...(c.tty && ctx.stdout.isTTY ? { size: size() } : {}),
        onResize: (l) => {
          const h = () => l(size());
          ctx.stdout.stream.on('resize', h);
          return () => ctx.stdout.stream.off('resize', h);
        },
        signal: ac.signal,
      });
      if (r.detached) {
        if (ac.signal.aborted) return 130;
        ctx.stderr.write('read escape sequence\n');
        return 1;
      }
      return r.exitCode ?? 0;
    } finally {
      if (raw) ctx.stdin.setRawMode(false);
      for (const s of proxied) process.off(s, forward);
      giveBack?.();
      ctx.signal.removeEventListener('abort', onAbort);
    }
  },
});
