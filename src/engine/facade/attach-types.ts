// `docker attach` through the facade (ContainerEngine.attach): its options and how it ended.

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
