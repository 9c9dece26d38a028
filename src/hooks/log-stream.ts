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

/** What a stream follows: one container, or several merged (lines tagged with their source's index). */
export type LogSources = string | readonly string[];

export class LogStream {
  readonly #api: ContainersApi;
  readonly #id: string;
  readonly #ids: readonly string[];
  readonly #tail: number | undefined;
  readonly #since: string | undefined;
  readonly #flushMs: number;
  readonly #ring: RingBuffer<LogLine & { readonly source?: number }>;
  readonly #listeners = new Set<() => void>();
  #abort: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #snapshot: LogsState;
  #ended = false;
  #error: string | undefined;

  constructor(
    api: ContainersApi,
    sources: LogSources,
    opts: { tail?: number | 'all'; since?: string; capacity?: number; flushMs?: number } = {},
  ) {
    this.#api = api;
    this.#ids = typeof sources === 'string' ? [sources] : sources;
    const id = this.#ids[0] ?? '';
    this.#id = id;
    this.#tail = opts.tail === 'all' ? undefined : (opts.tail ?? 500);
    this.#since = opts.since;
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
    const merged = this.#ids.length > 1;
    let open = this.#ids.length;
    const opts = {
      follow: true,
      ...(this.#tail !== undefined ? { tail: this.#tail } : {}),
      ...(this.#since !== undefined ? { since: this.#since } : {}),
      signal: abort.signal,
    };
    this.#ids.forEach((id, source) => {
      void (async () => {
        try {
          for await (const line of this.#api.logs(id, opts)) {
            if (abort.signal.aborted) return;
            this.#ring.push(merged ? { ...line, source } : line);
            this.#schedule();
          }
        } catch (e) {
          if (abort.signal.aborted) return;
          this.#error = formatError(e);
        }
        if (abort.signal.aborted) return;
        // A merged log ends when the last of its containers' logs does.
        if (--open > 0) return;
        this.#ended = true;
        this.#schedule();
      })();
    });
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
      const lines = this.#ring.toArray();
      this.#snapshot = {
        containerId: this.#id,
        // Merged: in time order (each stream's history arrives as a block); ties keep arrival order.
        lines: this.#ids.length > 1 ? lines.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)) : lines,
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
