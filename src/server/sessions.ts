// `docker run -i` / `-it` through the API: the client attaches with stdin to a created container,
// then starts it. Such a container runs attached to a helper process (`dockui system service
// --attach ID`, the facade's runAttached, under a pty with `script` when it has a TTY) whose
// stdio is the hijacked connection, as `dockui run -it` runs attached to its terminal.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import type { EnginePaths } from '../engine/index.js';
import { dockuiArgv, resizePty, spawnInPty } from './pty.js';
import { frame, type Sink } from './streams.js';

interface Session {
  readonly sink: Sink & { socket?: Duplex };
  readonly tty: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  child?: ChildProcess;
  size?: { h: number; w: number };
  done: () => void;
}

export class Sessions {
  readonly #byId = new Map<string, Session>();

  constructor(readonly paths: EnginePaths) {}

  /** Registers an attach with stdin to a created container; resolves when the session ends. */
  wait(id: string, sink: Sink & { socket?: Duplex }, o: { tty: boolean; stdout: boolean; stderr: boolean }): Promise<void> {
    return new Promise<void>((resolve) => {
      const s: Session = { sink, ...o, done: resolve };
      this.#byId.set(id, s);
      sink.closed.addEventListener('abort', () => {
        if (s.child && s.child.exitCode === null) s.child.kill('SIGTERM');
        if (!s.child) this.#byId.delete(id);
        resolve();
      });
    });
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Starts the container attached to its session's connection; true for a TTY session. */
  start(id: string): boolean {
    const s = this.#byId.get(id);
    if (!s) return false;
    const argv = [...dockuiArgv(this.paths), 'system', 'service', '--attach', id];
    const child = s.tty ? spawnInPty(argv) : spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    s.child = child;
    child.on('error', () => undefined);
    if (s.size) void resizePty(child, s.size.h, s.size.w);
    if (s.sink.socket) {
      s.sink.socket.pipe(child.stdin!);
      s.sink.socket.on('error', () => undefined);
    } else child.stdin!.end();
    child.stdin!.on('error', () => undefined);
    const out = (stream: 'stdout' | 'stderr', want: boolean) =>
      new Promise<void>((resolve) => {
        const r = stream === 'stdout' ? child.stdout! : child.stderr!;
        r.on('data', (b: Buffer) => {
          if (want) s.sink.write(s.tty ? b : frame(stream, b));
        });
        r.on('end', resolve);
        r.on('error', () => resolve());
      });
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    void Promise.all([out('stdout', s.stdout), out('stderr', s.stderr), exited]).then(() => {
      this.#byId.delete(id);
      s.sink.end();
      s.done();
    });
    return s.tty;
  }

  async resize(id: string, h: number, w: number): Promise<void> {
    const s = this.#byId.get(id);
    if (!s || !s.tty) return;
    if (s.child) await resizePty(s.child, h, w);
    else s.size = { h, w };
  }
}
