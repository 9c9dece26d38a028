// The dev-loop tests' teardown: the loop closed, every container it made in the root removed, the
// engine closed, then the root removed once no process still works in it — conmon runs dockui's
// clean-up after a container exits, and those processes take locks under the root.
import { execFileSync } from 'node:child_process';

interface EngineLike {
  readonly containers: {
    refresh(): Promise<unknown>;
    getSnapshot(): readonly { readonly id: string }[];
    remove(id: string, opts: { force: boolean }): Promise<unknown>;
  };
  close(): Promise<void>;
}

export async function closeDevRoot(
  loop: { close(): Promise<void> } | undefined,
  engine: EngineLike | undefined,
  t: { root: string; cleanup: () => void },
): Promise<void> {
  await loop?.close();
  if (engine) {
    // Swapped-out containers are already gone; the rest go here.
    await engine.containers.refresh();
    for (const c of engine.containers.getSnapshot()) await engine.containers.remove(c.id, { force: true }).catch(() => undefined);
    await engine.close();
  }
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    const busy = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .some((l) => l.includes(t.root) && !l.startsWith('ps '));
    if (!busy) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t.cleanup();
}
