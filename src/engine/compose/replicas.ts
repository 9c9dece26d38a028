// deploy.replicas / scale: how many containers a service runs, and what several containers of one
// service cannot share: a container_name, or a single published host port (a range A-B gives
// replica k the port A+k-1). Errors name the file and line of the key, as docker compose's.
import { EngineError } from '../define.js';
import type { PortConfig, ServiceConfig } from './types.js';

type At = (path: readonly (string | number)[]) => { file: string; line: number } | undefined;

/** One line, FILE:LINE first when known (an EngineError: `up --scale` finds these after loading). */
function refuse(where: ReturnType<At>, why: string): never {
  throw new EngineError('invalid_argument', where ? `${where.file}:${where.line}: ${why}` : why);
}

/** The file's replica count: deploy.replicas, else scale, else 1. */
export function declaredReplicas(s: ServiceConfig): number {
  return s.deploy?.replicas ?? s.scale ?? 1;
}

/** Refuses what N containers of the service cannot do (nothing to check for N ≤ 1). */
export function checkReplicas(svc: string, s: ServiceConfig, n: number, at: At): void {
  if (s.scale !== undefined && s.deploy?.replicas !== undefined && s.scale !== s.deploy.replicas)
    refuse(at(['services', svc, 'scale']), `services.${svc}: can't set distinct values on 'scale' and 'deploy.replicas'`);
  if (n <= 1) return;
  if (s.container_name)
    refuse(
      at(['services', svc, 'container_name']),
      `services.${svc}: can't set container_name and run ${n} replicas of ${svc}: a container name must be unique`,
    );
  (s.ports ?? []).forEach((p, i) => {
    if (!p.published) return;
    const [lo, hi] = portRange(p);
    if (hi - lo + 1 >= n) return;
    refuse(
      at(['services', svc, 'ports', i]),
      lo === hi
        ? `services.${svc}.ports[${i}]: host port ${lo} can be published by one container only, and ${svc} has ${n} replicas (publish a range, such as "${lo}-${lo + n - 1}:${p.target}")`
        : `services.${svc}.ports[${i}]: the range ${p.published} has ${hi - lo + 1} host ports for ${n} replicas of ${svc}`,
    );
  });
}

function portRange(p: PortConfig): [number, number] {
  const [lo, hi] = (p.published ?? '').split('-').map(Number);
  return [lo!, hi ?? lo!];
}

/** The host port replica k (from 1) publishes: the port, or the k-th of the range ('' for a random one). */
export function publishedFor(p: PortConfig, k: number): string {
  if (!p.published) return '';
  const [lo] = portRange(p);
  return p.published.includes('-') ? String(lo + k - 1) : p.published;
}
