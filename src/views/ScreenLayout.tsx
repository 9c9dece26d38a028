// The screen's layout and markup: the tab bar, the pane in view (or a dialog over it), the side
// pane, the status line and the footer's key hints. Pure: everything comes in as props.
import { Box, Text } from 'ink';
import type { AppState } from './app-state.js';
import { BuildPane } from './BuildPane.js';
import { Footer, PromptLine, StatusLine, TabBar } from './Chrome.js';
import { ContainersPane } from './ContainersPane.js';
import type { ContainerEntry } from './groups.js';
import { DetailsPane, type DetailsTarget } from './DetailsPane.js';
import { ConfirmDialog, HelpOverlay, OutputDialog, PullDialog, RunFormDialog } from './Dialogs.js';
import { plural, shortId } from './format.js';
import { ImagesPane, type ImageRow } from './ImagesPane.js';
import { activeScopes, hintsFor } from './keymap.js';
import type { Layout } from './layout.js';
import type { ListState } from './list-nav.js';
import { LayersPane } from './LayersPane.js';
import { LogsPane } from './LogsPane.js';
import type { CommandLogEntry } from './command-log.js';
import { CommandLine, CommandLogOverlay } from './ExtrasView.js';
import { ResourceInspect, ResourcePane, type ResourcePaneProps } from './ResourcePanes.js';
import { StatsPane } from './StatsPane.js';
import type { PanesView } from './usePanes.js';
import type { ScreenProps } from './screen-context.js';
import type { ContainerStats, ContainerSummary, ImageSummary } from '../engine/define.js';
import type { BuildState, DevView, LogsState, PullState, StatusMessage } from './view-models.js';

export interface ScreenViewProps {
  readonly props: ScreenProps;
  readonly state: AppState;
  readonly suspended: boolean;
  readonly size: { readonly columns: number; readonly rows: number };
  readonly layout: Layout;
  readonly now: number;
  readonly status: StatusMessage | undefined;
  readonly runtimeProblem: string | undefined;
  readonly containers: readonly ContainerSummary[];
  readonly images: readonly ImageSummary[];
  /** Lists not read from the engine yet (the first frame comes before them). */
  readonly loading: { readonly containers: boolean; readonly images: boolean };
  readonly shownContainers: readonly ContainerSummary[];
  readonly containerEntries: readonly ContainerEntry[];
  readonly allImageRows: readonly ImageRow[];
  readonly shownImages: readonly ImageRow[];
  readonly cList: ListState;
  readonly iList: ListState;
  readonly cFilter: string;
  readonly iFilter: string;
  readonly stats: ReadonlyMap<string, ContainerStats>;
  /** Containers whose stop is in its grace period. */
  readonly stopping: ReadonlySet<string>;
  readonly logs: LogsState;
  readonly logsContainer: ContainerSummary | undefined;
  readonly logQuery: string;
  readonly logMatches: readonly number[];
  readonly detailsTarget: DetailsTarget | undefined;
  readonly pull: PullState;
  readonly build: BuildState;
  readonly dev: DevView | undefined;
  readonly commandLog: readonly CommandLogEntry[];
  /** The Stats, Layers, Volumes and Networks panes' data (usePanes.ts). */
  readonly panes: PanesView;
}

const promptLabels = {
  filter: 'filter /',
  search: 'search /',
  logfilter: 'only lines with & (!text hides them) ',
  logrange: 'tail / since (200, 10m, 200 1h, all) ',
} as const;

