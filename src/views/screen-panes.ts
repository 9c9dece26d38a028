// The actions of the Stats, Layers, Volumes and Networks panes (issue 13's graphs, layer explorer
// and resource panes), kept apart from the screen's main action table (screen-actions.ts).
import type { ImageLayerFilesReport } from '../engine/index.js';
import type { AppState } from './app-state.js';
import { familiarName, listNames, plural, shortId } from './format.js';
import type { ActionId } from './keymap.js';
import { changeTree, layerIndex, treeRows } from './LayersPane.js';
import type { NetworkView, VolumeView } from './ResourcePanes.js';
import type { ScreenContext } from './screen-context.js';

/** What these panes' keys act on (Screen.tsx fills it from the hooks). */
export interface PanesContext {
  /** The lists as shown (filtered). */
  readonly volumes: readonly VolumeView[];
  readonly networks: readonly NetworkView[];
  readonly layers: ImageLayerFilesReport | undefined;
  /** The image the Build pane made last (the dev loop's tag, or the last build's id). */
  readonly builtImage: string | undefined;
}

export type PaneActionId = Extract<
  ActionId,
  | 'containers.stats'
  | 'images.layers'
  | 'build.layers'
  | 'volumes.delete'
  | 'networks.delete'
  | 'stats.back'
  | 'layers.up'
  | 'layers.down'
  | 'layers.pageUp'
  | 'layers.pageDown'
  | 'layers.back'
>;

export function runPaneAction(ctx: ScreenContext, id: PaneActionId, st: AppState): void {
  const x = ctx.panes;
  switch (id) {
    case 'containers.stats': {
      const c = ctx.selectedContainer;
      if (c) ctx.dispatch({ type: 'showStats', id: c.id });
      return;
    }
    case 'images.layers': {
      const r = ctx.selectedImage;
      if (r) ctx.dispatch({ type: 'showLayers', ref: r.ref ?? r.image.id, label: r.ref ? familiarName(r.ref) : shortId(r.image.id) });
      return;
    }
    case 'build.layers':
      if (x.builtImage)
        ctx.dispatch({
          type: 'showLayers',
          ref: x.builtImage,
          label: x.builtImage.startsWith('sha256:') ? shortId(x.builtImage) : familiarName(x.builtImage),
        });
      else ctx.setStatus({ kind: 'info', text: 'nothing built yet: b builds the folder’s Dockerfile' });
      return;
    case 'volumes.delete': {
      const v = x.volumes[st.lists.volumes.selected];
      if (!v) return;
      if (v.users.length > 0) {
        ctx.setStatus({
          kind: 'error',
          text: `cannot remove volume ${v.name}: ${plural(v.users.length, 'container')} use${v.users.length === 1 ? 's' : ''} it (${listNames(v.users)}); remove ${v.users.length === 1 ? 'it' : 'them'} first`,
        });
        return;
      }
      ctx.dispatch({
        type: 'openModal',
        modal: {
          kind: 'confirm',
          title: 'Remove volume',
          message: `Remove volume ${v.name} and everything in it? No container uses it.`,
          intent: { type: 'removeVolume', name: v.name },
        },
      });
      return;
    }
    case 'networks.delete': {
      const n = x.networks[st.lists.networks.selected];
      if (!n) return;
      if (n.members.length > 0) {
        ctx.setStatus({
          kind: 'error',
          text: `cannot remove network ${n.name}: ${plural(n.members.length, 'container')} ${n.members.length === 1 ? 'is' : 'are'} on it (${listNames(n.members.map((m) => m.name))}); disconnect or remove ${n.members.length === 1 ? 'it' : 'them'} first`,
        });
        return;
      }
      ctx.dispatch({
        type: 'openModal',
        modal: {
          kind: 'confirm',
          title: 'Remove network',
          message: `Remove network ${n.name} (${n.subnet})?`,
          intent: { type: 'removeNetwork', name: n.name },
        },
      });
      return;
    }
    case 'stats.back':
    case 'layers.back':
      ctx.dispatch({ type: 'focus', pane: st.backTo });
      return;
    case 'layers.up':
    case 'layers.down': {
      const count = x.layers?.layers.length ?? 0;
      ctx.dispatch({ type: 'layersMove', by: id === 'layers.up' ? -1 : 1, count, current: layerIndex(x.layers, st.layers.selected) });
      return;
    }
    case 'layers.pageUp':
    case 'layers.pageDown': {
      const r = x.layers;
      const layer = r?.layers[layerIndex(r, st.layers.selected)];
      const lines = changeTree(layer?.changes ?? []).length;
      const height = treeRows(ctx.layout.main.height, r?.layers.length ?? 0);
      ctx.dispatch({ type: 'layersScroll', by: id === 'layers.pageUp' ? -height : height, lines, height });
      return;
    }
  }
}

/** Enter on the Volumes or Networks pane: the selection's details in the Details pane (Esc comes back). */
export function showResourceDetails(ctx: ScreenContext, st: AppState, pane: 'volumes' | 'networks'): void {
  if (pane === 'volumes') {
    const v = ctx.panes.volumes[st.lists.volumes.selected];
    if (v) ctx.dispatch({ type: 'showDetails', ref: { kind: 'volume', name: v.name }, from: 'volumes' });
  } else {
    const n = ctx.panes.networks[st.lists.networks.selected];
    if (n) ctx.dispatch({ type: 'showDetails', ref: { kind: 'network', id: n.id }, from: 'networks' });
  }
}
