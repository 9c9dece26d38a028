// The last minutes of each container's stats, for the Stats pane's sparklines: a ring buffer per
// container, fed by every sample useStats takes (so a container's graph has its history before
// the pane opens), with rates (network, block IO) from the counters of consecutive samples.
import type { ContainerStats } from '../engine/define.js';
import type { Engine } from '../engine/types.js';
import type { StatsPointView } from '../views/view-models.js';
import { RingBuffer } from './ring-buffer.js';

/** One point of the graphs: what the Stats pane draws, and when it was sampled. */
export interface StatsPoint extends StatsPointView {
  readonly at: number;
}

/** Five minutes at one sample a second. */
export const historyCapacity = 300;

const rate = (now: number | undefined, prev: number | undefined, seconds: number) =>
  now === undefined || prev === undefined || seconds <= 0 ? undefined : Math.max(0, (now - prev) / seconds);

export class StatsHistory {
  readonly #byId = new Map<string, { buf: RingBuffer<StatsPoint>; last: ContainerStats }>();
  readonly #listeners = new Set<() => void>();
  #version = 0;

  push(samples: Iterable<ContainerStats>): void {
    let changed = false;
    for (const s of samples) {
      let h = this.#byId.get(s.id);
      if (h && s.at <= h.last.at) continue;
      if (!h) this.#byId.set(s.id, (h = { buf: new RingBuffer<StatsPoint>(historyCapacity), last: s }));
      const prev = h.last === s ? undefined : h.last;
      const secs = prev ? (s.at - prev.at) / 1000 : 0;
      h.buf.push({
        at: s.at,
        cpuPercent: s.cpuPercent,
        memoryBytes: s.memoryBytes,
        memoryLimitBytes: s.memoryLimitBytes,
        pids: s.pids,
        netRx: rate(s.netRxBytes, prev?.netRxBytes, secs),
        netTx: rate(s.netTxBytes, prev?.netTxBytes, secs),
        blockRead: rate(s.blockReadBytes, prev?.blockReadBytes, secs),
        blockWrite: rate(s.blockWriteBytes, prev?.blockWriteBytes, secs),
      });
      h.last = s;
      changed = true;
    }
    if (!changed) return;
    this.#version++;
    for (const l of this.#listeners) l();
  }

  /** Drops the history of containers no longer there. */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.#byId.keys()) if (!ids.has(id)) this.#byId.delete(id);
  }

  points(id: string | undefined): StatsPoint[] {
    return id === undefined ? [] : (this.#byId.get(id)?.buf.toArray() ?? []);
  }

  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };

  version = (): number => this.#version;
}

const histories = new WeakMap<Engine, StatsHistory>();

/** The one history of an engine (the screen and its hooks share it). */
export function statsHistoryOf(engine: Engine): StatsHistory {
  let h = histories.get(engine);
  if (!h) histories.set(engine, (h = new StatsHistory()));
  return h;
}
