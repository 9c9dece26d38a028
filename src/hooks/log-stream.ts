// Follows one container's logs into a ring buffer and publishes snapshots at most every
// `flushMs`, so a container printing thousands of lines a second costs a few renders a second.
import type { LogLine } from '../engine/define.js';
import { formatError } from '../engine/define.js';
import type { ContainersApi } from '../engine/types.js';
import type { LogsState } from '../views/view-models.js';
import { RingBuffer } from './ring-buffer.js';

export const emptyLogs: LogsState = { containerId: undefined, lines: [], dropped: 0, ended: false, error: undefined };

export class LogStream {
  readonly #api: ContainersApi;
  readonly #id: string;
  readonly #tail: number;
  readonly #flushMs: number;
  readonly #ring: RingBuffer<LogLine>;
  readonly #listeners = new Set<() => void>();
  #abort: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #snapshot: LogsState;
  #ended = false;
  #error: string | undefined;

  constructor(api: ContainersApi, id: string, opts: { tail?: number; capacity?: number; flushMs?: number } = {}) {
    this.#api = api;
    this.#id = id;
    this.#tail = opts.tail ?? 500;
    this.#flushMs = opts.flushMs ?? 100;
    this.#ring = new RingBuffer(opts.capacity ?? 5000);
    this.#snapshot = { ...emptyLogs, containerId: id };
  }

  /** Starts (or restarts, for React's StrictMode double effects) following. */
  start(): void {
    this.stop();
    this.#ring.clear();
    this.#ended = false;
    this.#error = undefined;
    const abort = (this.#abort = new AbortController());
    void (async () => {
      try {
        for await (const line of this.#api.logs(this.#id, { follow: true, tail: this.#tail, signal: abort.signal })) {
          if (abort.signal.aborted) return;
          this.#ring.push(line);
          this.#schedule();
        }
      } catch (e) {
        if (abort.signal.aborted) return;
        this.#error = formatError(e);
      }
      if (abort.signal.aborted) return;
      this.#ended = true;
      this.#schedule();
    })();
  }

  stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#snapshot = { containerId: this.#id, lines: this.#ring.toArray(), dropped: this.#ring.dropped, ended: this.#ended, error: this.#error };
      for (const l of this.#listeners) l();
    }, this.#flushMs);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): LogsState => this.#snapshot;
}
