// Generated objects as kubectl reads them: multi-document YAML, each object validated against
// the Kubernetes schemas first (a manifest dockui writes and kubectl would refuse is dockui's
// bug: an internal error naming the object, never a file written).
import { stringify } from 'yaml';
import { EngineError } from '../define.js';
import { generate, type GenerateOptions, type KubeObject, type Workload } from './generate.js';
import { validateObjects } from './validate.js';

export interface Manifests {
  readonly yaml: string;
  readonly objects: readonly KubeObject[];
  readonly notes: readonly string[];
}

/**
 * Objects as one YAML stream, `---` between documents; YAML 1.1 as Kubernetes (go-yaml) and kube
 * play read it: a string such as "yes" or "0400" is quoted, never read back as a bool or octal.
 */
export function toYamlStream(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' })).join('---\n');
}

export function manifestsFor(workloads: readonly Workload[], opts: GenerateOptions): Manifests {
  const { objects, notes } = generate(workloads, opts);
  const problems = validateObjects(objects);
  if (problems.length) throw new EngineError('internal', `generated manifests fail the Kubernetes schema: ${problems.join('; ')}`);
  return { yaml: toYamlStream(objects), objects, notes };
}
