// The Engine API's exec instances (POST /containers/{id}/exec, /exec/{id}/start, /json,
// /resize), through the facade: their commands with or without a TTY, on a hijacked stream or
// detached.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import type { AttachResult, DockuiEngine } from '../engine/index.js';
import { HttpError, field, qInt, readJson, sendJson, strings } from './http.js';
import { frame, type Sink } from './streams.js';

interface ExecInstance {
  readonly id: string;
  readonly containerId: string;
  readonly cmd: string[];
  readonly env?: string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly privileged: boolean;
  readonly tty: boolean;
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  /** DetachKeys as given ("" for none: ctrl-p,ctrl-q), and its bytes for inspect. */
  readonly detachKeys: string;
  readonly detachKeyBytes: Buffer;
  /** A command without a TTY: runc exec in the foreground, its pipes ours. */
  child?: ChildProcess;
  /** A TTY exec's command (the engine's execSession, on a stream or detached): its host pid, and its resize. */
  pid?: number;
  resize?: (size: { rows: number; cols: number }) => void;
  running: boolean;
  exitCode: number | null;
  /** The last resize (one before the start included). */
  size?: { h: number; w: number };
}

export class Execs {
  readonly #all = new Map<string, ExecInstance>();
  /** Aborted when the service stops: its TTY sessions are handed off (see close). */
  readonly #closing = new AbortController();
  readonly #sessions = new Set<Promise<unknown>>();

  constructor(readonly engine: DockuiEngine) {}

  /**
   * The service is stopping: each TTY exec still running is handed off as `dockui exec -d -t`
   * leaves one (a detached `cat` drains its pty and holds its input open), so the command runs
   * on, as the container does, and nothing of it keeps this process alive.
   */
  async close(): Promise<void> {
    this.#closing.abort();
    await Promise.allSettled(this.#sessions);
  }

  /** POST /containers/{id}/exec */
  async create(containerId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const c = await this.engine.containers.find(containerId);
    if (c.state !== 'running') throw new HttpError(409, `Container ${c.id} is not running`);
    const cmd = strings(body, 'Cmd');
    if (!cmd || cmd.length === 0) throw new HttpError(400, 'No exec command specified');
    const env = strings(body, 'Env');
    const user = field(body, 'User', 'string');
    const workdir = field(body, 'WorkingDir', 'string');
    // Checked with or without a TTY, in the daemon's words and status (20.10's plain error: 500).
    const detachKeys = field(body, 'DetachKeys', 'string') ?? '';
    const detachKeyBytes = detachKeys
      ? await this.engine.containers.execDetachKeys(detachKeys).catch((err: Error) => {
          throw new HttpError(500, err.message);
        })
      : Buffer.alloc(0);
    const id = randomBytes(32).toString('hex');
    // Finished instances are kept for their exit code; the oldest go once there are many.
    if (this.#all.size > 1000) for (const [k, v] of this.#all) if (!v.running && this.#all.size > 500) this.#all.delete(k);
    this.#all.set(id, {
      id,
      containerId: c.id,
      cmd,
      ...(env ? { env } : {}),
      ...(user ? { user } : {}),
      ...(workdir ? { workdir } : {}),
      privileged: field(body, 'Privileged', 'boolean') ?? false,
      tty: field(body, 'Tty', 'boolean') ?? false,
      stdin: field(body, 'AttachStdin', 'boolean') ?? false,
      stdout: field(body, 'AttachStdout', 'boolean') ?? true,
      stderr: field(body, 'AttachStderr', 'boolean') ?? true,
      detachKeys,
      detachKeyBytes,
      running: false,
      exitCode: null,
    });
    sendJson(res, 201, { Id: id });
  }

