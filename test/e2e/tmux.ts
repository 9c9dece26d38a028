// Drives a program in a real terminal: a tmux session of a given size on a private server
// (its own socket, no user config), keys sent as a person types them, the screen read back as
// text. For the end-to-end tests of the TUI: what a user sees, including whether the terminal
// was given back (alternate screen off, the shell's screen as it was).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let counter = 0;

export interface TmuxOptions {
  /** Run through `sh -c`, so pipes and `;` work. */
  readonly command: string;
  readonly columns?: number;
  readonly rows?: number;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Starts the tmux server's socket and temp dir names ("dockui" unless told). */
  readonly prefix?: string;
}

export class TmuxSession {
  readonly socket: string;
  readonly name = 'e2e';
  readonly #dir: string;
  #closed = false;

  private constructor(socket: string, dir: string) {
    this.socket = socket;
    this.#dir = dir;
  }

  /** Starts `command` in a detached session of columns×rows (80×24 unless told). */
  static start(opts: TmuxOptions): TmuxSession {
    const prefix = opts.prefix ?? 'dockui';
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-tmux-`));
    const conf = join(dir, 'tmux.conf');
    // remain-on-exit keeps the pane (and its exit status) after the program ends, so a test
    // can read the last screen; the rest makes the terminal predictable.
    writeFileSync(
      conf,
      ['set -g remain-on-exit on', 'set -g status off', 'set -g default-terminal xterm-256color', 'set -g history-limit 2000', ''].join(
        '\n',
      ),
    );
    const s = new TmuxSession(`${prefix}-e2e-${process.pid}-${++counter}`, dir);
    const env = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    s.#tmux([
      '-f',
      conf,
      'new-session',
      '-d',
      '-s',
      s.name,
      '-x',
      String(opts.columns ?? 80),
      '-y',
      String(opts.rows ?? 24),
      ...(opts.cwd ? ['-c', opts.cwd] : []),
      ...env,
      'sh',
      '-c',
      opts.command,
    ]);
    return s;
  }

  #tmux(args: readonly string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** tmux key names: "Enter", "Escape", "Tab", "BTab", "Up", "C-c", "q"... */
  sendKeys(...keys: string[]): void {
    this.#tmux(['send-keys', '-t', this.name, ...keys]);
  }

  /** Types text literally (no key-name lookup). */
  type(text: string): void {
    this.#tmux(['send-keys', '-t', this.name, '-l', text]);
  }

  /** Writes bytes to the program as the terminal would (a mouse report, say), not as keys. */
  sendRaw(bytes: string): void {
    this.#tmux(['send-keys', '-t', this.name, '-H', ...[...Buffer.from(bytes)].map((b) => b.toString(16).padStart(2, '0'))]);
  }

  /** A tmux format of the pane, e.g. "#{mouse_sgr_flag}". */
  format(f: string): string {
    return this.#format(f);
  }

  /** The visible screen as text, one line per row, trailing spaces trimmed. */
  capture(): string {
    return this.#tmux(['capture-pane', '-p', '-t', this.name]);
  }

  /** The visible screen with its colour and attribute escapes. */
  captureRaw(): string {
    return this.#tmux(['capture-pane', '-p', '-e', '-t', this.name]);
  }

  #format(f: string): string {
    return this.#tmux(['display-message', '-p', '-t', this.name, f]).trim();
  }

  /** Is the program using the alternate screen right now? */
  alternateScreen(): boolean {
    return this.#format('#{alternate_on}') === '1';
  }

  cursorVisible(): boolean {
    return this.#format('#{cursor_flag}') === '1';
  }

  /** The pid of the process tmux started (sh, here). */
  panePid(): number {
    return Number(this.#format('#{pane_pid}'));
  }

  /** Undefined while the program runs; its exit status once it ended. */
  exitStatus(): number | undefined {
    const read = () => this.#format('#{pane_dead} #{pane_dead_status} #{pane_dead_signal}').split(' ');
    const first = read();
    let [dead, status] = first;
    // tmux marks the pane dead when its terminal closes, and takes the status when SIGCHLD
    // comes. Debian's tmux is built with libutempter, which on that same close puts SIGCHLD to
    // SIG_DFL while its helper runs (tmux/tmux#311, #4559): a program that exits within that
    // window leaves a zombie tmux never reaps, and a dead pane with no status for ever. A
    // SIGCHLD to our own server makes it reap — and record the status it has lost.
    if (dead === '1' && !status && !first[2]) {
      process.kill(this.serverPid(), 'SIGCHLD');
      [dead, status] = read();
    }
    return dead === '1' && status !== undefined && /^\d+$/.test(status) ? Number(status) : undefined;
  }

  #serverPid: number | undefined;
  /** The pid of this session's tmux server (ours: started by start()). */
  serverPid(): number {
    this.#serverPid ??= Number(this.#tmux(['display-message', '-p', '#{pid}']).trim());
    return this.#serverPid;
  }

  size(): { columns: number; rows: number } {
    const [c, r] = this.#format('#{pane_width} #{pane_height}').split(' ');
    return { columns: Number(c), rows: Number(r) };
  }

  resize(columns: number, rows: number): void {
    this.#tmux(['resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows)]);
  }

  /**
   * Polls the screen until `want` (text, pattern or predicate) holds on a settled screen — the
   * same text on two captures in a row, so that a frame caught half-drawn (a program erases
   * lines, then writes them) is never what a test asserts on. Fails with the screen.
   */
  async waitFor(want: string | RegExp | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
    const test = typeof want === 'string' ? (s: string) => s.includes(want) : want instanceof RegExp ? (s: string) => want.test(s) : want;
    const deadline = Date.now() + timeoutMs;
    let previous: string | undefined;
    for (;;) {
      const screen = this.capture();
      if (test(screen) && screen === previous) return screen;
      previous = screen;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(want)}; screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Polls until the program has ended; returns its exit status. */
  async waitForExit(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.exitStatus();
      if (s !== undefined) return s;
      if (Date.now() > deadline) throw new Error(`the program did not exit within ${timeoutMs} ms; screen:\n${this.capture()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Ends the session and its server. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#tmux(['kill-server']);
    } catch {
      /* already gone */
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
