// The parts of the engine past the TUI's core interface (types.ts's Engine) that the Stats,
// Volumes, Networks and Layers panes use: present on the real engine (src/engine/index.ts's
// DockuiEngine); an engine without one (the views' fake) makes its pane say so.
import type { ContainerEngine, DockuiEngine, ImageEngine } from '../engine/index.js';
import type { Engine } from '../engine/types.js';

export interface EngineExtras {
  readonly volumes: DockuiEngine['volumes'] | undefined;
  readonly networks: DockuiEngine['networks'] | undefined;
  readonly host: DockuiEngine['system']['host'] | undefined;
  readonly top: ContainerEngine['top'] | undefined;
  readonly listContainers: ContainerEngine['list'] | undefined;
  readonly layerFiles: ImageEngine['layerFiles'] | undefined;
  readonly compose: DockuiEngine['compose'] | undefined;
  readonly pods: DockuiEngine['pods'] | undefined;
}

export function engineExtras(e: Engine): EngineExtras {
  const d = e as Engine & Partial<Pick<DockuiEngine, 'volumes' | 'networks' | 'system' | 'compose' | 'pods'>>;
  const c = e.containers as Partial<ContainerEngine>;
  const i = e.images as Partial<ImageEngine>;
  return {
    volumes: d.volumes,
    networks: d.networks,
    host: d.system && typeof d.system.host === 'function' ? d.system.host.bind(d.system) : undefined,
    top: typeof c.top === 'function' ? c.top.bind(c) : undefined,
    listContainers: typeof c.list === 'function' ? c.list.bind(c) : undefined,
    layerFiles: typeof i.layerFiles === 'function' ? i.layerFiles.bind(i) : undefined,
    compose: d.compose,
    pods: d.pods,
  };
}
