// The names of the pods the containers belong to (a container knows its pod's id only: label
// io.dockui.pod), read from the engine's pods.list() when the set of pod ids in the list changes.
import { useEffect, useState } from 'react';
import type { ContainerSummary } from '../engine/define.js';
import { useEngine } from './EngineProvider.js';
import { engineExtras } from './engine-extras.js';

const none: ReadonlyMap<string, string> = new Map();

export function usePodNames(containers: readonly ContainerSummary[]): ReadonlyMap<string, string> {
  const engine = useEngine();
  const key = [...new Set(containers.map((c) => c.pod).filter((p) => p !== undefined))].sort().join(',');
  const [names, setNames] = useState<{ key: string; names: ReadonlyMap<string, string> }>({ key: '', names: none });
  useEffect(() => {
    const pods = engineExtras(engine).pods;
    if (key === '' || !pods) return;
    let live = true;
    pods.list().then(
      (list) => live && setNames({ key, names: new Map(list.map((p) => [p.id, p.name])) }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [engine, key]);
  return key === '' ? none : names.names;
}
