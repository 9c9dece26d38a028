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
}

/** `docker exec -it` from a terminal: the command in the container, detachable. */
export interface ExecSessionOptions extends Omit<ExecOptions, 'tty' | 'interactive' | 'stdio'> {
  /** The terminal's input (raw), forwarded with the detach keys held back. */
  readonly stdin: NodeJS.ReadableStream;
  /** The pty's output: stdout and stderr together, as a terminal shows them. */
  readonly stdout: NodeJS.WritableStream;
  /** moby's syntax, as attach's; "" or absent: ctrl-p,ctrl-q. */
  readonly detachKeys?: string;
  readonly size?: { readonly rows: number; readonly cols: number };
  readonly onResize?: (listener: (size: { rows: number; cols: number }) => void) => () => void;
}

export interface ExecSessionApi {
  /**
   * `docker exec -it`: runs the command on a pty of its own until it exits (its exit code) or the
   * detach keys, which leave it running, its output read by no one (as Docker's). A bad key
   * sequence: invalid_argument "Invalid escape keys (…) provided", before anything runs.
   */
  execSession(idOrName: string, opts: ExecSessionOptions): Promise<AttachResult>;
  /** Docker's check of exec's DetachKeys (the CLI's --detach-keys, the API's ExecConfig). */
  checkExecDetachKeys(keys: string): Promise<void>;
}
