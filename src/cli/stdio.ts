// The CLI's standard output and error. Node makes process.stdout (and stdin) the first time
// they are touched, and making one is not free: a pipe's net.Socket or a terminal's
// tty.WriteStream loads the stream and net modules. Measured on this machine (2026-12-07, medians
// of 41, output to a pipe): Node writing one line through process.stdout 36.8 ms, through
// fs.writeSync 30.7 ms, an empty script 30.8 ms; touching process.stdin alone 36.1 ms. That is a
// fifth of a 50 ms `dockui ps`. So a verb's text goes out with writeSync on the descriptor, and the
// stream is made only for a verb that needs one (a pipeline, a terminal's size, progress bars).
//
// Order is kept: on Linux, process.stdout and stderr write synchronously to files, pipes and
// terminals, and once the stream exists every write goes through it.
import { fstatSync, writeSync } from 'node:fs';

/** Standard output or error as a verb sees it. */
export interface CliOutput {
  /** Writes text (or bytes) now. */
  write(chunk: string | Uint8Array): boolean;
  /** Whether it is a terminal (a pipe or a file is known not to be without making the stream). */
  readonly isTTY: boolean;
  /** The terminal's width (this makes the stream). */
  readonly columns: number | undefined;
  /** The Node stream itself, made on first use: for pipelines, progress and a terminal's size. */
  readonly stream: NodeJS.WriteStream;
}

/**
 * An output on `fd` (1 or 2) over `make` (process.stdout or process.stderr). `onError` gets a
 * failed write (EPIPE: the reader went away) and is expected to end the process.
 */
export function cliOutput(fd: 1 | 2, make: () => NodeJS.WriteStream, onError: (e: NodeJS.ErrnoException) => void): CliOutput {
  let stream: NodeJS.WriteStream | undefined;
  const real = (): NodeJS.WriteStream => {
    if (stream) return stream;
    stream = make();
    stream.on('error', onError);
    return stream;
  };
  return {
    write(chunk) {
      if (stream) return stream.write(chunk);
      let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      try {
        while (bytes.length > 0) bytes = bytes.subarray(writeSync(fd, bytes));
        return true;
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        // A descriptor left non-blocking by whoever shares it: the stream waits for room.
        if (err.code === 'EAGAIN') return real().write(bytes);
        onError(err);
        return false;
      }
    },
    get isTTY() {
      if (!stream) {
        try {
          const st = fstatSync(fd);
          if (st.isFIFO() || st.isFile() || st.isSocket()) return false;
        } catch {
          return false; // closed
        }
      }
      return real().isTTY === true;
    },
    get columns() {
      return real().columns;
    },
    get stream() {
      return real();
    },
  };
}
