// What `/` matches in the Containers and Images lists: names, images, states and refs anywhere
// in them, IDs by prefix only (as the CLI resolves them): a short hex query would otherwise hit
// half the list through the IDs' random digits.
import type { ContainerSummary } from '../engine/define.js';
import { familiarRef } from '../format/units.js';
import type { ImageRow } from './ImagesPane.js';
import { compareText } from '../engine/define.js';

function idMatches(id: string, q: string): boolean {
  const hex = id.toLowerCase().replace(/^sha256:/, '');
  return hex.startsWith(q) || id.toLowerCase().startsWith(q);
}

export function containerMatches(c: ContainerSummary, f: string): boolean {
  const q = f.toLowerCase();
  // docker ps --filter ancestor=IMAGE: the containers of an image, by its ID prefix or its name.
  if (q.startsWith('ancestor=')) {
    const a = q.slice('ancestor='.length);
    return a !== '' && (idMatches(c.imageId, a) || familiarRef(c.image).toLowerCase() === a || c.image.toLowerCase() === a);
  }
  return [c.name, c.image, c.state].some((s) => s.toLowerCase().includes(q)) || idMatches(c.id, q);
}

export function imageMatches(r: ImageRow, f: string): boolean {
  const q = f.toLowerCase();
  return (r.ref ?? '<none>').toLowerCase().includes(q) || idMatches(r.image.id, q);
}

const stateRank: Readonly<Record<ContainerSummary['state'], number>> = { running: 0, paused: 1, created: 2, removing: 3, exited: 4 };

export const containerSorts = ['state', 'name', 'created', 'image'] as const;
export type ContainerSort = (typeof containerSorts)[number];

/** The list in `sort` order: state is running first; created is newest first; ties keep the engine's order. */
export function sortContainers(list: readonly ContainerSummary[], sort: ContainerSort): readonly ContainerSummary[] {
  if (sort === 'state') return runningFirst(list);
  const key = (c: ContainerSummary) => (sort === 'name' ? c.name : sort === 'image' ? familiarRef(c.image) : '');
  return list
    .map((c, i) => ({ c, i }))
    .sort((a, b) =>
      sort === 'created'
        ? Date.parse(b.c.createdAt) - Date.parse(a.c.createdAt) || a.i - b.i
        : compareText(key(a.c), key(b.c)) || a.i - b.i,
    )
    .map((x) => x.c);
}

/** Running containers first (then paused, created, exited), each group in the engine's order. */
export function runningFirst(list: readonly ContainerSummary[]): readonly ContainerSummary[] {
  return list
    .map((c, i) => ({ c, i }))
    .sort((a, b) => stateRank[a.c.state] - stateRank[b.c.state] || a.i - b.i)
    .map((x) => x.c);
}
