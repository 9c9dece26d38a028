// `docker attach` and `docker exec -it` through the facade (ContainerEngine.attach and
// .execSession): their options and how they ended.
import type { ExecOptions } from '../runtime/support.js';

/** `docker attach`: where the container's streams go, and its stdin when it was created with -i. */
export interface AttachOptions {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Forwarded (detach keys held back) when the container has OpenStdin; otherwise left alone. */
  readonly stdin?: NodeJS.ReadableStream;
  /** moby's syntax: "ctrl-p,ctrl-q" (the default), "ctrl-a,x"… */
  readonly detachKeys?: string;
  /** The terminal's size, for a TTY container. */
  readonly size?: { readonly rows: number; readonly cols: number };
  /** Subscribes to size changes; returns the unsubscribe. */
  readonly onResize?: (listener: (size: { rows: number; cols: number }) => void) => () => void;
  /** Ends the attach (a detach): the container keeps running. */
  readonly signal?: AbortSignal;
}

/** How an attach ended: the detach keys (or the signal), or the container's exit (its code). */
export interface AttachResult {
  readonly detached: boolean;
  readonly exitCode?: number;
  /**
   * execSession only: runc could not start the command (no pid); docker's words for it ("OCI
   * runtime exec failed: exec failed: …"). runc's own text went to `stdout` as it came.
   */
  readonly startError?: string;
}

/**
 * `docker exec -it` (and `-t` without -i): the command in the container on a pty of its own,
 * detachable.
 */
export interface ExecSessionOptions extends Omit<ExecOptions, 'tty' | 'interactive' | 'stdio'> {
  /**
   * The terminal's input (raw), forwarded with the detach keys held back. Absent (`exec -t`
   * without -i): nothing is written to the pty, whose input stays open, as Docker leaves it.
   */
  readonly stdin?: NodeJS.ReadableStream;
  /** The pty's output: stdout and stderr together, as a terminal shows them. */
  readonly stdout: NodeJS.WritableStream;
  /** moby's syntax, as attach's; "" or absent: ctrl-p,ctrl-q. */
  readonly detachKeys?: string;
  /** The terminal's size (the pty starts at 0×0 without it). */
  readonly size?: { readonly rows: number; readonly cols: number };
  /** Subscribes to size changes; returns the unsubscribe. */
  readonly onResize?: (listener: (size: { rows: number; cols: number }) => void) => () => void;
  /** Ends the session as the detach keys do (hangUpOnKeys aside): the command keeps running. */
  readonly signal?: AbortSignal;
  /** Called with the command's host pid once runc has it running. */
  readonly onStart?: (pid: number) => void;
  /**
   * The detach keys hang the pty up instead of leaving the command to run on: it gets SIGHUP (one
   * that ignores it runs on, read by no one), as dockerd 20.10 ends an exec whose keys it read
   * from an Engine API stream. docker's CLI reads the keys itself and walks away, and so does
   * `dockui exec -it` (the default).
   */
  readonly hangUpOnKeys?: boolean;
}

/** The Engine API's exec without a TTY: the command's own pipes, its stdout and stderr apart. */
export interface ExecStreamsOptions extends Omit<ExecOptions, 'tty' | 'interactive' | 'stdio'> {
  /** Copied to the command's input, which ends when it ends. Absent: the input is closed at once. */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Called with the command's host pid once runc has it running (before any of its output goes out). */
  readonly onStart?: (pid: number) => void;
  /** Kills the command's `runc exec` (SIGKILL): the caller went away. */
  readonly signal?: AbortSignal;
}

export interface ExecSessionApi {
  /**
   * `docker exec -it`: runs the command on a pty of its own until it exits (resolves to its exit
   * code) or the detach keys (or the signal), which leave it running with its output read by no
   * one, as Docker's daemon leaves a detached exec. The caller may exit then: nothing of the
   * session stays but the command and a `cat` that drains its pty until it ends. A bad key
   * sequence: invalid_argument "Invalid escape keys (…) provided" (exit 1), before anything runs.
   * A command that runc cannot start: runc's text on `stdout`, and the result's startError.
   */
  execSession(idOrName: string, opts: ExecSessionOptions): Promise<AttachResult>;
  /**
   * An exec without a TTY on pipes of its own (the Engine API's): resolves to its exit code once
   * it ends. A command runc cannot start: exit code 126 and startError in docker's words ("OCI
   * runtime exec failed: exec failed: …"), runc's text held back from `stderr`.
   */
  execStreams(idOrName: string, opts: ExecStreamsOptions): Promise<AttachResult>;
  /**
   * Docker's check of exec's DetachKeys (the CLI's --detach-keys, the API's DetachKeys), made
   * whether or not the exec has a TTY: the sequence's bytes ("" gives none), or the error
   * execSession throws.
   */
  execDetachKeys(keys: string): Promise<Buffer>;
  /**
   * `docker exec -d`: resolves once the command runs; its output goes nowhere and nothing of
   * this call stays behind it under the run root. Without a TTY that is `runc exec --detach`
   * (no helper at all); with one, the pty's `script` and a `cat` draining it, which end when the
   * command does. A command that cannot start: failed_precondition, runc's words, exit 1.
   */
  execDetached(idOrName: string, opts: Omit<ExecOptions, 'interactive' | 'stdio'>): Promise<void>;
  /**
   * The `detachKeys` of Docker's client config (~/.docker/config.json, or
   * $DOCKER_CONFIG/config.json, the file login keeps its credentials in): docker's CLI's default
   * for attach and exec when no --detach-keys is given. No keys when the file or the key is
   * absent (or ""). A file that is no JSON object, or a value that is no string: no keys and a
   * warning for the caller to print, as docker's CLI goes on without such a file. A string that is
   * no key sequence: invalid_argument naming the file, exit 1 (the daemon refuses it).
   */
  configDetachKeys(): Promise<{ keys?: string; warning?: string }>;
}
