// `ps --filter ancestor=IMAGE`: the image IMAGE names and its descendants, as moby's
// daemon/list.go has it (populateImageFilterByParents: the image and, walking down its child
// links, every image built on it; a container matches when its image is one of them). The
// links are the store's parent links (ImageRecord.parent), which dockui's build (its FROM
// image) and commit (the container's image) set, as docker 20.10's classic builder and commit
// do; a pulled, loaded or imported image has none, so it is nobody's child.

/** The ids of `id` and of every image whose parent links lead to it. */
export function lineageOf(id: string, parents: ReadonlyMap<string, string>): Set<string> {
  const children = new Map<string, string[]>();
  for (const [child, parent] of parents) children.set(parent, [...(children.get(parent) ?? []), child]);
  const out = new Set<string>();
  const todo = [id];
  while (todo.length) {
    const next = todo.pop()!;
    if (out.has(next)) continue;
    out.add(next);
    todo.push(...(children.get(next) ?? []));
  }
  return out;
}
