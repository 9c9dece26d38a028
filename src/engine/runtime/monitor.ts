// The per-container monitor: Debian's conmon. It runs `runc create`, then stays as the
// container's parent for its whole life, detached from dockui: it holds the exit code
// (ROOT/containers/<id>/exit, with "oom" beside it after an OOM kill), writes the logs
// (k8s-file: "<RFC3339Nano> stdout|stderr F|P text") and, with a tty, owns the pty master.
// When the container exits it runs `dockui container cleanup <id>` (the exit command).
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile } from '../util/fsa.js';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import { findExecutable, type OciRuntime } from './oci-runtime.js';
import { execFailureExitCode } from './lookpath.js';
import { childProcess } from '../util/builtin.js';
import { logPath } from './records.js';

export interface MonitorStart {
  readonly runtime: OciRuntime;
  readonly id: string;
  readonly name: string;
  readonly bundle: string;
  /** ROOT/containers/<id>: conmon's persist dir (exit, oom), the log and conmon's own files. */
  readonly containerDir: string;
  readonly runRoot: string;
  readonly tty: boolean;
  /** -i: conmon holds the container's stdin open and feeds it what attach clients send. */
  readonly interactive?: boolean;
  /** The log's cap in bytes: conmon starts the file afresh rather than pass it. */
  readonly logSizeMax?: number;
  /** --log-driver none: conmon keeps no log. */
  readonly noLog?: boolean;
  /** argv run by conmon after the container exits. */
  readonly exitCommand?: readonly string[];
}

export { logPath };

/** Starts conmon, which runs `runc create`. Resolves with the container's pid once it exists. */
export async function createWithMonitor(m: MonitorStart): Promise<{ pid: number; monitorPid: number }> {
  const conmon = process.env.DOCKUI_CONMON ?? findExecutable('conmon');
  if (!conmon)
    throw new EngineError('failed_precondition', 'conmon is not installed (apt-get install conmon): it monitors detached containers');
  const exitDir = join(m.runRoot, 'exits');
  const sockDir = join(m.runRoot, 'sock');
  await Promise.all([mkdir(exitDir, { recursive: true }), mkdir(sockDir, { recursive: true })]);
  const args = [
    '--api-version',
    '1',
    '-c',
    m.id,
    '-u',
    m.id,
    '-n',
    m.name,
    '-r',
    m.runtime.binary,
    '--runtime-arg',
    `--root=${m.runtime.root}`,
    '-b',
    m.bundle,
    '-p',
    join(m.containerDir, 'pidfile'),
    '-P',
    join(m.containerDir, 'conmon.pid'),
    '-l',
    m.noLog ? 'none' : `k8s-file:${logPath(m.containerDir)}`,
    ...(m.logSizeMax && !m.noLog ? ['--log-size-max', String(m.logSizeMax)] : []),
    '--exit-dir',
    exitDir,
    '-0',
    m.containerDir,
    '--socket-dir-path',
    sockDir,
    '--log-level',
    'error',
    ...(m.tty ? ['-t'] : []),
    // Docker's OpenStdin without StdinOnce: stdin stays open between attaches.
    ...(m.interactive ? ['-i', '--leave-stdin-open'] : []),
  ];
  if (m.exitCommand?.length) {
    args.push('--exit-command', m.exitCommand[0]!);
    for (const a of m.exitCommand.slice(1)) args.push('--exit-command-arg', a);
  }
  const errLog = join(m.containerDir, 'conmon.log');
  const errFd = openSync(errLog, 'w');
  const child = childProcess().spawn(conmon, args, {
    // conmon writes its "oom" marker into its working directory; it must land in the container's
    // dir (readExit looks there), never in whatever folder dockui was started from.
    cwd: m.containerDir,
    stdio: ['ignore', 'ignore', errFd, 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', _OCI_SYNCPIPE: '3' },
    detached: true,
  });
  closeSync(errFd);
  const sync = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
  let data = '';
  const pid = await new Promise<number>((resolve, reject) => {
    sync.on('data', (d: Buffer) => {
      data += d.toString();
      const m1 = /\{[^}]*\}/.exec(data);
      if (!m1) return;
      try {
        const msg = JSON.parse(m1[0]) as { data?: number; message?: string };
        if (typeof msg.data === 'number' && msg.data > 0) resolve(msg.data);
        else reject(runtimeError(cleanRuntimeMessage(msg.message ?? 'the container could not be created')));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    sync.on('end', () => {
      // conmon closed the pipe without a pid: its log says why.
      void readFile(errLog, 'utf8')
        .catch(() => '')
        .then((t) => reject(runtimeError(cleanRuntimeMessage(t.trim().split('\n').pop() || 'conmon failed to create the container'))));
    });
    child.on('error', (e) => reject(new EngineError('failed_precondition', `cannot run conmon: ${e.message}`, { cause: e })));
  }).finally(() => {
    sync.destroy();
    child.unref();
  });
  const monitorPid = Number((await readFile(join(m.containerDir, 'conmon.pid'), 'utf8').catch(() => '')).trim()) || 0;
  return { pid, monitorPid };
}

/** runc's logfmt error, as relayed by conmon, reduced to its message. */
/** runc's failure to start a container; exit 126/127 for a command it cannot run, as docker's. */
function runtimeError(message: string): EngineError {
  const exitCode = execFailureExitCode(message);
  return new EngineError('failed_precondition', message, exitCode === undefined ? undefined : { exitCode });
}

export function cleanRuntimeMessage(s: string): string {
  const m = /msg="((?:[^"\\]|\\.)*)"/.exec(s);
  let msg = (m ? m[1]! : s).replace(/\\"/g, '"').replace(/^\[conmon:[a-z]\]:\s*/, '');
  msg = msg.replace(/^runc (?:create|run) failed: /, '').replace(/^unable to start container process: /, '');
  return msg.trim();
}

/** The exit code conmon recorded, or undefined while the container has not exited. */
export async function readExit(containerDir: string): Promise<{ code: number; at: Date; oom: boolean } | undefined> {
  // Two tiny files, read at once (see records.ts on sync metadata I/O).
  try {
    const file = join(containerDir, 'exit');
    const text = readFileSync(file, 'utf8');
    const code = Number.parseInt(text.trim(), 10);
    if (!Number.isFinite(code)) return undefined;
    return { code, at: statSync(file).mtime, oom: existsSync(join(containerDir, 'oom')) };
  } catch {
    return undefined;
  }
}
