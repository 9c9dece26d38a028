// TTY sessions for the API: runc takes its terminal from its own stdio, and a socket is no
// terminal, so a TTY exec (or `docker run -it`) runs dockui's own CLI under util-linux `script`,
// which gives it a pty and copies between that pty and our pipes. Resize sets the pty's window
// size with `stty -F` (the kernel sends SIGWINCH; runc passes the size on to the container's).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import type { EnginePaths } from '../engine/index.js';
import { HttpError } from './http.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** argv of this dockui (node + bin/dockui.js) with the service's roots. */
export function dockuiArgv(paths: EnginePaths): string[] {
  const bin = process.argv[1];
  if (!bin || !/dockui(\.c?js)?$/.test(bin)) throw new HttpError(501, 'TTY sessions need the service started through bin/dockui.js');
  return [process.execPath, '--', bin, '--root', paths.root, '--runroot', paths.runRoot];
}

/** Runs argv under `script` (a pty); its stdin/stdout are pipes, the pty's output comes raw on stdout. */
export function spawnInPty(argv: readonly string[]): ChildProcess {
  return spawn('script', ['-qfec', argv.map(quote).join(' '), '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
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

/** Sets the window size of the session's pty; retried (up to 5 s) while `script` starts its child. */
export async function resizePty(child: ChildProcess, rows: number, cols: number): Promise<void> {
  if (!child.pid || !(rows > 0 && cols > 0 && rows < 10000 && cols < 10000)) return;
  for (let i = 0; i < 500; i++) {
    const pts = ptyOf(child.pid);
    if (pts) {
      spawnSync('stty', ['-F', pts, 'rows', String(rows), 'cols', String(cols)], { stdio: 'ignore' });
      return;
    }
    if (child.exitCode !== null) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
