// Pod records: ROOT/pods/<id>.json (written temp-then-rename), changed under RUNROOT/locks/pods.lock.
// A pod is podman's: an infra container (a pause process, kept by conmon as any container)
// holding the network, IPC and UTS namespaces its members join. The record names the infra
// container; the members carry the pod's id in a label, so a container's record stays the truth.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import type { EnginePaths } from '../paths.js';
import { withLock } from '../store/lock.js';

/** On the infra container and every member: the pod's id. */
export const podLabel = 'io.dockui.pod';
/** On the infra container only: "true". */
export const infraLabel = 'io.dockui.pod.infra';

export interface PodRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly infraId: string;
  readonly hostname: string;
  readonly labels: Readonly<Record<string, string>>;
  /** What `pod create -p` asked for ("127.0.0.1:8080:80"). */
  readonly publish: readonly string[];
  /** none, host, private (default) or the dockui networks the infra container joins. */
  readonly network?: string;
  readonly networks?: readonly { readonly name: string; readonly aliases?: readonly string[] }[];
}

export const validPodName = (n: string): boolean => /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(n) && n.length <= 128;
export const newPodId = (): string => randomBytes(32).toString('hex');

export class PodStore {
  readonly dir: string;
  readonly #lock: string;
  constructor(paths: EnginePaths) {
    this.dir = join(paths.root, 'pods');
    this.#lock = join(paths.runRoot, 'locks', 'pods.lock');
  }

  list(): PodRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
    } catch {
      return [];
    }
    const out: PodRecord[] = [];
    for (const n of names) {
      try {
        out.push(JSON.parse(readFileSync(join(this.dir, n), 'utf8')) as PodRecord);
      } catch {
        // removed meanwhile
      }
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  }

  /** Exact name, exact id or a unique id prefix. */
  find(nameOrId: string): PodRecord {
    const all = this.list();
    const hit = all.find((p) => p.name === nameOrId) ?? all.find((p) => p.id === nameOrId);
    if (hit) return hit;
    const pre = /^[0-9a-f]{3,}$/.test(nameOrId) ? all.filter((p) => p.id.startsWith(nameOrId)) : [];
    if (pre.length === 1) return pre[0]!;
    if (pre.length > 1) throw new EngineError('invalid_argument', `more than one pod starts with ${nameOrId}: give more of the id`);
    throw new EngineError('not_found', `no such pod: ${nameOrId}`);
  }

  write(p: PodRecord): void {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${p.id}.json`);
    writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify(p, null, 2));
    renameSync(`${file}.tmp-${process.pid}`, file);
  }

  remove(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true });
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    mkdirSync(join(this.#lock, '..'), { recursive: true });
    return withLock(this.#lock, fn);
  }
}
