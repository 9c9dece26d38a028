// `docker exec -it` with detach keys: the command runs under `script` (a pty of its own, in a
// session of its own); this process copies the terminal's input in — through attach's escape
// proxy, so the keys are read as attach reads them — and the pty's output out. On the detach
// keys the pipes go to a small detached `cat`, which reads the output into /dev/null and holds
// the input open, so the command runs on after this process has gone (Docker discards a
// detached exec's output too) and `cat` ends when it does.
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { EngineError } from '../define.js';
import type { AttachResult, ExecSessionOptions } from './attach-types.js';
import { detachKeyBytes, EscapeProxy } from './attach.js';

/** Docker's exec refusal of a bad sequence (the daemon's words). */
export function execDetachKeys(keys: string | undefined): Buffer {
  const k = keys === undefined || keys === '' ? 'ctrl-p,ctrl-q' : keys;
  try {
    return detachKeyBytes(k);
  } catch {
    throw new EngineError('invalid_argument', `Invalid escape keys (${k}) provided`, { exitCode: 1 });
  }
}

/** The pty `script` gave its child (/dev/pts/N), once the child runs. */
function ptyOf(scriptPid: number): string | undefined {
  try {
    const kids = readFileSync(`/proc/${scriptPid}/task/${scriptPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const k of kids) {
      const t = readlinkSync(`/proc/${k}/fd/0`);
      if (t.startsWith('/dev/pts/')) return t;
    }
  } catch {
    // not started yet, or gone
  }
  return undefined;
}

async function resize(child: ChildProcess, size: { rows: number; cols: number }): Promise<void> {
  if (!child.pid || !(size.rows > 0 && size.cols > 0)) return;
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    const pts = ptyOf(child.pid);
    if (pts) {
      spawnSync('stty', ['-F', pts, 'rows', String(size.rows), 'cols', String(size.cols)], { stdio: 'ignore' });
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function runExecSession(child: ChildProcess, opts: ExecSessionOptions, keys: Buffer): Promise<AttachResult> {
  const proxy = new EscapeProxy(keys);
  const { stdin, stdout, stderr } = child as ChildProcess & { stdin: NodeJS.WritableStream; stdout: NodeJS.ReadableStream };
  const resized = opts.size ? resize(child, opts.size) : Promise.resolve();
  const offResize = opts.onResize?.((s) => void resize(child, s));
  return new Promise<AttachResult>((resolve) => {
    let done = false;
    const onOut = (d: Buffer) => opts.stdout.write(d);
    const finish = (r: AttachResult) => {
      if (done) return;
      done = true;
      opts.stdin.off('data', onIn);
      opts.stdin.pause();
      offResize?.();
      resolve(r);
    };
    const onIn = (d: Buffer) => {
      const { forward, detach } = proxy.push(d);
      if (forward.length) stdin.write(forward);
      if (!detach) return;
      // Hand the pipes over: the output to a reader that drops it, the input held open.
      stdout.off('data', onOut);
      stdout.pause();
      void resized.then(() => {
        const drain = process.getBuiltinModule('node:child_process').spawn('cat', [], {
          detached: true,
          stdio: [stdout as never, 'ignore', 'ignore', stdin as never, stderr as never],
        });
        drain.unref();
        child.unref();
        for (const s of [child.stdin, child.stdout, child.stderr]) s?.destroy();
        finish({ detached: true });
      });
    };
    stdout.on('data', onOut);
    stderr?.resume();
    stdin.on('error', () => undefined);
    opts.stdin.on('data', onIn);
    opts.stdin.resume();
    child.on('close', (code, sig) => finish({ detached: false, exitCode: code ?? (sig ? 137 : 126) }));
    child.on('error', () => finish({ detached: false, exitCode: 126 }));
  });
}
