// The engine's event log: every dockui process (a CLI command, the TUI, a monitor's exit
// command, a health runner) appends the container and image events of its EventBus to one file,
// RUNROOT/events.log (and network connect/disconnect), a JSON line each in Docker's events shape (Type, Action, Actor, time,
// timeNano). `dockui events` reads it and follows it. Lines are short and written with one
// O_APPEND write, so writers in several processes never interleave. Past 1 MiB the file starts
// afresh (the previous one kept as events.log.1), as Docker keeps only recent events.
import { appendFileSync, closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvents, EngineTopic } from './define.js';
import type { EventBus } from './events.js';
import type { EnginePaths } from './paths.js';

export interface DockerEvent {
  readonly Type: 'container' | 'image' | 'network';
  readonly Action: string;
  readonly Actor: { readonly ID: string; readonly Attributes: Readonly<Record<string, string>> };
  readonly scope: 'local';
  readonly time: number;
  readonly timeNano: number;
  /** Docker's older fields, still in its JSON. */
  readonly status?: string;
  readonly id?: string;
  readonly from?: string;
}

const maxBytes = 1 << 20;
export const eventLogPath = (paths: EnginePaths) => join(paths.runRoot, 'events.log');

/** Engine topics as Docker's event Type and Action (the log here and the API service's stream). */
export const dockerEventKinds: Readonly<Partial<Record<EngineTopic, readonly [DockerEvent['Type'], string]>>> = {
  'container.created': ['container', 'create'],
  'container.started': ['container', 'start'],
  'container.exited': ['container', 'die'],
  'container.removed': ['container', 'destroy'],
  'container.renamed': ['container', 'rename'],
  'container.paused': ['container', 'pause'],
  'container.unpaused': ['container', 'unpause'],
  'image.pulled': ['image', 'pull'],
  'image.pushed': ['image', 'push'],
  'image.tagged': ['image', 'tag'],
  'image.removed': ['image', 'delete'],
  'network.connected': ['network', 'connect'],
  'network.disconnected': ['network', 'disconnect'],
};

/** A container's name and image from its record, for the event's attributes (sync: ~2 KB). */
function containerAttributes(paths: EnginePaths, id: string): Record<string, string> {
  try {
    const r = JSON.parse(readFileSync(join(paths.root, 'containers', id, 'record.json'), 'utf8')) as {
      name?: string;
      image?: string;
      imageName?: string;
    };
    // docker's event attributes carry Config.Image: the image as the create named it.
    const image = r.imageName ?? r.image;
    return { ...(image ? { image } : {}), ...(r.name ? { name: r.name } : {}) };
  } catch {
    return {};
  }
}

/** Appends this bus's container and image events to the log from now on. */
export function logEvents(bus: EventBus, paths: EnginePaths): () => void {
  const names = new Map<string, Record<string, string>>();
  return bus.onAny((topic, payload) => {
    const a = dockerEventKinds[topic];
    if (!a) return;
    const p = payload as EngineEvents[typeof topic] & {
      id?: string;
      ref?: string;
      exitCode?: number;
      name?: string;
      refs?: readonly string[];
      container?: string;
      type?: string;
    };
    // Docker names an image pull, push or tag by its reference; a delete by the image id.
    const id = (a[0] === 'image' ? p.ref : undefined) ?? p.id ?? '';
    let attrs: Record<string, string>;
    if (a[0] === 'container') {
      // A removed container's record is gone: the attributes it had when last seen here.
      attrs = topic === 'container.removed' ? (names.get(id) ?? {}) : containerAttributes(paths, id);
      if (topic !== 'container.removed') names.set(id, attrs);
      if (topic === 'container.exited') attrs = { ...attrs, exitCode: String(p.exitCode ?? 0) };
      if (topic === 'container.renamed' && p.name) attrs = { ...attrs, name: p.name };
    } else if (a[0] === 'network')
      // Docker's: the network's id as the actor, the container's id among the attributes.
      attrs = { container: p.container ?? '', name: p.name ?? '', type: p.type ?? 'bridge' };
    else attrs = { name: p.ref ?? p.refs?.[0] ?? id };
    const now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    const ev: DockerEvent = {
      status: a[1],
      id,
      ...(attrs.image ? { from: attrs.image } : {}),
      Type: a[0],
      Action: a[1],
      Actor: { ID: id, Attributes: attrs },
      scope: 'local',
      time: Math.floor(Number(now / 1_000_000_000n)),
      timeNano: Number(now),
    };
    try {
      const file = eventLogPath(paths);
      // No mkdir: a late writer (an exit command after its root was removed) must not bring RUNROOT back.
      try {
        if (statSync(file).size > maxBytes) renameSync(file, `${file}.1`);
      } catch {
        // no log yet
      }
      appendFileSync(file, `${JSON.stringify(ev)}\n`, { mode: 0o600 });
    } catch {
      // the log is best effort: an operation never fails for it
    }
  });
}

/**
 * The logged events from `sinceMs` on, oldest first; with `follow`, then those appended while
 * the signal is not aborted, until `untilMs` passes.
 */
export async function* readEvents(
  paths: EnginePaths,
  opts: { sinceMs?: number; untilMs?: number; follow?: boolean; signal?: AbortSignal } = {},
): AsyncGenerator<DockerEvent> {
  const file = eventLogPath(paths);
  const inRange = (e: DockerEvent) =>
    (opts.sinceMs === undefined || e.timeNano / 1e6 >= opts.sinceMs) && (opts.untilMs === undefined || e.timeNano / 1e6 <= opts.untilMs);
  let offset = 0;
  let ino = -1;
  let rest: Buffer = Buffer.alloc(0);
  // Only what was appended since the last read is read (a stat when nothing was): a follower
  // polls ten times a second, and the TUI follows for as long as it is open.
  const read = (): DockerEvent[] => {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return [];
    }
    let chunk: Buffer;
    try {
      const st = fstatSync(fd);
      if (st.ino !== ino || st.size < offset) {
        // started afresh meanwhile (or first read)
        if (ino === -1 && opts.sinceMs !== undefined && st.mtimeMs < opts.sinceMs)
          offset = st.size; // nothing in it is recent enough
        else offset = 0;
        ino = st.ino;
        rest = Buffer.alloc(0);
      }
      if (st.size === offset) return [];
      const buf = Buffer.alloc(st.size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      chunk = Buffer.concat([rest, buf.subarray(0, n)]);
    } finally {
      closeSync(fd);
    }
    // Whole lines only (bytes, so a character cut by a read stays whole for the next one).
    const end = chunk.lastIndexOf(0x0a) + 1;
    rest = chunk.subarray(end);
    const lines = chunk.subarray(0, end).toString().split('\n');
    lines.pop();
    const out: DockerEvent[] = [];
    for (const l of lines) {
      try {
        out.push(JSON.parse(l) as DockerEvent);
      } catch {
        // a torn line: skipped
      }
    }
    return out;
  };
  for (const e of read()) if (inRange(e)) yield e;
  if (!opts.follow) return;
  for (;;) {
    if (opts.signal?.aborted) return;
    if (opts.untilMs !== undefined && Date.now() > opts.untilMs) return;
    await new Promise((r) => setTimeout(r, 100));
    for (const e of read()) if (inRange(e)) yield e;
  }
}
