// A pty for a process whose caller has pipes, not a terminal: util-linux `script` runs it on a
// pty of its own (its child in a session of its own) and copies between that pty and its own
// stdin/stdout. runc takes a TTY exec's terminal from its own stdio, so this is how a TTY exec
// runs when its caller must be able to walk away from it (exec's detach keys: the pipes change
// hands, the pty stays) or speaks through a socket (the Engine API). Window sizes are set on the
// pty with `stty -F`: the kernel sends SIGWINCH, and runc passes the size on to the container's.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { findExecutable } from './oci-runtime.js';
import { EngineError } from '../define.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs argv under `script`, its stdio three pipes: the pty's output comes raw on stdout, stdin
 * goes to the pty as typed. `detached`: `script` in a process group and session of its own, so
 * the caller's terminal and its signals do not reach it (it outlives the caller).
 */
export function spawnInPty(argv: readonly string[], opts: { detached?: boolean } = {}): ChildProcess {
  const script = findExecutable('script');
  if (!script)
    throw new EngineError('failed_precondition', 'util-linux script is not installed (apt-get install bsdutils): a TTY exec needs it');
  return process.getBuiltinModule('node:child_process').spawn(script, ['-qfec', argv.map(quote).join(' '), '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
    env: { ...process.env, TERM: process.env.TERM ?? 'xterm' },
  });
}

/** The pty slave `script` gave its child (/dev/pts/N), once the child runs. */
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

/** Sets the window size of the pty of `child` (spawnInPty's); retried (up to 5 s) while `script` starts its child. */
export async function resizePty(child: ChildProcess, rows: number, cols: number): Promise<void> {
  if (!child.pid || !(rows > 0 && cols > 0 && rows < 10000 && cols < 10000)) return;
  for (let i = 0; i < 500; i++) {
    const pts = ptyOf(child.pid);
    if (pts) {
      process
        .getBuiltinModule('node:child_process')
        .spawnSync('stty', ['-F', pts, 'rows', String(rows), 'cols', String(cols)], { stdio: 'ignore' });
      return;
    }
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
