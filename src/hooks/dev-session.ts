// The dev loop as the TUI holds it: started in the background once the screen is up (its
// first build and run take a while and must not keep the UI from opening), observable before
// and after it reports, paused/resumed by `w`, rebuilt by `b`, closed on quit — the container
// it runs keeps running, like every container dockui starts.
import { formatError } from '../engine/define.js';
import type { DevControl, DevView } from '../views/view-models.js';

/** What the session needs of the engine's DevLoop (src/engine/watch/dev-loop.ts). */
export interface DevLoopLike {
  subscribe(listener: () => void): () => void;
  getSnapshot(): DevView;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  rebuild(): void;
  close(): Promise<void>;
}

export class DevSession implements DevControl {
  readonly #start: () => Promise<DevLoopLike>;
  readonly #listeners = new Set<() => void>();
  #loop: DevLoopLike | undefined;
  #off: (() => void) | undefined;
  #closed = false;
  startError: string | undefined;
  readonly dir: string;

  constructor(dir: string, start: () => Promise<DevLoopLike>) {
    this.dir = dir;
    this.#start = start;
  }

  /** Starts the loop in the background; failures land in `startError`. */
  begin(): void {
    this.#start().then(
      (loop) => {
        if (this.#closed) {
          void loop.close();
          return;
        }
        this.#loop = loop;
        this.#off = loop.subscribe(() => this.#emit());
        this.#emit();
      },
      (e: unknown) => {
        this.startError = formatError(e);
        this.#emit();
      },
    );
  }

  #emit(): void {
    for (const l of this.#listeners) l();
  }

  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };

  getSnapshot = (): DevView | undefined => this.#loop?.getSnapshot();

  toggleWatch(): string {
    const loop = this.#loop;
    if (!loop)
      return this.startError ? `the dev loop did not start: ${this.startError}` : 'the dev loop is still starting (first build and run)';
    if (loop.paused) {
      loop.resume();
      return `watching ${this.dir} again`;
    }
    loop.pause();
    return `paused watching ${this.dir} (w resumes)`;
  }

  rebuild(): string {
    const loop = this.#loop;
    if (!loop)
      return this.startError ? `the dev loop did not start: ${this.startError}` : 'the dev loop is still starting (first build and run)';
    loop.rebuild();
    return `rebuilding ${loop.getSnapshot().image}…`;
  }

  /** What to tell the user on quit: the dev container outlives the UI, and how to stop it. */
  farewell(): string | undefined {
    const c = this.#loop?.getSnapshot().container;
    if (!c || c.state !== 'running') return undefined;
    return `the dev container ${c.name} keeps running; stop it with: dockui stop ${c.name}`;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#off?.();
    await this.#loop?.close();
  }
}