  #get(id: string): ExecInstance {
    const e = this.#all.get(id);
    if (!e) throw new HttpError(404, `No such exec instance: ${id}`);
    return e;
  }

  /** GET /exec/{id}/json */
  inspect(id: string, res: ServerResponse): void {
    const e = this.#get(id);
    sendJson(res, 200, {
      ID: e.id,
      ContainerID: e.containerId,
      Running: e.running,
      ExitCode: e.exitCode,
      OpenStdin: e.stdin,
      OpenStdout: e.stdout,
      OpenStderr: e.stderr,
      CanRemove: false,
      // A Go []byte: base64.
      DetachKeys: e.detachKeyBytes.toString('base64'),
      Pid: e.pid ?? e.child?.pid ?? 0,
      ProcessConfig: { tty: e.tty, entrypoint: e.cmd[0], arguments: e.cmd.slice(1), privileged: e.privileged, user: e.user ?? '' },
    });
  }

  /** POST /exec/{id}/start: `open` answers the request (hijacked or not) once the process runs. */
  async start(id: string, body: Record<string, unknown>, open: () => Sink & { socket?: Duplex }, detachedReply: () => void): Promise<void> {
    const e = this.#get(id);
    if (e.running || e.exitCode !== null) throw new HttpError(409, `exec instance ${id} has already been started`);
    const detach = field(body, 'Detach', 'boolean') ?? false;
    const tty = e.tty || (field(body, 'Tty', 'boolean') ?? false);
    if (tty) return detach ? this.#detached(e, detachedReply) : this.#session(e, open);
    const child = await this.engine.containers.exec(e.containerId, {
      args: e.cmd,
      ...(e.env ? { env: e.env } : {}),
      ...(e.user ? { user: e.user } : {}),
      ...(e.workdir ? { workdir: e.workdir } : {}),
      ...(e.privileged ? { privileged: true } : {}),
      tty: false,
      interactive: e.stdin,
      stdio: 'pipe',
    });
    e.child = child;
    e.running = true;
    const exited = new Promise<void>((resolve) =>
      child.on('close', (code, sig) => {
        e.running = false;
        e.exitCode = code ?? (sig ? 128 + 9 : 1);
        resolve();
      }),
    );
    child.on('error', () => undefined);
    if (detach) {
      child.stdin?.end();
      child.stdout?.resume();
      child.stderr?.resume();
      detachedReply();
      return;
    }
    const sink = open();
    if (e.stdin && sink.socket) sink.socket.pipe(child.stdin!);
    else child.stdin?.end();
    sink.closed.addEventListener('abort', () => {
      if (e.running) child.kill('SIGKILL');
    });
    const out = (stream: 'stdout' | 'stderr', want: boolean) =>
      new Promise<void>((resolve) => {
        const s = stream === 'stdout' ? child.stdout! : child.stderr!;
        s.on('data', (b: Buffer) => {
          if (want) sink.write(tty ? b : frame(stream, b));
        });
        s.on('end', resolve);
        s.on('error', () => resolve());
      });
    await Promise.all([out('stdout', e.stdout), out('stderr', e.stderr), exited]);
    sink.end();
  }

  /**
   * A TTY exec's command through the engine's execSession, resizable while it runs (and sized by
   * a resize that came before); its host pid for inspect once it runs. Running until it ends.
   */
  async #run(
    e: ExecInstance,
    io: { stdin?: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; onStart?: () => void },
  ): Promise<AttachResult | { error: Error }> {
    const listeners = new Set<(size: { rows: number; cols: number }) => void>();
    e.resize = (size) => listeners.forEach((l) => l(size));
    e.running = true;
    let session: Promise<AttachResult> | undefined;
    try {
      session = this.engine.containers.execSession(e.containerId, {
        args: e.cmd,
        ...(e.env ? { env: e.env } : {}),
        ...(e.user ? { user: e.user } : {}),
        ...(e.workdir ? { workdir: e.workdir } : {}),
        ...(e.privileged ? { privileged: true } : {}),
        ...(io.stdin ? { stdin: io.stdin } : {}),
        stdout: io.stdout,
        detachKeys: e.detachKeys,
        hangUpOnKeys: true,
        ...(e.size ? { size: { rows: e.size.h, cols: e.size.w } } : {}),
        onResize: (l) => {
          listeners.add(l);
          // One that came while the session started.
          if (e.size) l({ rows: e.size.h, cols: e.size.w });
          return () => listeners.delete(l);
        },
        onStart: (pid) => {
          e.pid = pid;
          io.onStart?.();
        },
        signal: this.#closing.signal,
      });
      this.#sessions.add(session);
      return await session;
    } catch (err) {
      return { error: err as Error };
    } finally {
      if (session) this.#sessions.delete(session);
      e.running = false;
      delete e.resize;
    }
  }

  /**
   * A TTY exec on its stream: the engine's execSession, the exec's DetachKeys read from the
   * stream. As dockerd 20.10 (checked with a reference daemon) the keys end the stream with
   * "exec attach failed: error on attach stdin: read escape sequence", hang the command's pty
   * up (SIGHUP) and leave the exec not running with exit code 126 and its pid, for good: the
   * end of a command that ignores SIGHUP is not recorded. The connection closing without the
   * keys (docker's CLI reads them itself and goes) leaves the command running, its input open
   * and its output read by no one, and its exit is recorded, as dockerd does.
   */
  async #session(e: ExecInstance, open: () => Sink & { socket?: Duplex }): Promise<void> {
    // The stream opens before the command starts: docker's CLI sends the terminal's size once it
    // is up, and the command must find it set (test/api/docker-cli.test.ts's `stty size`). What
    // fails after that is said on the stream (moby's code does so; not checked against dockerd).
    const sink = open();
    const input = e.stdin ? new PassThrough() : undefined;
    // Not ended by the client's end: dockerd leaves the command's input open, and it runs on.
    if (input && sink.socket) sink.socket.pipe(input, { end: false });
    const say = (b: Buffer) => void (sink.closed.aborted || sink.write(b));
    const stdout = new Writable({
      write(b: Buffer, _enc, cb) {
        if (e.stdout) say(b);
        cb();
      },
    });
    const r = await this.#run(e, { ...(input ? { stdin: input } : {}), stdout });
    sink.socket?.unpipe();
    // 126 is what dockerd records for an exec whose start (or attach) failed.
    if ('error' in r) say(Buffer.from(`${r.error.message}\r\n`));
    // (Handed off as the service stops: no keys were read.)
    else if (r.detached && !this.#closing.signal.aborted)
      say(Buffer.from('exec attach failed: error on attach stdin: read escape sequence\r\n'));
    e.exitCode = 'error' in r || r.detached ? 126 : (r.exitCode ?? 126);
    sink.end();
  }

  /**
   * A TTY exec started with Detach, as dockerd 20.10 runs one (checked with a reference daemon):
   * the reply (200) once the command runs, inspect giving its host pid; its output read and
   * dropped; its input left open with nothing written to it, AttachStdin or not (a `read` waits
   * on); a resize reaches its pty; its exit code is recorded when it ends. No client process of
   * any kind. A command runc cannot start: no pid, exit code 126, and the reply is runc's words
   * with containerd's ": unknown", 400 when the command is not found or cannot be run (dockerd's
   * translateContainerdStartErr), 500 otherwise.
   */
  async #detached(e: ExecInstance, reply: () => void): Promise<void> {
    let running!: () => void;
    const started = new Promise<void>((resolve) => (running = resolve));
    const drop = new Writable({ write: (_b: Buffer, _enc, cb) => cb() });
    const session = this.#run(e, { stdout: drop, onStart: () => running() });
    const ended = (r: AttachResult | { error: Error }) => {
      e.exitCode = 'error' in r || r.startError !== undefined ? 126 : (r.exitCode ?? 126);
    };
    await Promise.race([started, session]);
    if (e.pid !== undefined) {
      reply();
      void session.then(ended);
      return;
    }
    const r = await session;
    ended(r);
    // The engine's refusal (the container stopped meanwhile…), in its status.
    if ('error' in r) throw r.error;
    const why = r.startError ?? 'OCI runtime exec failed: the command did not start';
    throw new HttpError(startErrorStatus(why, e.cmd[0] ?? ''), `${why}: unknown`);
  }

  /** POST /exec/{id}/resize?h=&w= (a TTY session's pty). */
  async resize(id: string, q: URLSearchParams): Promise<void> {
    const e = this.#get(id);
    const h = qInt(q, 'h') ?? 0;
    const w = qInt(q, 'w') ?? 0;
    if (!e.tty) return;
    e.size = { h, w };
    e.resize?.({ rows: h, cols: w });
  }
}

/**
 * dockerd 20.10's status for a command that could not start (translateContainerdStartErr): 400
 * when it is not found or cannot be run, 500 for anything else.
 */
function startErrorStatus(message: string, cmd: string): number {
  const m = message.toLowerCase();
  const notFound = m.includes(cmd.toLowerCase()) && (m.includes('executable file not found') || m.includes('no such file or directory'));
  return notFound || m.includes('permission denied') || m.includes('not a directory') ? 400 : 500;
}
