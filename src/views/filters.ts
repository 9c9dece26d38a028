// What `/` matches in the Containers and Images lists: names, images, states and refs anywhere
// in them, IDs by prefix only (as the CLI resolves them): a short hex query would otherwise hit
// half the list through the IDs' random digits.
import type { ContainerSummary } from '../engine/define.js';
import type { ImageRow } from './ImagesPane.js';

function idMatches(id: string, q: string): boolean {
  const hex = id.toLowerCase().replace(/^sha256:/, '');
  return hex.startsWith(q) || id.toLowerCase().startsWith(q);
}

export function containerMatches(c: ContainerSummary, f: string): boolean {
  const q = f.toLowerCase();
  return [c.name, c.image, c.state].some((s) => s.toLowerCase().includes(q)) || idMatches(c.id, q);
}

export function imageMatches(r: ImageRow, f: string): boolean {
  const q = f.toLowerCase();
  return (r.ref ?? '<none>').toLowerCase().includes(q) || idMatches(r.image.id, q);
}

const stateRank: Readonly<Record<ContainerSummary['state'], number>> = { running: 0, paused: 1, created: 2, removing: 3, exited: 4 };

/** Running containers first (then paused, created, exited), each group in the engine's order. */
export function runningFirst(list: readonly ContainerSummary[]): readonly ContainerSummary[] {
  return list
    .map((c, i) => ({ c, i }))
    .sort((a, b) => stateRank[a.c.state] - stateRank[b.c.state] || a.i - b.i)
    .map((x) => x.c);
}
