// An exec without a TTY on pipes of its own (ContainerEngine.execStreams, the Engine API's
// non-TTY exec): `runc exec` in the foreground, its stdout and stderr the command's. Until runc
// has the command running (its pid file written), what comes out is held back: runc's refusal,
// when it cannot start the command, comes on that stderr ("time=… level=error msg=…"), and is
// the start error in docker's words instead, the exit code dockerd's 126.
import { constants } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { runcMessage } from '../runtime/oci-runtime.js';
import type { AttachResult, ExecStreamsOptions } from './attach-types.js';

const exitCodeOf = (code: number | null, sig: NodeJS.Signals | null) => code ?? 128 + (sig ? constants.signals[sig] : 9);

export async function runExecStreams(
  child: ChildProcess & { readonly started: Promise<number | undefined> },
  opts: ExecStreamsOptions,
): Promise<AttachResult> {
  const [stdin, stdout, stderr] = [child.stdin!, child.stdout!, child.stderr!];
  let held: { to: NodeJS.WritableStream; data: Buffer }[] | undefined = [];
  let said = '';
  const out = (to: NodeJS.WritableStream, runcSays: boolean) => (data: Buffer) => {
    if (!held) return void to.write(data);
    held.push({ to, data });
    if (runcSays && said.length < 64 * 1024) said += data.toString();
  };
  const ended = (s: NodeJS.ReadableStream) =>
    new Promise<void>((resolve) => {
      s.on('end', resolve);
      s.on('error', () => resolve());
    });
  const outputs = Promise.all([ended(stdout), ended(stderr)]);
  stdout.on('data', out(opts.stdout, false));
  stderr.on('data', out(opts.stderr, true));
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code, sig) => resolve(exitCodeOf(code, sig)));
    child.on('error', () => resolve(126));
  });
  stdin.on('error', () => undefined);
  if (opts.stdin) opts.stdin.pipe(stdin);
  else stdin.end();
  const kill = () => child.kill('SIGKILL');
  if (opts.signal?.aborted) kill();
  else opts.signal?.addEventListener('abort', kill, { once: true });
  try {
    const pid = await child.started;
    if (pid === undefined) {
      held = undefined;
      await Promise.all([outputs, exited]);
      return { detached: false, exitCode: 126, startError: `OCI runtime exec failed: ${runcMessage(said)}` };
    }
    opts.onStart?.(pid);
    for (const h of held) h.to.write(h.data);
    held = undefined;
    const [, code] = await Promise.all([outputs, exited]);
    return { detached: false, exitCode: code };
  } finally {
    opts.signal?.removeEventListener('abort', kill);
    opts.stdin?.unpipe(stdin);
  }
}
