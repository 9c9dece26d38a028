// What the facade's nouns share: the paths, the event bus, and the subsystems, each loaded on
// first use (a dynamic import inside the operation), so `dockui ps` loads neither the store nor
// the builder nor the registry client. One store and one container runtime per engine: a `run`
// keeps the same runtime from create to start (it skips rewriting a bundle it just wrote).
import type { EventBus } from '../events.js';
import { logEvents } from '../event-log.js';
import { securePaths, type EnginePaths } from '../paths.js';
import type { Containers } from '../runtime/containers.js';
import type { FsStore, Store } from '../store/index.js';

export class EngineCore {
  #store: Promise<Store & FsStore> | undefined;
  #runtime: Promise<Containers> | undefined;
  /** The runtime once loaded (for the few synchronous operations: snapshots, exec argv). */
  loadedRuntime: Containers | undefined;
  /**
   * Set once something observes the engine (the TUI: subscribe or refresh): from then on every
   * change refreshes the snapshots. A CLI command observes nothing and pays for no re-listing.
   */
  live = false;

  constructor(
    readonly paths: EnginePaths,
    readonly events: EventBus,
    readonly insecure: readonly string[],
  ) {
    logEvents(events, paths);
  }

  /**
   * The roots are private to their owner (one stat each per process). `create`: made when
   * absent (the store, which every write goes through); otherwise only tightened, so that a
   * listing on a fresh machine writes nothing.
   */
  secure(create = true): void {
    securePaths(this.paths, create);
  }

  store(): Promise<Store & FsStore> {
    this.#store ??= import('../store/index.js').then((m) => {
      this.secure();
      return m.openStore(this.paths.root);
    });
    // A failed open (a broken root) is not cached: the next operation tries again.
    this.#store.catch(() => (this.#store = undefined));
    return this.#store;
  }

  runtime(): Promise<Containers> {
    this.#runtime ??= import('../runtime/containers.js').then((m) => {
      this.secure(false);
      this.loadedRuntime = new m.Containers(this.paths, this.events);
      return this.loadedRuntime;
    });
    return this.#runtime;
  }
}
