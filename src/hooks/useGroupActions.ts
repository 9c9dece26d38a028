// A Compose project's and a pod's verbs for the container list's header rows (views/groups.ts),
// through the engine's compose and pods nouns: a project is loaded from the files its containers
// were made from (`compose ls`'s config files), as `dockui compose -p NAME -f FILE …` would.
import { useMemo } from 'react';
import { EngineError } from '../engine/define.js';
import { useEngine } from './EngineProvider.js';
import { engineExtras } from './engine-extras.js';

export type ProjectOp = 'up' | 'stop' | 'down' | 'restart';
export type PodOp = 'start' | 'stop' | 'restart' | 'remove';

export interface GroupActions {
  /** The project's compose files (absolute), as its containers record them. */
  projectFiles(project: string): Promise<readonly string[]>;
  project(project: string, op: ProjectOp): Promise<void>;
  pod(id: string, op: PodOp): Promise<void>;
}

export function useGroupActions(): GroupActions {
  const e = useEngine();
  return useMemo(() => {
    const compose = () => {
      const c = engineExtras(e).compose;
      if (!c) throw new EngineError('failed_precondition', 'Compose is not available from this engine');
      return c;
    };
    const projectFiles = async (project: string) => {
      const p = (await compose().ls({ all: true })).find((x) => x.name === project);
      const files = p?.configFiles.split(',').filter((f) => f !== '') ?? [];
      if (files.length === 0) throw new EngineError('not_found', `project ${project}: its compose files are not known`);
      return files;
    };
    return {
      projectFiles,
      project: async (project, op) => {
        const h = await compose().load({ files: await projectFiles(project), projectName: project });
        if (op === 'up') await h.up();
        else if (op === 'stop') await h.stop();
        else if (op === 'restart') await h.restart();
        else await h.down();
      },
      pod: async (id, op) => {
        const pods = engineExtras(e).pods;
        if (!pods) throw new EngineError('failed_precondition', 'pods are not available from this engine');
        if (op === 'start') await pods.start(id);
        else if (op === 'stop') await pods.stop(id);
        else if (op === 'restart') {
          await pods.stop(id);
          await pods.start(id);
        } else await pods.remove(id, { force: true });
      },
    };
  }, [e]);
}
