// Follows one container's logs into a ring buffer and publishes snapshots at most every
// `flushMs` (250 ms), so a container printing thousands of lines a second costs four renders a
// second: each one redraws the whole screen in Ink, which allocates per cell of the terminal.
import { setFlagsFromString } from 'node:v8';
import type { LogLine } from '../engine/define.js';
import { formatError } from '../engine/define.js';
import type { ContainersApi } from '../engine/types.js';
import type { LogsState } from '../views/view-models.js';
import { RingBuffer } from './ring-buffer.js';

/**
 * While a stream is followed, the redraws it drives leave old-generation garbage at 1–2 MB/s
 * (Ink's per-frame output survives a scavenge or two). V8's default pacing for a process
 * allocating that fast lets the old generation grow 2–3× its ~30 MB of live data before a full
 * collection, which took the TUI from ~110 MB RSS to 170–220 MB in a sawtooth. Collecting once it
 * grew 40 % keeps it under ~130 MB; those collections are incremental and short at this heap
 * size (see BENCHMARKS.md, TUI). Not a cap: the heap still grows as live data
 * needs. Set when the TUI loads this module (the CLI never does), before the heap's first
 * limits are computed: set later, it only takes effect from the next full collection on.
 */
setFlagsFromString('--heap-growing-percent=40');

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
    this.#flushMs = opts.flushMs ?? 250;
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
      this.#snapshot = {
        containerId: this.#id,
        lines: this.#ring.toArray(),
        dropped: this.#ring.dropped,
        ended: this.#ended,
        error: this.#error,
      };
      for (const l of this.#listeners) l();
    }, this.#flushMs);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): LogsState => this.#snapshot;
}
