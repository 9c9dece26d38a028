// `docker exec -it` with detach keys (ContainerEngine.execSession): the command runs on a pty of
// `script`'s (the runtime's execPty); this copies the caller's input in, through attach's escape
// proxy so the keys are read as attach reads them, and the pty's output out. On the keys the
// pipes change hands (handOff): a small detached `cat` reads the output into /dev/null and holds
// the input open, so the command runs on after this process has gone (Docker discards a
// detached exec's output too), and `cat` ends when the command does (`script` exits and closes
// its output). `exec -t` without -i is the same session with no input; `exec -d -t` hands off as
// soon as the command runs.
import { constants } from 'node:os';
import { EngineError } from '../define.js';
import { resizePty } from '../runtime/pty.js';
import { runcMessage } from '../runtime/oci-runtime.js';
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

/** `detachKeys` of Docker's client config, checked (ContainerEngine.configDetachKeys). */
export async function configDetachKeys(): Promise<{ keys?: string; warning?: string }> {
  const { configPath, readConfig } = await import('../registry/credentials.js');
  const path = configPath();
  // docker's CLI warns about a file it cannot parse and goes on without it (checked: docker 20.10,
  // "WARNING: Error parsing config file (PATH): ..."), a detachKeys that is no string included.
  const unparsed = (why: string) => ({ warning: `Error parsing config file (${path}): ${why}` });
  let cfg: Awaited<ReturnType<typeof readConfig>>;
  try {
    cfg = await readConfig(path);
  } catch (e) {
    return unparsed(((e as Error).cause as Error | undefined)?.message ?? (e as Error).message);
  }
  const keys = cfg.detachKeys;
  if (keys === undefined || keys === '') return {};
  if (typeof keys !== 'string') return unparsed(`detachKeys ${JSON.stringify(keys)} is not a string`);
  // A string that is no key sequence goes to the daemon with every exec and attach, which refuses
  // it: exit 1.
  try {
    detachKeyBytes(keys);
  } catch (e) {
    throw new EngineError(
      'invalid_argument',
      `invalid detachKeys ${JSON.stringify(keys)} in ${path}: ${(e as Error).message.replace(/^.*provided: /, '')}`,
      { exitCode: 1 },
    );
  }
  return { keys };
}

const exitCodeOf = (code: number | null, sig: NodeJS.Signals | null) => code ?? 128 + (sig ? constants.signals[sig] : 9);

/**
 * Gives the pty's pipes to a detached `cat` (output to /dev/null, input held open) once runc has
 * read the process file and `ready` (the window size set) has settled, and lets go of `script`:
 * this process may exit a moment later, the command runs on.
 */
async function handOff(pty: PtyExec, ready: Promise<unknown>): Promise<void> {
  const { child, started } = pty;
  const [stdin, stdout, stderr] = [child.stdin!, child.stdout!, child.stderr!];
  for (const s of [stdout, stderr]) {
    s.removeAllListeners('data');
    s.pause();
  }
  await Promise.all([started, ready]);
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
}

/**
 * Hangs the pty up once runc has read the process file: `script` goes (SIGKILL), the kernel
 * sends runc, the pty's session leader, SIGHUP, and runc passes it on to the command.
 */
async function hangUp(pty: PtyExec): Promise<void> {
  const { child, started } = pty;
  for (const s of [child.stdout!, child.stderr!]) s.removeAllListeners('data');
  await started;
  child.kill('SIGKILL');
  child.unref();
  for (const s of [child.stdin!, child.stdout!, child.stderr!]) s.destroy();
}

/** What runc said on the pty when it could not start the command, in docker's words ("OCI runtime exec failed: …"). */
function ptyStartFailure(said: string): string {
  // runc wrote it to a terminal: logrus's coloured text ("ERRO[0000] …").
  const text = said
    .replace(/\r/g, '')
    // eslint-disable-next-line no-control-regex -- the colours' escapes are what goes
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/^(?:ERRO|FATA)\[\d+\]\s*/gm, '');
  return `OCI runtime exec failed: ${runcMessage(text)}`;
}

/**
 * `exec -d -t`: the command on its pty, left to run once it does. runc's refusal (the command
 * cannot start) comes on the pty: that text is the error (exit 1, as docker's).
 */
export async function detachPty(pty: PtyExec): Promise<void> {
  const { child, started } = pty;
  let said = '';
  child.stdout!.on('data', (d: Buffer) => (said += d.toString()));
  child.stdin!.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
  if ((await started) === undefined) {
    await closed;
    throw new EngineError('failed_precondition', ptyStartFailure(said), { exitCode: 1 });
  }
  await handOff(pty, Promise.resolve());
}

export async function runExecSession(pty: PtyExec, opts: ExecSessionOptions, keys: Buffer): Promise<AttachResult> {
  const { child, started } = pty;
  const [stdin, stdout, stderr] = [child.stdin!, child.stdout!, child.stderr!];
  const input = opts.stdin;
  const resized = opts.size ? resizePty(child, opts.size.rows, opts.size.cols) : Promise.resolve();
  const offResize = opts.onResize?.((s) => void resizePty(child, s.rows, s.cols));
  const proxy = new EscapeProxy(keys);
  // What the pty says until runc has the command running: its words when it could not start it.
  let ran = false;
  let said = '';
  void started.then((pid) => {
    ran = pid !== undefined;
    if (pid !== undefined) opts.onStart?.(pid);
  });
  const result = await new Promise<AttachResult>((resolve) => {
    let done = false;
    let detaching = false;
    // The pty hung up: `script`'s end is no exit of the command's.
    let hangingUp = false;
    const onOut = (d: Buffer) => {
      if (!ran && said.length < 64 * 1024) said += d.toString();
      opts.stdout.write(d);
    };
    const finish = (r: AttachResult) => {
      if (done) return;
      done = true;
      input?.off('data', onIn);
      input?.off('end', onEnd);
      input?.pause();
      opts.signal?.removeEventListener('abort', onAbort);
      offResize?.();
      resolve(r);
    };
    const detach = (byKeys = false) => {
      if (done || detaching) return;
      detaching = true;
      input?.off('data', onIn);
      hangingUp = byKeys && opts.hangUpOnKeys === true;
      void (hangingUp ? hangUp(pty) : handOff(pty, resized)).then(() => finish({ detached: true }));
    };
    const onAbort = () => detach();
    const onIn = (d: Buffer) => {
      const { forward, detach: matched } = proxy.push(d);
      if (forward.length) stdin.write(forward);
      if (matched) detach(true);
    };
    // The caller's input ended (a closed connection): so does the pty's, as docker closes an exec's stdin.
    const onEnd = () => stdin.end();
    stdin.on('error', () => undefined);
    stdout.on('data', onOut);
    stderr.on('data', onOut);
    input?.on('data', onIn);
    input?.on('end', onEnd);
    input?.resume();
    if (opts.signal?.aborted) detach();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('close', (code, sig) => hangingUp || finish({ detached: false, exitCode: exitCodeOf(code, sig) }));
    child.on('error', () => hangingUp || finish({ detached: false, exitCode: 126 }));
  });
  // Its process file is removed once runc has started it, or has failed to.
  if ((await started) === undefined && !result.detached) return { ...result, startError: ptyStartFailure(said) };
  return result;
}
