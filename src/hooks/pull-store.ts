// One pull at a time, as the pull dialog shows it: progress throttled to a few updates a
// second, cancellable, ending in done (with the image) or failed (with the one-line error).
import { formatError, type PullProgress } from '../engine/define.js';
import type { ImagesApi } from '../engine/types.js';
import type { PullState } from '../views/view-models.js';

export class PullStore {
  readonly #api: ImagesApi;
  readonly #listeners = new Set<() => void>();
  readonly #throttleMs: number;
  #state: PullState = { phase: 'idle' };
  #abort: AbortController | undefined;
  #pending: PullProgress | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(api: ImagesApi, opts: { throttleMs?: number } = {}) {
    this.#api = api;
    this.#throttleMs = opts.throttleMs ?? 50;
  }

  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };

  getSnapshot = (): PullState => this.#state;

  #set(s: PullState): void {
    this.#state = s;
    for (const l of this.#listeners) l();
  }

  /** Resolves when the pull ends, however it ends; the outcome is in the state. */
  async start(ref: string): Promise<PullState> {
    this.cancel();
    const abort = (this.#abort = new AbortController());
    const startedAt = Date.now();
    this.#set({ phase: 'pulling', ref, progress: undefined, startedAt });
    try {
      const image = await this.#api.pull(ref, {
        signal: abort.signal,
        onProgress: (p) => {
          if (abort.signal.aborted) return;
          this.#pending = p;
          this.#timer ??= setTimeout(() => {
            this.#timer = undefined;
            const cur = this.#state;
            if (this.#pending && cur.phase === 'pulling' && this.#abort === abort) this.#set({ ...cur, progress: this.#pending });
          }, this.#throttleMs);
        },
      });
      if (this.#abort === abort) this.#set({ phase: 'done', ref, image, durationMs: Date.now() - startedAt });
    } catch (e) {
      if (this.#abort === abort) this.#set({ phase: 'failed', ref, error: abort.signal.aborted ? 'canceled' : formatError(e) });
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
    }
    return this.#state;
  }

  cancel(): void {
    this.#abort?.abort();
  }

  reset(): void {
    this.cancel();
    this.#abort = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#set({ phase: 'idle' });
  }
}