export function ScreenView(p: ScreenViewProps) {
  const { state, layout, now, containers, images, shownContainers, allImageRows, shownImages, cList, iList, cFilter, iFilter } = p;
  const { stats, logs, logsContainer, logQuery, logMatches, detailsTarget, dev, status } = p;
  const modal = state.modal;
  const prompt = modal?.kind === 'prompt' ? modal : undefined;
  if (p.suspended) return null;
  if (layout.tooSmall)
    return (
      <Box flexDirection="column">
        <Text>{`dockui needs a terminal of at least 80×24 (this one is ${p.size.columns}×${p.size.rows}).`}</Text>
        <Text>Make the window larger, or press q to quit.</Text>
      </Box>
    );

  // The Containers list is the main pane or the side one (beside Logs, Build and Details).
  const containersPane = (focused: boolean, box: { readonly width: number; readonly height: number }) => (
    <ContainersPane
      narrow={!focused}
      marked={state.marked}
      stopping={p.stopping}
      containers={shownContainers}
      entries={p.containerEntries}
      shownCount={shownContainers.length}
      total={containers.length}
      loading={p.loading.containers}
      note={[state.containerSort === 'state' ? '' : `sort: ${state.containerSort}`, state.hideStopped ? 'stopped hidden' : '']
        .filter(Boolean)
        .join('  ')}
      stats={stats}
      list={cList}
      filter={cFilter}
      focused={focused}
      width={box.width}
      height={box.height}
      listRows={layout.listRows}
      now={now}
    />
  );
  const m = layout.main;
  const resourceProps = (kind: 'volumes' | 'networks'): ResourcePaneProps => ({
    kind,
    volumes: p.panes.volumes,
    networks: p.panes.networks,
    total: kind === 'volumes' ? p.panes.volumesTotal : p.panes.networksTotal,
    loaded: p.panes.resourceLoaded,
    error: p.panes.resourceError,
    list: kind === 'volumes' ? p.panes.vList : p.panes.nList,
    filter:
      kind === 'volumes'
        ? prompt && state.pane === kind
          ? prompt.input.value
          : state.filters.volumes
        : prompt && state.pane === kind
          ? prompt.input.value
          : state.filters.networks,
    layout,
    now,
  });
  const dialogWidth = Math.min(m.width, 90);
  const mainPane = (() => {
    if (modal && modal.kind !== 'prompt') {
      const dialog =
        modal.kind === 'confirm' ? (
          <ConfirmDialog title={modal.title} message={modal.message} width={dialogWidth} />
        ) : modal.kind === 'form' ? (
          <RunFormDialog form={modal.form} width={dialogWidth} />
        ) : modal.kind === 'pull' ? (
          <PullDialog input={modal.input} pull={p.pull} width={dialogWidth} maxLayers={Math.max(1, m.height - 6)} />
        ) : modal.kind === 'cmdlog' ? (
          <CommandLogOverlay entries={p.commandLog} offset={modal.offset} width={m.width + 2} height={m.height + 2} />
        ) : modal.kind === 'output' ? (
          <OutputDialog {...modal} width={m.width + 2} height={m.height + 2} />
        ) : (
          <HelpOverlay offset={modal.offset} width={m.width + 2} height={m.height + 2} />
        );
      return (
        <Box width={m.width + 2} height={m.height + 2} justifyContent="center" alignItems="center">
          {dialog}
        </Box>
      );
    }
    switch (state.pane) {
      case 'containers':
        return containersPane(true, m);
      case 'images':
        return (
          <ImagesPane
            rows={shownImages}
            total={allImageRows.length}
            loading={p.loading.images}
            list={iList}
            filter={iFilter}
            focused
            width={m.width}
            height={m.height}
            listRows={layout.listRows}
            now={now}
          />
        );
      case 'logs':
        return (
          <LogsPane
            title={state.logsMerged?.label ?? logsContainer?.name ?? (state.logsTarget ? shortId(state.logsTarget) : '')}
            display={state.logsDisplay}
            sources={state.logsMerged?.ids.map((id) => containers.find((c) => c.id === id)?.name ?? shortId(id))}
            logs={logs}
            view={logQuery === state.logsView.query ? state.logsView : { ...state.logsView, query: logQuery, match: undefined }}
            matches={logMatches}
            focused
            width={m.width}
            height={m.height}
          />
        );
      case 'build':
        return (
          <BuildPane
            build={p.build}
            unavailable={p.props.dev || !('unavailable' in p.props.build) ? undefined : p.props.build.unavailable}
            dev={dev}
            devStatus={
              p.props.dev && !dev
                ? p.props.dev.startError
                  ? `did not start: ${p.props.dev.startError}`
                  : 'starting: first build and run…'
                : undefined
            }
            now={now}
            focused
            width={m.width}
            height={m.height}
          />
        );
      case 'volumes':
      case 'networks':
        return <ResourcePane {...resourceProps(state.pane)} />;
      case 'stats':
        return (
          <StatsPane
            container={p.panes.statsContainer}
            points={p.panes.points}
            top={p.panes.top}
            topError={p.panes.topError}
            host={p.panes.host}
            running={containers.filter((c) => c.state === 'running').length}
            total={containers.length}
            focused
            width={m.width}
            height={m.height}
          />
        );
      case 'layers':
        return (
          <LayersPane
            label={state.layers.label}
            report={p.panes.layers}
            error={p.panes.layersError}
            selected={state.layers.selected}
            offset={state.layers.offset}
            focused
            width={m.width}
            height={m.height}
          />
        );
      case 'details':
        return <DetailsPane target={detailsTarget} offset={state.detailsOffset} focused width={m.width} height={m.height} now={now} />;
    }
  })();
  const side = layout.side;
  const sidePane = !side ? null : state.pane === 'volumes' || state.pane === 'networks' ? (
    <ResourceInspect {...resourceProps(state.pane)} width={side.width} height={side.height} />
  ) : state.pane === 'containers' || state.pane === 'images' ? (
    <DetailsPane target={detailsTarget} offset={0} focused={false} width={side.width} height={side.height} now={now} />
  ) : (
    containersPane(false, side)
  );
  const running = containers.filter((c) => c.state === 'running').length;
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      <TabBar
        pane={state.pane}
        width={layout.width}
        right={`${running}/${containers.length} running · ${plural(images.length, 'image')} `}
      />
      <Box>
        {mainPane}
        {sidePane}
      </Box>
      <StatusLine status={status} runtimeProblem={p.runtimeProblem} width={layout.width} />
      {prompt?.purpose === 'command' ? (
        <CommandLine input={prompt.input} width={layout.width} />
      ) : prompt ? (
        <PromptLine label={promptLabels[prompt.purpose]} input={prompt.input} width={layout.width} />
      ) : (
        <Footer hints={hintsFor(activeScopes(state.pane, modal?.kind))} width={layout.width} />
      )}
    </Box>
  );
}
