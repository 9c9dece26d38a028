// Processes a test looks for: the `script` sessions dockui runs runc under, the `cat`s that drain
// a detached session's pty, any runc left running an exec; and a poll until a probe answers.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Inode of a socket an fd of a process holds (Node's child stdio are socket pairs). */
export function socketOf(pid: number, fd: number): string | undefined {
  try {
    return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
  } catch {
    return undefined; // gone
  }
}

/** Every live process with its argv (a zombie's is empty). */
export function processes(): { pid: number; argv: string[] }[] {
  const procs: { pid: number; argv: string[] }[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      if (argv[0]) procs.push({ pid: Number(e), argv });
    } catch {
      // gone
    }
  }
  return procs;
}

/**
 * Pids of the `script` processes running runc under this run root, of the `cat`s reading their
 * output (a cat whose stdin is the other end of a script's stdout: `ss` knows the peers), and
 * of any `runc exec` on this run root.
 */
export function sessionHelpers(runRoot: string): { scripts: number[]; cats: number[]; runcExecs: number[] } {
  const procs = processes();
  const peer = new Map<string, string>();
  for (const line of execFileSync('ss', ['-xn'], { encoding: 'utf8' }).split('\n').slice(1)) {
    const w = line.trim().split(/\s+/);
    if (w.length >= 8) peer.set(w[5]!, w[7]!);
  }
  const scripts = procs.filter((p) => p.argv[0]?.endsWith('script') && p.argv.some((a) => a.includes(`${runRoot}/runc`))).map((p) => p.pid);
  const outputs = new Set(scripts.map((pid) => socketOf(pid, 1)).filter((x) => x !== undefined));
  const cats = procs
    .filter((p) => p.argv[0] === 'cat')
    .filter((p) => {
      const fd0 = socketOf(p.pid, 0);
      return fd0 !== undefined && outputs.has(peer.get(fd0) ?? '');
    })
    .map((p) => p.pid);
  const runcExecs = procs
    .filter((p) => p.argv[0]?.endsWith('runc') && p.argv.includes(`${runRoot}/runc`) && p.argv.includes('exec'))
    .map((p) => p.pid);
  return { scripts, cats, runcExecs };
}

/** Polls `probe` (every 100 ms) until it gives something other than undefined. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
