// What a prune would remove, worked out from the lists on screen before asking y/N: the stopped
// containers (exited or created, as the engine's prune takes them), then the dangling images
// (no name) that no remaining container uses, with the space they hold at most (layers shared
// with other images stay).
import type { ContainerSummary, ImageSummary } from '../engine/define.js';
import { formatBytes, listNames, plural } from './format.js';

export interface PrunePreview {
  readonly containers: readonly ContainerSummary[];
  readonly images: readonly ImageSummary[];
  /** Sum of the dangling images' sizes: an upper bound of what the image prune frees. */
  readonly imageBytes: number;
}

const prunable = (c: ContainerSummary): boolean => c.state === 'exited' || c.state === 'created';

export function prunePreview(containers: readonly ContainerSummary[], images: readonly ImageSummary[]): PrunePreview {
  const gone = containers.filter(prunable);
  const kept = new Set(containers.filter((c) => !prunable(c)).map((c) => c.imageId));
  const dangling = images.filter((i) => i.names.length === 0 && !kept.has(i.id));
  return { containers: gone, images: dangling, imageBytes: dangling.reduce((n, i) => n + i.size, 0) };
}

/** The confirm dialog's text, or undefined when there is nothing to prune. */
export function pruneMessage(p: PrunePreview): string | undefined {
  if (p.containers.length === 0 && p.images.length === 0) return undefined;
  const parts: string[] = [];
  if (p.containers.length > 0) {
    parts.push(`${plural(p.containers.length, 'stopped container')} (${listNames(p.containers.map((c) => c.name))})`);
  }
  if (p.images.length > 0) parts.push(`${plural(p.images.length, 'dangling image')} (up to ${formatBytes(p.imageBytes)})`);
  return `Remove ${parts.join(' and ')}? Running containers, named images and volumes stay.`;
}
