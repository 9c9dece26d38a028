import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EngineError } from './define.js';

/** The native helpers (native/sysx.c). Loaded on first use so the CLI's cold paths skip them. */
export interface Sysx {
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  /** undefined when the attribute is absent or unsupported. */
  lgetxattr(path: string, name: string): Buffer | undefined;
  llistxattr(path: string): string[];
  mount(source: string, target: string, fstype: string, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
  /** A blocking, close-on-exec SOCK_SEQPACKET client of DIR/NAME (DIR may exceed sun_path). */
  seqpacketConnect(dir: string, name: string): number;
  /** shutdown(2); SHUT_RDWR (2) by default. */
  shutdown(fd: number, how?: number): void;
  /**
   * ext4's FS_TOPDIR_FL (`chattr +T`) on a directory: its new subdirectories get block groups
   * of their own. false where the filesystem has no such flag.
   */
  spreadDirs(path: string): boolean;
}

export const MS_RDONLY = 1;
export const MS_BIND = 4096;
export const MS_REC = 16384;
export const MNT_DETACH = 2;
export const S_IFCHR = 0o020000;

let cached: Sysx | undefined;
export function sysx(): Sysx {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  for (const p of ['../../native/build/sysx.node', '../native/build/sysx.node']) {
    try {
      cached = require(p) as Sysx;
      return cached;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  throw new EngineError('failed_precondition', 'native helper not built: run scripts/setup.sh (or npm run build)');
}

// Process liveness, the one helper the engine uses for it (locks, leases, monitors, runc's init).

/** A process's start time in clock ticks since boot (/proc/PID/stat field 22), to tell pid reuse. */
export function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Is a process with this pid alive (on this host)? EPERM means it exists but is not ours. With
 * `start`, a live process that started at another time is a new process reusing the pid.
 */
export function pidAlive(pid: number, start?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === undefined || start === '') return true;
  const now = procStart(pid);
  return now === undefined || now === start;
}

/**
 * Has this process ended, zombies included? An orphan's zombie waits for the reaper (a slow
 * subreaper kept a network daemon's for ~2 s, and pidAlive says yes to it all that while).
 */
export function pidEnded(pid: number): boolean {
  if (!pidAlive(pid)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** One line of the mount table: where, what kind, and the filesystem's own options. */
export interface MountLine {
  readonly point: string;
  readonly fsType: string;
  readonly superOpts: string;
}

const unescapeMount = (m: string) => m.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** This process's mount table (/proc/self/mountinfo), octal escapes decoded; empty when unreadable. */
export function mountTable(): MountLine[] {
  let info: string;
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const out: MountLine[] = [];
  for (const l of info.split('\n')) {
    if (l === '') continue;
    const f = l.split(' ');
    const dash = f.indexOf('-');
    out.push({
      point: unescapeMount(f[4] ?? ''),
      fsType: dash > 0 ? (f[dash + 1] ?? '') : '',
      superOpts: unescapeMount(dash > 0 ? (f[dash + 3] ?? '') : ''),
    });
  }
  return out;
}
