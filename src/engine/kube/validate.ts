// Generated (and played) manifests checked against the Kubernetes OpenAPI schemas, through
// kubernetes-models (the published schemas of the API as compiled validators; the 4.x line runs on
// Node 20). Loaded only by `kube` verbs: nothing else pays for it.
import { createRequire } from 'node:module';
import { EngineError } from '../define.js';
import type { KubeObject } from './generate.js';

interface Model {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Model;

const modules: Readonly<Record<string, [string, string]>> = {
  'v1/Pod': ['kubernetes-models/v1', 'Pod'],
  'v1/Service': ['kubernetes-models/v1', 'Service'],
  'v1/PersistentVolumeClaim': ['kubernetes-models/v1', 'PersistentVolumeClaim'],
  'v1/ConfigMap': ['kubernetes-models/v1', 'ConfigMap'],
  'v1/Secret': ['kubernetes-models/v1', 'Secret'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1', 'Deployment'],
};

/** The kinds dockui writes and plays ("apps/v1/Deployment"). */
export const knownKinds = Object.keys(modules);

/** Problems of each object, "Deployment web: data/spec/... must be integer"; empty when all are valid. */
export function validateObjects(objects: readonly KubeObject[]): string[] {
  const require = createRequire(import.meta.url);
  const problems: string[] = [];
  for (const o of objects) {
    const spec = modules[`${o.apiVersion}/${o.kind}`];
    if (!spec) {
      problems.push(`${o.kind} ${o.metadata?.name ?? '?'}: ${o.apiVersion}/${o.kind} is not a kind dockui knows`);
      continue;
    }
    const Cls = (require(spec[0]) as Record<string, ModelClass>)[spec[1]];
    if (!Cls) throw new EngineError('internal', `kubernetes-models has no ${spec[1]} in ${spec[0]}`);
    try {
      new Cls(o).validate();
    } catch (e) {
      problems.push(`${o.kind} ${o.metadata?.name ?? '?'}: ${(e as Error).message}`);
    }
  }
  return problems;
}
