// The Stats, Layers, Volumes and Networks panes' live data for the screen: each hook polls only
// while its pane is in view (an idle screen elsewhere samples none of it), and the lists are
// filtered and clamped as the screen's own lists are.
import { useMemo } from 'react';
import type { ContainerSummary } from '../engine/define.js';
import type { HostReport, ImageLayerFilesReport, TopReport } from '../engine/index.js';
import { useLayerFiles, useNetworks, useVolumeSize, useVolumes } from '../hooks/useResources.js';
import { useHost, useStatsHistory, useStatsHistoryPrune, useTop } from '../hooks/useStatsView.js';
import type { AppState } from './app-state.js';
import type { Layout } from './layout.js';
import { clampList, type ListState } from './list-nav.js';
import type { NetworkDetails, VolumeDetails } from './resource-details.js';
import { resourceListRows, type NetworkView, type VolumeView } from './ResourcePanes.js';
import type { PanesContext } from './screen-panes.js';
import type { StatsPointView } from './view-models.js';

export interface PanesView {
  readonly statsContainer: ContainerSummary | undefined;
  readonly points: readonly StatsPointView[];
  readonly top: TopReport | undefined;
  readonly topError: string | undefined;
  readonly host: HostReport | undefined;
  readonly volumes: readonly VolumeView[];
  readonly networks: readonly NetworkView[];
  /** Before the filter. */
  readonly volumesTotal: number;
  readonly networksTotal: number;
  readonly resourceLoaded: boolean;
  readonly resourceError: string | undefined;
  readonly vList: ListState;
  readonly nList: ListState;
  readonly layers: ImageLayerFilesReport | undefined;
  readonly layersError: string | undefined;
  /** The volume or network the Details pane shows (Enter on pane 6 or 7), live. */
  readonly details: VolumeDetails | NetworkDetails | undefined;
}

const byName = (filter: string) => (x: { readonly name: string }) => !filter || x.name.toLowerCase().includes(filter.toLowerCase());

export function usePanes(
  state: AppState,
  layout: Layout,
  containers: readonly ContainerSummary[],
  selected: ContainerSummary | undefined,
  liveFilter: (list: 'volumes' | 'networks') => string,
  builtImage: string | undefined,
): { readonly ctx: PanesContext; readonly view: PanesView; readonly statsRunning: string | undefined } {
  const statsOn = state.pane === 'stats';
  const statsContainer = containers.find((c) => c.id === (state.statsTarget ?? selected?.id));
  const running = statsContainer?.state === 'running' ? statsContainer.id : undefined;
  const points = useStatsHistory(statsOn ? statsContainer?.id : undefined);
  useStatsHistoryPrune(useMemo(() => containers.map((c) => c.id), [containers]));
  const top = useTop(running, statsOn);
  const host = useHost(statsOn);
  // Polled while their pane, or the details of one of them, is in view.
  const shown = state.details;
  const detailsOn = state.pane === 'details' || state.pane === 'logs' || state.pane === 'build';
  const volumes = useVolumes(state.pane === 'volumes' || (detailsOn && shown?.kind === 'volume'));
  const networks = useNetworks(state.pane === 'networks' || (detailsOn && shown?.kind === 'network'));
  const detailsVolume = shown?.kind === 'volume' ? volumes.rows.find((v) => v.name === shown.name) : undefined;
  const detailsNetwork = shown?.kind === 'network' ? networks.rows.find((n) => n.id === shown.id) : undefined;
  // The size is read again with every poll that changes the list (a container mounting it, say).
  const size = useVolumeSize(detailsOn ? detailsVolume?.name : undefined, volumes.rows);
  const vFilter = liveFilter('volumes');
  const nFilter = liveFilter('networks');
  const shownVolumes = useMemo(() => volumes.rows.filter(byName(vFilter)), [volumes.rows, vFilter]);
  const shownNetworks = useMemo(() => networks.rows.filter(byName(nFilter)), [networks.rows, nFilter]);
  const rows = resourceListRows(layout);
  const layers = useLayerFiles(state.pane === 'layers' ? state.layers.ref : undefined, state.layers.epoch);
  const resource = state.pane === 'networks' ? networks : volumes;
  return {
    ctx: { volumes: shownVolumes, networks: shownNetworks, layers: layers.report, builtImage },
    view: {
      statsContainer,
      points,
      top: top.top,
      topError: top.error,
      host,
      volumes: shownVolumes,
      networks: shownNetworks,
      volumesTotal: volumes.rows.length,
      networksTotal: networks.rows.length,
      resourceLoaded: resource.loaded,
      resourceError: resource.error,
      vList: clampList(state.lists.volumes, shownVolumes.length, rows),
      nList: clampList(state.lists.networks, shownNetworks.length, rows),
      layers: layers.report,
      layersError: layers.error,
      details: detailsVolume
        ? { kind: 'volume', volume: detailsVolume, size: size.size, sizeError: size.error }
        : detailsNetwork
          ? { kind: 'network', network: detailsNetwork }
          : undefined,
    },
    statsRunning: statsOn ? running : undefined,
  };
}
