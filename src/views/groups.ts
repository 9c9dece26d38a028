// Compose projects and pods in the container list (issues 15 and 19; lazydocker's project view):
// the containers of a project (label com.docker.compose.project) or of a pod (io.dockui.pod) are
// listed under a header row of their own — the group's name, its services' (or members') states
// and its running count — that folds and unfolds (z, or Enter on it) and takes the project's or
// the pod's actions (s, r, d, u). A pod's infra container is not listed: its header stands for it.
// Groups keep the list's sort: a group sits where its first member would, members in order.
import type { ContainerState, ContainerSummary } from '../engine/define.js';

export interface ContainerGroup {
  readonly kind: 'project' | 'pod';
  /** The project's name, or the pod's id. */
  readonly id: string;
  /** What the header shows: the project's name, or the pod's name (its short id until known). */
  readonly name: string;
  /** The listed members (a pod's infra container is not one), in the list's order. */
  readonly members: readonly ContainerSummary[];
  /** The pod's infra container. */
  readonly infra?: ContainerSummary;
  readonly collapsed: boolean;
}

export type ContainerEntry =
  | { readonly kind: 'group'; readonly group: ContainerGroup }
  | { readonly kind: 'container'; readonly container: ContainerSummary; readonly group?: ContainerGroup };

/** The key of a group in AppState.collapsed. */
export const groupKey = (kind: ContainerGroup['kind'], id: string): string => `${kind}:${id}`;

const groupOf = (c: ContainerSummary): { kind: ContainerGroup['kind']; id: string } | undefined =>
  c.project ? { kind: 'project', id: c.project } : c.pod ? { kind: 'pod', id: c.pod } : undefined;

/**
 * The list's rows: ungrouped containers as they are, each group's header where its first member
 * is, then its members unless folded. `all` (unfiltered) supplies a pod's infra container.
 */
export function containerEntries(
  shown: readonly ContainerSummary[],
  collapsed: ReadonlySet<string>,
  podNames: ReadonlyMap<string, string>,
  all: readonly ContainerSummary[] = shown,
): ContainerEntry[] {
  const members = new Map<string, ContainerSummary[]>();
  for (const c of shown) {
    const g = groupOf(c);
    if (!g || c.podInfra) continue;
    const k = groupKey(g.kind, g.id);
    const list = members.get(k);
    if (list) list.push(c);
    else members.set(k, [c]);
  }
  const out: ContainerEntry[] = [];
  const done = new Set<string>();
  for (const c of shown) {
    const g = groupOf(c);
    if (!g) {
      out.push({ kind: 'container', container: c });
      continue;
    }
    const k = groupKey(g.kind, g.id);
    if (done.has(k)) continue;
    done.add(k);
    const infra = g.kind === 'pod' ? all.find((x) => x.pod === g.id && x.podInfra) : undefined;
    const group: ContainerGroup = {
      kind: g.kind,
      id: g.id,
      name: g.kind === 'pod' ? (podNames.get(g.id) ?? g.id.slice(0, 12)) : g.id,
      members: members.get(k) ?? [],
      ...(infra ? { infra } : {}),
      collapsed: collapsed.has(k),
    };
    out.push({ kind: 'group', group });
    if (!group.collapsed) for (const m of group.members) out.push({ kind: 'container', container: m, group });
  }
  return out;
}

const order: readonly ContainerState[] = ['running', 'paused', 'created', 'exited', 'removing'];

/** "web running · db exited(1)": each service's (or member's) state, compose ps's words. */
export function groupStates(g: ContainerGroup): string {
  const byName = new Map<string, ContainerSummary[]>();
  for (const m of g.members) {
    const n = g.kind === 'project' ? (m.service ?? m.name) : m.name;
    const list = byName.get(n);
    if (list) list.push(m);
    else byName.set(n, [m]);
  }
  if (byName.size === 0) return g.kind === 'pod' ? 'no containers but the infra' : 'no containers';
  return [...byName]
    .map(([n, cs]) => {
      const states = [...new Set(cs.map((c) => c.state))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
      return `${n} ${states.map((s) => (cs.length > 1 ? `${s}(${cs.filter((c) => c.state === s).length})` : s)).join('/')}`;
    })
    .join(' · ');
}

/** Running members (a pod counts its infra container apart). */
export function groupRunning(g: ContainerGroup): number {
  return g.members.filter((m) => m.state === 'running').length;
}
