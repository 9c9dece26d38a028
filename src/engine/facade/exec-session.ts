// `docker exec -it` with detach keys (ContainerEngine.execSession): the command runs on a pty of
// `script`'s (the runtime's execPty); this copies the caller's input in, through attach's escape
// proxy so the keys are read as attach reads them, and the pty's output out. On the keys the
// pipes change hands: a small detached `cat` reads the output into /dev/null and holds the input
// open, so the command runs on after this process has gone (Docker discards a detached exec's
// output too), and `cat` ends when the command does (`script` exits and closes its output).
import { constants } from 'node:os';
import { EngineError } from '../define.js';
import { resizePty } from '../runtime/pty.js';
import type { PtyExec } from '../runtime/support.js';
import type { AttachResult, ExecSessionOptions } from './attach-types.js';
import { defaultDetachKeys, detachKeyBytes, EscapeProxy } from './attach.js';

/** The sequence's bytes, or Docker's exec refusal (the daemon's words; exit 1, as docker's). */
export function execDetachKeys(keys: string | undefined): Buffer {
  if (keys === undefined || keys === '') return detachKeyBytes(defaultDetachKeys);
  try {
    return detachKeyBytes(keys);
  } catch {
    throw new EngineError('invalid_argument', `Invalid escape keys (${keys}) provided`, { exitCode: 1 });
  }
}

const exitCodeOf = (code: number | null, sig: NodeJS.Signals | null) => code ?? 128 + (sig ? constants.signals[sig] : 9);

export async function runExecSession(pty: PtyExec, opts: ExecSessionOptions, keys: Buffer): Promise<AttachResult> {
  const { child, started } = pty;
  const [stdin, stdout, stderr] = [child.stdin!, child.stdout!, child.stderr!];
  const resized = opts.size ? resizePty(child, opts.size.rows, opts.size.cols) : Promise.resolve();
  const offResize = opts.onResize?.((s) => void resizePty(child, s.rows, s.cols));
  const proxy = new EscapeProxy(keys);
  const result = await new Promise<AttachResult>((resolve) => {
    let done = false;
    const onOut = (d: Buffer) => opts.stdout.write(d);
    const finish = (r: AttachResult) => {
      if (done) return;
      done = true;
      opts.stdin.off('data', onIn);
      opts.stdin.off('end', onEnd);
      opts.stdin.pause();
      opts.signal?.removeEventListener('abort', detach);
      offResize?.();
      resolve(r);
    };
    // The pipes go to `cat` once runc has read the process file (it is removed then) and the
    // window size is set: this process may be gone a moment later.
    const detach = () => {
      if (done) return;
      opts.stdin.off('data', onIn);
      for (const s of [stdout, stderr]) {
        s.off('data', onOut);
        s.pause();
      }
      void Promise.all([started, resized]).then(() => {
        if (child.exitCode === null && child.signalCode === null) {
          const drain = process.getBuiltinModule('node:child_process').spawn('cat', [], {
            detached: true,
            cwd: '/',
            stdio: [stdout, 'ignore', 'ignore', stdin, stderr],
          });
          drain.on('error', () => undefined);
          drain.unref();
        }
        child.unref();
        for (const s of [stdin, stdout, stderr]) s.destroy();
        finish({ detached: true });
      });
    };
    const onIn = (d: Buffer) => {
      const { forward, detach: matched } = proxy.push(d);
      if (forward.length) stdin.write(forward);
      if (matched) detach();
    };
    // The caller's input ended (a closed connection): so does the pty's, as docker closes an exec's stdin.
    const onEnd = () => stdin.end();
    stdin.on('error', () => undefined);
    stdout.on('data', onOut);
    stderr.on('data', onOut);
    opts.stdin.on('data', onIn);
    opts.stdin.on('end', onEnd);
    opts.stdin.resume();
    if (opts.signal?.aborted) detach();
    else opts.signal?.addEventListener('abort', detach, { once: true });
    child.on('close', (code, sig) => finish({ detached: false, exitCode: exitCodeOf(code, sig) }));
    child.on('error', () => finish({ detached: false, exitCode: 126 }));
  });
  // Its process file is removed once runc has started it, or has failed to.
  await started;
  return result;
}
