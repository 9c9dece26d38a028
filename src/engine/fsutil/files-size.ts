// Bytes of the files under a directory, a hard-linked file once: what a volume or a container's
// writable layer holds (`docker system df`, a volume's size in the TUI). Symlinks are not
// followed; what cannot be read counts as nothing.
import { lstat, readdir } from '../util/fsa.js';
import { join } from 'node:path';

export async function filesSize(dir: string, seen = new Set<number>()): Promise<number> {
  let total = 0;
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    const st = await lstat(join(dir, n)).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory()) total += await filesSize(join(dir, n), seen);
    else if (!seen.has(st.ino)) {
      seen.add(st.ino);
      total += st.size;
    }
  }
  return total;
}
