import type { EngineEvents, EngineTopic } from './define.js';

export type Listener<T extends EngineTopic> = (payload: EngineEvents[T]) => void;
export type AnyListener = <T extends EngineTopic>(topic: T, payload: EngineEvents[T]) => void;

/** A small typed emitter. Listener errors are isolated so one view cannot break the engine. */
export class EventBus {
  readonly #byTopic = new Map<EngineTopic, Set<(p: never) => void>>();
  readonly #any = new Set<AnyListener>();

  on<T extends EngineTopic>(topic: T, listener: Listener<T>): () => void {
    let set = this.#byTopic.get(topic);
    if (!set) this.#byTopic.set(topic, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }

  onAny(listener: AnyListener): () => void {
    this.#any.add(listener);
    return () => this.#any.delete(listener);
  }

  emit<T extends EngineTopic>(topic: T, payload: EngineEvents[T]): void {
    const set = this.#byTopic.get(topic);
    if (set)
      for (const l of set) {
        try {
          (l as Listener<T>)(payload);
        } catch {
          /* a listener's bug must not break the engine */
        }
      }
    for (const l of this.#any) {
      try {
        l(topic, payload);
      } catch {
        /* as above */
      }
    }
  }
}
