// The Engine API's exec instances (POST /containers/{id}/exec, /exec/{id}/start, /json,
// /resize), through the facade: their commands with or without a TTY, on a hijacked stream or
// detached.
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
  /** The command's host pid once it runs (the engine's execSession or execStreams); a TTY's resize then. */
  pid?: number;
  resize?: (size: { rows: number; cols: number }) => void;
  /** A start was asked for (a second one is refused). */
  begun: boolean;
  running: boolean;
  exitCode: number | null;
  /** Settles once the start has run the command, or failed to (what a resize waits for). */
  readonly ready: Promise<void>;
  markReady: () => void;
  /** The last resize (one before the start included). */
  size?: { h: number; w: number };
}

/** How long a resize waits for the exec's start (dockerd 20.10's ContainerExecResize: 10 s). */
const resizeWaitMs = 10_000;

/** An exec's command line as the engine takes it. */
const execArgs = (e: ExecInstance) => ({
  args: e.cmd,
  ...(e.env ? { env: e.env } : {}),
  ...(e.user ? { user: e.user } : {}),
  ...(e.workdir ? { workdir: e.workdir } : {}),
  ...(e.privileged ? { privileged: true } : {}),
});

/** Writes nowhere: a detached exec's output, which dockerd discards. */
const drop = () => new Writable({ write: (_b: Buffer, _enc, cb) => cb() });

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
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    this.#all.set(id, {
      id,
      ready,
      markReady,
      begun: false,
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
      Pid: e.pid ?? 0,
      ProcessConfig: { tty: e.tty, entrypoint: e.cmd[0], arguments: e.cmd.slice(1), privileged: e.privileged, user: e.user ?? '' },
    });
  }

  /**
   * POST /exec/{id}/start: `open` answers the request (hijacked or not) once the process runs. A
   * second start: dockerd's 409 "Error: Exec command ID has already run" (or "is already
   * running"), said on the stream when the start is not detached, as dockerd (checked) says it.
   */
  async start(id: string, body: Record<string, unknown>, open: () => Sink & { socket?: Duplex }, detachedReply: () => void): Promise<void> {
    const e = this.#get(id);
    const detach = field(body, 'Detach', 'boolean') ?? false;
    const tty = e.tty || (field(body, 'Tty', 'boolean') ?? false);
    const again = e.exitCode !== null ? 'has already run' : e.begun ? 'is already running' : undefined;
    if (again) {
      const why = `Error: Exec command ${id} ${again}`;
      if (detach) throw new HttpError(409, why);
      const sink = open();
      const line = Buffer.from(`${why}\r\n`);
      sink.write(tty ? line : frame('stdout', line));
      return sink.end();
    }
    e.begun = true;
    if (tty) return detach ? this.#detached(e, detachedReply) : this.#session(e, open);
    return detach ? this.#detachedStreams(e, detachedReply) : this.#streams(e, open);
  }

  /**
   * The command without a TTY, through the engine's execStreams: its host pid for inspect once
   * it runs, running until it ends, then its exit code; a command runc cannot start gives the
   * start error (docker's words) and exit code 126, Pid 0.
   */
  async #runStreams(
    e: ExecInstance,
    io: {
      stdin?: NodeJS.ReadableStream;
      stdout: NodeJS.WritableStream;
      stderr: NodeJS.WritableStream;
      signal?: AbortSignal;
      onStart?: () => void;
    },
  ): Promise<AttachResult | { error: Error }> {
    e.running = true;
    try {
      return await this.engine.containers.execStreams(e.containerId, {
        ...execArgs(e),
        ...(io.stdin ? { stdin: io.stdin } : {}),
        stdout: io.stdout,
        stderr: io.stderr,
        ...(io.signal ? { signal: io.signal } : {}),
        onStart: (pid) => {
          e.pid = pid;
          e.markReady();
          io.onStart?.();
        },
      });
    } catch (err) {
      return { error: err as Error };
    } finally {
      e.running = false;
      e.markReady();
    }
  }

  /**
   * A non-TTY exec on its stream, as dockerd 20.10 runs one (checked with a reference daemon):
   * the stream opens (101, or 200 without an upgrade), the command's stdout and stderr framed on
   * it (those it attached), its input the stream's when it attached stdin. A command that cannot
   * start: the start error with containerd's ": unknown" in a stdout frame, the stream's end,
   * then Running false, ExitCode 126, Pid 0.
   */
  async #streams(e: ExecInstance, open: () => Sink & { socket?: Duplex }): Promise<void> {
    const sink = open();
    const say = (b: Buffer) => void (sink.closed.aborted || sink.write(b));
    const to = (stream: 'stdout' | 'stderr', want: boolean) =>
      new Writable({
        write(b: Buffer, _enc, cb) {
          if (want) say(frame(stream, b));
          cb();
        },
      });
    const r = await this.#runStreams(e, {
      ...(e.stdin && sink.socket ? { stdin: sink.socket } : {}),
      stdout: to('stdout', e.stdout),
      stderr: to('stderr', e.stderr),
      signal: sink.closed,
    });
    const failed = 'error' in r ? r.error.message : r.startError !== undefined ? `${r.startError}: unknown` : undefined;
    if (failed !== undefined) say(frame('stdout', Buffer.from(`${failed}\r\n`)));
    e.exitCode = 'error' in r ? 126 : (r.exitCode ?? 126);
    sink.end();
  }

  /**
   * A non-TTY exec started with Detach, as dockerd 20.10 runs one (checked with a reference
   * daemon): the reply (200, no body) once the command runs, inspect giving its host pid, its
   * output dropped, its input closed; its exit code recorded when it ends. A command runc cannot
   * start: its words with ": unknown", 400 (not found, cannot run) or 500, then Running false,
   * ExitCode 126, Pid 0 — as for a TTY.
   */
  async #detachedStreams(e: ExecInstance, reply: () => void): Promise<void> {
    let running!: () => void;
    const started = new Promise<void>((resolve) => (running = resolve));
    const run = this.#runStreams(e, { stdout: drop(), stderr: drop(), onStart: () => running() });
    const ended = (r: AttachResult | { error: Error }) => {
      e.exitCode = 'error' in r ? 126 : (r.exitCode ?? 126);
    };
    await Promise.race([started, run]);
    if (e.pid !== undefined) {
      reply();
      void run.then(ended);
      return;
    }
    const r = await run;
    ended(r);
    if ('error' in r) throw r.error;
    const why = r.startError ?? 'OCI runtime exec failed: the command did not start';
    throw new HttpError(startErrorStatus(why, e.cmd[0] ?? ''), `${why}: unknown`);
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
        ...execArgs(e),
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
          e.markReady();
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
      e.markReady();
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
    // What the pty says before runc has the command running is held back: runc's refusal (its
    // coloured log line) when it cannot start it, said in docker's words instead.
    let held: Buffer[] | undefined = [];
    const stdout = new Writable({
      write(b: Buffer, _enc, cb) {
        if (held) held.push(b);
        else if (e.stdout) say(b);
        cb();
      },
    });
    const onStart = () => {
      const out = held ?? [];
      held = undefined;
      if (e.stdout) for (const b of out) say(b);
    };
    const r = await this.#run(e, { ...(input ? { stdin: input } : {}), stdout, onStart });
    sink.socket?.unpipe();
    // 126 is what dockerd records for an exec whose start (or attach) failed.
    if ('error' in r) say(Buffer.from(`${r.error.message}\r\n`));
    else if (r.startError !== undefined) say(Buffer.from(`${r.startError}: unknown\r\n`));
    // (Handed off as the service stops: no keys were read.)
    else if (r.detached && !this.#closing.signal.aborted)
      say(Buffer.from('exec attach failed: error on attach stdin: read escape sequence\r\n'));
    e.exitCode = 'error' in r || r.detached || r.startError !== undefined ? 126 : (r.exitCode ?? 126);
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
    const session = this.#run(e, { stdout: drop(), onStart: () => running() });
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

  /**
   * POST /exec/{id}/resize?h=&w=, as dockerd 20.10 answers it (checked with a reference daemon):
   * it waits up to 10 s for the exec's start to have its command running (or to have failed):
   * none came, 500 "timeout waiting for exec session ready"; the command running, 200 (a TTY's
   * pty resized; nothing to do without one); it ended, or could not start, 404 "no such exec".
   * A size given before the command runs sizes its pty as it starts.
   */
  async resize(id: string, q: URLSearchParams): Promise<void> {
    const e = this.#get(id);
    const size = { h: qInt(q, 'h') ?? 0, w: qInt(q, 'w') ?? 0 };
    const early = e.tty && e.exitCode === null && e.pid === undefined;
    if (early) e.size = size;
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      e.ready.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), resizeWaitMs).unref())),
    ]);
    clearTimeout(timer);
    if (!ready) {
      // No start came: the size goes with the error, as dockerd drops it.
      if (early && !e.begun && e.size === size) delete e.size;
      throw new HttpError(500, 'timeout waiting for exec session ready');
    }
    if (!e.running) throw new HttpError(404, 'no such exec');
    if (!e.tty) return;
    e.size = size;
    e.resize?.({ rows: size.h, cols: size.w });
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
