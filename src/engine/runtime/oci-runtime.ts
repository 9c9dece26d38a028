// The one seam to the OCI runtime: runc, spawned with a private --root under RUNROOT so
// dockui's containers never mix with anyone else's. Everything Linux-specific about
// starting processes in containers goes through here (or through the monitor, which runs
// `runc create` on our behalf).
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { open, unlink, type FileHandle } from '../util/fsa.js';
import { delimiter, join } from 'node:path';
import { EngineError } from '../define.js';
import { pidAlive } from '../sysx.js';

export type RuntimeStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export interface RuntimeState {
  readonly id: string;
  readonly pid: number;
  readonly status: RuntimeStatus;
  readonly bundle: string;
}

/** Finds an executable on PATH (and the sbin dirs root's PATH may lack). */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** runc's own error line ("level=error msg=...") without the logfmt noise. */
export function runcMessage(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const last = lines[lines.length - 1] ?? '';
  const m = /msg="((?:[^"\\]|\\.)*)"/.exec(last);
  return (m ? m[1]!.replace(/\\"/g, '"') : last).trim() || 'runc failed';
}

const execArgs = (id: string, processFile: string, pidFile?: string) => [
  'exec',
  '--process',
  processFile,
  ...(pidFile ? ['--pid-file', pidFile] : []),
  id,
];

export class OciRuntime {
  readonly binary: string;
  readonly root: string;

  /** Throws failed_precondition when runc is not installed. */
  constructor(stateRoot: string, binary?: string) {
    const bin = binary ?? process.env.DOCKUI_RUNC ?? findExecutable('runc');
    if (!bin) throw new EngineError('failed_precondition', 'runc is not installed: install it (apt-get install runc) to run containers');
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      throw new EngineError('failed_precondition', `runc not found at ${bin}: install runc (apt-get install runc)`);
    }
    this.binary = bin;
    this.root = stateRoot;
  }

  /** Arguments that put runc on our state root. */
  globalArgs(): string[] {
    return ['--root', this.root];
  }

  spawn(args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
    // node:child_process loads on the first runc call: the engine facade imports this module
    // (findExecutable), and verbs that never run runc (pull, images) should not pay for it.
    return process.getBuiltinModule('node:child_process').spawn(this.binary, [...this.globalArgs(), ...args], opts);
  }

  async run(args: readonly string[], opts: { input?: string } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = this.spawn(args, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', (e) => reject(new EngineError('failed_precondition', `cannot run runc: ${e.message}`, { cause: e })));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      if (child.stdin) {
        // runc may exit before reading its input: that is its answer, not our crash.
        child.stdin.on('error', () => undefined);
        child.stdin.end(opts.input);
      }
    });
  }

  private async must(args: readonly string[], what: string): Promise<string> {
    const r = await this.run(args);
    if (r.code !== 0) throw new EngineError('internal', `${what}: ${runcMessage(r.stderr)}`, { cause: r.stderr });
    return r.stdout;
  }

  /** runc create (used directly only where no monitor is wanted; conmon runs it otherwise). */
  async create(id: string, bundle: string, opts: { pidFile?: string } = {}): Promise<void> {
    await this.must(['create', '--bundle', bundle, ...(opts.pidFile ? ['--pid-file', opts.pidFile] : []), id], `cannot create ${id}`);
  }

  /**
   * Starts a created container. `runc start` does no more than read one byte from the
   * container's exec fifo (which releases runc init into the user's process) and remove it;
   * doing that here saves a runc process per start. Anything unexpected before the byte is
   * read falls back to `runc start` itself.
   */
  async start(id: string, initPid?: number): Promise<void> {
    const fifo = join(this.root, id, 'exec.fifo');
    let fh: FileHandle | undefined;
    if (!initPid) {
      await this.must(['start', id], `cannot start ${id}`);
      return;
    }
    try {
      // Non-blocking: with no writer (init died) a blocking open would hang forever.
      fh = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      await this.must(['start', id], `cannot start ${id}`);
      return;
    }
    try {
      const buf = Buffer.alloc(1);
      const deadline = Date.now() + 5000;
      for (;;) {
        try {
          const { bytesRead } = await fh.read(buf, 0, 1, null);
          if (bytesRead === 1) break;
          // EOF: init has not opened its end yet (it does so just after create returns) or
          // is gone.
          if (!pidAlive(initPid))
            throw new EngineError('failed_precondition', `cannot start ${id}: the container's init exited before it started`);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
        if (Date.now() > deadline) throw new EngineError('internal', `cannot start ${id}: runc init did not answer`);
        await new Promise((r) => setTimeout(r, 1));
      }
    } finally {
      await fh.close();
    }
    await unlink(fifo).catch(() => undefined);
  }

  /** Sends a signal; `all` reaches every process of the container. Returns false when it is not running. */
  async kill(id: string, signal: string, opts: { all?: boolean } = {}): Promise<boolean> {
    const r = await this.run(['kill', ...(opts.all ? ['--all'] : []), id, signal]);
    if (r.code === 0) return true;
    const msg = runcMessage(r.stderr);
    if (/not running|does not exist|process already finished|no such process/i.test(msg)) return false;
    throw new EngineError('internal', `cannot signal ${id}: ${msg}`, { cause: r.stderr });
  }

  /** Deletes the runtime's state (and with force, kills what is left). Absent is fine. */
  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    const r = await this.run(['delete', ...(opts.force ? ['--force'] : []), id]);
    if (r.code === 0) return;
    const msg = runcMessage(r.stderr);
    if (/does not exist|not exist/i.test(msg)) return;
    throw new EngineError('internal', `cannot delete ${id}: ${msg}`, { cause: r.stderr });
  }

  /** The runtime's view of a container, or undefined when runc does not know it. */
  async state(id: string): Promise<RuntimeState | undefined> {
    const r = await this.run(['state', id]);
    if (r.code !== 0) {
      if (/does not exist/i.test(r.stderr)) return undefined;
      throw new EngineError('internal', `cannot read state of ${id}: ${runcMessage(r.stderr)}`, { cause: r.stderr });
    }
    return JSON.parse(r.stdout) as RuntimeState;
  }

  async pause(id: string): Promise<void> {
    await this.must(['pause', id], `cannot pause ${id}`);
  }

  async resume(id: string): Promise<void> {
    await this.must(['resume', id], `cannot unpause ${id}`);
  }

  /** Host pids of every process in the container. */
  async ps(id: string): Promise<number[]> {
    const out = await this.must(['ps', '--format', 'json', id], `cannot list processes of ${id}`);
    return (JSON.parse(out) as number[] | null) ?? [];
  }

  /** `runc exec` of a process spec file as a whole command line (binary first), for a wrapper to run. */
  execArgv(id: string, processFile: string, pidFile?: string): string[] {
    return [this.binary, ...this.globalArgs(), ...execArgs(id, processFile, pidFile)];
  }

  /**
   * Spawns `runc exec` of a process spec file. With a terminal, runc allocates the pty and
   * copies it to its own stdio (so pass the user's terminal as stdio, or see pty.ts).
   */
  exec(id: string, processFile: string, opts: SpawnOptions & { tty?: boolean; pidFile?: string } = {}): ChildProcess {
    const { tty: _tty, pidFile, ...spawnOpts } = opts;
    return this.spawn(execArgs(id, processFile, pidFile), spawnOpts);
  }
}
