// `docker attach`: a running container's output from now on, and its stdin when it was created
// with -i, through its monitor's attach socket (conmon's SOCK_SEQPACKET ROOT/containers/<id>/attach:
// each packet from it is one byte, 2 stdout or 3 stderr, then the data; what is written to it
// goes to the container's stdin). Detach keys (default ctrl-p,ctrl-q) are read out of stdin as
// moby's escape proxy does: a partial match is held back, a full one detaches. With a TTY the
// size goes to conmon's winsz fifo ("ROWS COLS\n").
import { closeSync, createReadStream, openSync, write, writeSync, constants as fsc } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import { sysx } from '../sysx.js';
import type { AttachOptions, AttachResult, ContainerReport } from './api.js';

/** Docker's sequence when none is given (or ""): attach's and exec's. */
export const defaultDetachKeys = 'ctrl-p,ctrl-q';

const ctrlNames = ['@', ...'abcdefghijklmnopqrstuvwxyz', '[', '\\', ']', '^', '_'];

/** moby/term's ToBytes: "ctrl-p,ctrl-q", "a,b", "ctrl-@"… */
export function detachKeyBytes(keys: string): Buffer {
  const out: number[] = [];
  for (const k of keys.split(',')) {
    if (k.length === 1) {
      out.push(k.charCodeAt(0));
      continue;
    }
    const m = /^ctrl-(.)$/.exec(k);
    const code = m ? ctrlNames.indexOf(m[1]!) : -1;
    if (code < 0) throw new EngineError('invalid_argument', `Invalid detach keys (${keys}) provided: Unknown character: '${k}'`);
    out.push(code);
  }
  return Buffer.from(out);
}

/** Holds back a partial detach sequence; `push` returns what to forward, and whether it matched. */
export class EscapeProxy {
  #held = 0;
  constructor(readonly keys: Buffer) {}
  push(chunk: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.keys.length === 0) {
        out.push(b);
        continue;
      }
      if (b === this.keys[this.#held]) {
        this.#held++;
        if (this.#held === this.keys.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      // A mismatch: what was held goes on, then this byte (which may start the sequence again).
      for (let i = 0; i < this.#held; i++) out.push(this.keys[i]!);
      this.#held = 0;
      if (b === this.keys[0]) this.#held = 1;
      else out.push(b);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}

/** Docker's refusals for a container that is not running (exit 1, as docker's). */
export function checkAttachable(c: ContainerReport): void {
  if (c.state === 'paused')
    throw new EngineError('failed_precondition', 'You cannot attach to a paused container, unpause it first', { exitCode: 1 });
  if (c.state !== 'running')
    throw new EngineError('failed_precondition', 'You cannot attach to a stopped container, start it first', { exitCode: 1 });
  if (c.monitor !== 'conmon')
    throw new EngineError(
      'failed_precondition',
      `container ${c.name} runs attached to the terminal that started it (run --rm, -i or -t in the foreground): attach to it there`,
    );
}

/** unavailable when the monitor's socket does not answer (the container may have just exited). */
export async function attachContainer(root: string, c: ContainerReport, opts: AttachOptions): Promise<AttachResult> {
  checkAttachable(c);
  const keys = detachKeyBytes(opts.detachKeys || defaultDetachKeys);
  const dir = join(root, 'containers', c.id);
  let fd: number;
  try {
    fd = sysx().seqpacketConnect(dir, 'attach');
  } catch (e) {
    throw new EngineError('unavailable', `cannot attach to ${c.name}: its monitor does not answer (${(e as Error).message})`);
  }
  if (c.tty && opts.size) resize(dir, opts.size);
  let detached = false;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    try {
      sysx().shutdown(fd);
    } catch {
      // gone already
    }
  };
  const stdin = c.interactive ? opts.stdin : undefined;
  const proxy = new EscapeProxy(keys);
  const onData = (d: Buffer) => {
    const { forward, detach } = proxy.push(d);
    if (forward.length && !closed) write(fd, forward, () => undefined);
    if (detach) {
      detached = true;
      finish();
    }
  };
  stdin?.on('data', onData);
  stdin?.resume();
  const onAbort = () => {
    detached = true;
    finish();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const onResize = opts.onResize?.((size) => c.tty && resize(dir, size));
  try {
    const out = createReadStream('', { fd, autoClose: false, highWaterMark: 8193 });
    for await (const p of out as AsyncIterable<Buffer>) {
      if (p.length < 2) continue;
      const data = p.subarray(1);
      if (p[0] === 3) opts.stderr.write(data);
      else if (p[0] === 2) opts.stdout.write(data);
    }
  } finally {
    stdin?.off('data', onData);
    stdin?.pause();
    opts.signal?.removeEventListener('abort', onAbort);
    onResize?.();
    finish();
    closeSync(fd);
  }
  return { detached };
}

function resize(dir: string, size: { rows: number; cols: number }): void {
  try {
    const w = openSync(join(dir, 'winsz'), fsc.O_WRONLY | fsc.O_NONBLOCK);
    try {
      writeSync(w, `${size.rows} ${size.cols}\n`);
    } finally {
      closeSync(w);
    }
  } catch {
    // no reader (the container is going): nothing to resize
  }
}
