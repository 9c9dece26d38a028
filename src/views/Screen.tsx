// The one screen component: it calls the hooks (live engine data, UI state), derives what is
// in view and hands it to the markup (ScreenLayout.tsx). Every key goes through one handler:
// the key router (screen-keys.ts) resolves it through the keymap in the active scopes (a
// dialog's first), then the action table (screen-actions.ts) or the open dialog
// (screen-dialogs.ts) acts on it.
import { useApp, useInput, type Key } from 'ink';
import { useCallback, useContext, useLayoutEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import { formatError, type ContainerSummary } from '../engine/define.js';
import { useBuild } from '../hooks/useBuild.js';
import { useContainerInspect } from '../hooks/useContainerInspect.js';
import { useContainers } from '../hooks/useContainers.js';
import { useDev } from '../hooks/useDev.js';
import { useEngineActions } from '../hooks/useEngineActions.js';
import { useEventLog } from '../hooks/useEventLog.js';
import { useImageDetails } from '../hooks/useImageDetails.js';
import { useImages } from '../hooks/useImages.js';
import { useLogs } from '../hooks/useLogs.js';
import { useNow } from '../hooks/useNow.js';
import { usePull } from '../hooks/usePull.js';
import { useStats } from '../hooks/useStats.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { TerminalControlContext } from '../hooks/terminal-control.js';
import { CommandRunnerContext } from '../hooks/command-runner.js';
import { customCommandFor, keyName } from './keymap.js';
import { runCustomCommand } from './screen-commands.js';
import { containerMatches, imageMatches, sortContainers } from './filters.js';
import { appReducer, initialAppState, logsTargetOf, type AppAction, type AppState, type ListPane } from './app-state.js';
import { detailLines, type DetailsTarget } from './DetailsPane.js';
import { imageRows } from './ImagesPane.js';
import { computeLayout } from './layout.js';
import { clampList, followSelection, visibleSlice, type ShownSelection } from './list-nav.js';
import { findMatches } from './logs-view.js';
import { runAction } from './screen-actions.js';
import { withLatestSelection, type ScreenContext, type ScreenProps } from './screen-context.js';
import { runDialogKey } from './screen-dialogs.js';
import { parseMouse } from './mouse.js';
import { runMouse } from './screen-mouse.js';
import { routeKey, splitInput, textModal } from './screen-keys.js';
import { ScreenView } from './ScreenLayout.js';
import { devOutcome } from './BuildPane.js';
import { CommandLog, recordActions, recordBuild, recordPull } from './command-log.js';
import { applyLogsFilter } from './logs-display.js';
import { usePanes } from './usePanes.js';
import { containerEntries, groupKey, type ContainerEntry } from './groups.js';
import { usePodNames } from '../hooks/usePodNames.js';
import { useGroupActions } from '../hooks/useGroupActions.js';
import type { StatusMessage } from './view-models.js';

export type { BuildTarget, ScreenProps } from './screen-context.js';

export function Screen(props: ScreenProps) {
  const app = useApp();
  const terminal = useContext(TerminalControlContext);
  // Every engine action taken here is also written to the command log as its dockui CLI line.
  const [commandLog] = useState(() => new CommandLog());
  const commandLogEntries = useSyncExternalStore(commandLog.subscribe, commandLog.getSnapshot, commandLog.getSnapshot);
  const rawActions = useEngineActions();
  const runCommand = useContext(CommandRunnerContext);
  const groups = useGroupActions();
  const [status, setStatus] = useState<StatusMessage | undefined>(undefined);
  const [suspended, setSuspended] = useState(false);
  const [stopping, setStoppingSet] = useState<ReadonlySet<string>>(() => new Set());
  const setStopping = useCallback(
    (id: string, on: boolean) =>
      setStoppingSet((cur) => {
        if (cur.has(id) === on) return cur;
        const next = new Set(cur);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );
  const reportError = useCallback((e: unknown) => setStatus({ kind: 'error', text: formatError(e) }), []);
  const { list: containers, loaded: containersLoaded } = useContainers({ onError: reportError });
  const { list: images, loaded: imagesLoaded } = useImages({ onError: reportError });
  // What other processes change (the CLI, the API socket, a monitor) shows at once.
  useEventLog(reportError);
  // The log names containers as a user types them (by name), so it reads the list.
  const actions = useMemo(
    () => recordActions(rawActions, commandLog, (id) => containers.find((c) => c.id === id)?.name ?? id),
    [rawActions, commandLog, containers],
  );
  const rawPull = usePull();
  const pull = useMemo(() => recordPull(rawPull, commandLog), [rawPull, commandLog]);
  const rawBuild = useBuild();
  const build = useMemo(() => recordBuild(rawBuild, commandLog), [rawBuild, commandLog]);
  const size = useTerminalSize();
  const layout = computeLayout(size);
  // In the dev loop the Build pane is what there is to watch first.
  const [state, dispatch] = useReducer(appReducer, props.dev ? { ...initialAppState, pane: 'build' as const } : initialAppState);
  const dev = useDev(props.dev);
  // "rebuilding…" goes stale the moment the loop records the rebuild: its outcome replaces it.
  const devLast = dev?.history[0];
  const shownStatus = status?.devAfter && devLast && devLast !== status.devAfter.last ? devOutcome(devLast, dev.image) : status;

  // ---- derived data ----
  const modal = state.modal;
  const liveFilter = (list: ListPane) =>
    modal?.kind === 'prompt' && modal.purpose === 'filter' && state.pane === list ? modal.input.value : state.filters[list];
  const cFilter = liveFilter('containers');
  const iFilter = liveFilter('images');
  const { containerSort, hideStopped } = state;
  const shownContainers = useMemo(
    () =>
      sortContainers(
        containers.filter(
          (c) => (!cFilter || containerMatches(c, cFilter)) && (!hideStopped || c.state === 'running' || c.state === 'paused'),
        ),
        containerSort,
      ),
    [containers, cFilter, containerSort, hideStopped],
  );
  const allImageRows = useMemo(() => imageRows(images), [images]);
  const shownImages = useMemo(
    () => (iFilter ? allImageRows.filter((r) => imageMatches(r, iFilter)) : allImageRows),
    [allImageRows, iFilter],
  );
  // Compose projects and pods: their containers under a header row each (groups.ts). A filter
  // searches containers: its matches are listed flat, as they are.
  const podNames = usePodNames(containers);
  const entries = useMemo(
    (): readonly ContainerEntry[] =>
      cFilter
        ? shownContainers.map((container) => ({ kind: 'container' as const, container }))
        : containerEntries(shownContainers, state.collapsed, podNames, containers),
    [shownContainers, state.collapsed, podNames, containers, cFilter],
  );
  // The cursor stays on its container (or group header) when the list re-sorts under it.
  // What the last render showed is state set during render (React's "information from
  // previous renders"): a change re-runs this render at once, before anything is drawn.
  const [shownSel, setShownSel] = useState<ShownSelection<ContainerEntry>>();
  const cList = followSelection(shownSel, state.lists.containers, entries, entryKey, layout.listRows);
  const cKey = entries[cList.selected] === undefined ? undefined : entryKey(entries[cList.selected]!);
  if (shownSel?.items !== entries || shownSel.base !== state.lists.containers || shownSel.shown !== cList || shownSel.key !== cKey)
    setShownSel({ items: entries, base: state.lists.containers, shown: cList, key: cKey });

  const iList = clampList(state.lists.images, shownImages.length, layout.listRows);
  // The clock redraws every second only while something on screen counts seconds (an age under
  // two minutes, the Build pane, a pull or build under way); ages in minutes or hours redraw
  // every 15 s. Each tick redraws the whole screen: at rest that was most of the idle CPU.
  // The containers in view, a header's members included (its CPU and memory are theirs).
  const shownRows = visibleSlice<ContainerEntry>(entries, cList, layout.listRows).flatMap((e): readonly ContainerSummary[] =>
    e.kind === 'container' ? [e.container] : e.group.members,
  );
  const shownImageRows = state.pane === 'images' ? visibleSlice(shownImages, iList, layout.listRows) : [];
  const countsSeconds =
    state.pane === 'build' || state.pane === 'details' || pull.state.phase === 'pulling' || build.state.phase === 'building';
  const now = useNow((t) => {
    const young = (iso: string | undefined) => iso !== undefined && t - Date.parse(iso) < 120_000;
    const seconds =
      countsSeconds ||
      shownRows.some((c) => young(c.startedAt) || young(c.finishedAt) || young(c.createdAt)) ||
      shownImageRows.some((r) => young(r.image.created));
    return seconds ? 1000 : 15_000;
  });
  const selectedEntry = entries[cList.selected];
  const selectedContainer = selectedEntry?.kind === 'container' ? selectedEntry.container : undefined;
  const selectedGroup = selectedEntry?.kind === 'group' ? selectedEntry.group : undefined;
  const selectedImage = shownImages[iList.selected];

  const shown = state.details;
  const detailsContainer = shown?.kind === 'container' ? containers.find((c) => c.id === shown.id) : undefined;
  const detailsImageRow = shown?.kind === 'image' ? allImageRows.find((r) => r.image.id === shown.id && r.ref === shown.ref) : undefined;
  // The side preview follows the selection of the list pane in view.
  const previewImage = state.pane === 'images' ? selectedImage : state.pane === 'details' ? detailsImageRow : undefined;
  const inspectRef = previewImage ? (previewImage.ref ?? previewImage.image.id) : undefined;
  const imageDetails = useImageDetails(inspectRef);

  const visibleRunning = [...new Set(shownRows)].filter((c) => c.state === 'running').map((c) => c.id);
  if (detailsContainer?.state === 'running' && !visibleRunning.includes(detailsContainer.id)) visibleRunning.push(detailsContainer.id);
  const panes = usePanes(state, layout, containers, selectedContainer, liveFilter, dev?.image ?? build.state.imageId);
  if (panes.statsRunning && !visibleRunning.includes(panes.statsRunning)) visibleRunning.push(panes.statsRunning);
  const stats = useStats(actions.runtimeProblem ? [] : visibleRunning);

  // The logs follow the selection while the Logs pane is in view. Hidden, the stream stays on the
  // container last shown: moving through the list must not open a log stream per key press.
  const wantedLogs = logsTargetOf(state, selectedContainer?.id);
  const [shownLogs, setShownLogs] = useState(wantedLogs);
  const followLogs = state.pane === 'logs' || state.logsPinned || shownLogs === undefined;
  if (followLogs && shownLogs !== wantedLogs) setShownLogs(wantedLogs);
  const logsTarget = followLogs ? wantedLogs : shownLogs;
  const logsContainer = containers.find((c) => c.id === logsTarget);
  const { logsDisplay, logsMerged } = state;
  const rawLogs = useLogs(logsMerged?.ids ?? logsTarget, {
    tail: logsDisplay.tail ?? 'all',
    ...(logsDisplay.since !== undefined ? { since: logsDisplay.since } : {}),
    live: state.pane === 'logs',
    restartKey: `${state.logsEpoch}:${logsMerged ? '' : (logsContainer?.startedAt ?? '')}`,
  });
  // The line filter (&) keeps, or with v drops, the matching lines; search and scrolling see the rest.
  const logs = useMemo(() => applyLogsFilter(rawLogs, logsDisplay), [rawLogs, logsDisplay]);
  const logRows = Math.max(1, layout.main.height - 1);
  const logsWindow = { dropped: logs.dropped, count: logs.lines.length, height: logRows };
  // While the search is being typed its matches already light up; Enter jumps to them.
  const logQuery = modal?.kind === 'prompt' && modal.purpose === 'search' ? modal.input.value : state.logsView.query;
  const logMatches = useMemo(
    () =>
      findMatches(
        logs.lines.map((l) => l.text),
        logs.dropped,
        logQuery,
      ),
    [logs, logQuery],
  );

  // Mounts, networks, labels, health come from the engine's inspect, read again when the container changes.
  const inspectedContainer = state.pane === 'containers' ? selectedContainer : detailsContainer;
  const inspect = useContainerInspect(
    inspectedContainer?.id,
    `${inspectedContainer?.state ?? ''}:${inspectedContainer?.restartCount ?? 0}:${inspectedContainer?.healthStatus ?? ''}`,
  );
  const imageUsers = (id: string) => containers.filter((c) => c.imageId === id);
  const detailsTarget: DetailsTarget | undefined = (() => {
    if (state.pane === 'details' || state.pane === 'logs' || state.pane === 'build') {
      if (detailsContainer) return { kind: 'container', container: detailsContainer, stats: stats.get(detailsContainer.id), inspect };
      if (detailsImageRow)
        return {
          kind: 'image',
          ref: detailsImageRow.ref,
          summary: detailsImageRow.image,
          details: imageDetails.details,
          error: imageDetails.error,
          users: imageUsers(detailsImageRow.image.id),
        };
      return panes.view.details;
    }
    if (state.pane === 'containers' && selectedContainer)
      return { kind: 'container', container: selectedContainer, stats: stats.get(selectedContainer.id), inspect };
    if (state.pane === 'images' && selectedImage)
      return {
        kind: 'image',
        ref: selectedImage.ref,
        summary: selectedImage.image,
        details: imageDetails.details,
        error: imageDetails.error,
        users: imageUsers(selectedImage.image.id),
      };
    return undefined;
  })();
  const detailsLineCount = detailLines(detailsTarget, now).length;

  // ---- keys ----
  // Keys may arrive faster than React re-renders; the handler reads the latest state and
  // context through this ref rather than a closure from an older render.
  const latest = useRef<{ state: AppState; ctx: ScreenContext | undefined }>({ state, ctx: undefined });
  // Several keys can arrive in one chunk (a paste, a fast typist over ssh): each must see the
  // state the previous one left, before React re-renders, so actions go through the reducer
  // here as well as through React's dispatch.
  const dispatchNow = (a: AppAction): void => {
    latest.current = { ...latest.current, state: appReducer(latest.current.state, a) };
    dispatch(a);
  };
  // What both the key handling and the markup use.
  const shared = { layout, shownContainers, containerEntries: entries, shownImages, logs, logMatches };
  const ctx: ScreenContext = {
    ...shared,
    props,
    actions,
    containers,
    images,
    stopping,
    setStopping,
    pull,
    build,
    terminal,
    runCommand,
    groups,
    exit: () => app.exit(),
    selectedContainer,
    selectedGroup,
    selectedImage,
    logRows,
    logsWindow,
    detailsLineCount,
    dispatch: dispatchNow,
    setStatus,
    clearStatus: () => setStatus((s) => (s?.kind === 'busy' ? s : undefined)),
    setSuspended,
    commandLog,
    panes: panes.ctx,
  };
  useLayoutEffect(() => {
    latest.current = { state, ctx };
  });
  // After the line above: a key handled before the next render sees the followed cursor too.
  useLayoutEffect(() => {
    if (cList.selected !== clampList(state.lists.containers, entries.length, layout.listRows).selected)
      dispatchNow({ type: 'listFollow', list: 'containers', state: cList });
  });

  const handleKey = (input: string, key: Key): void => {
    const { state: st, ctx: last } = latest.current;
    if (!last) return;
    const cur = withLatestSelection(last, st);
    const route = routeKey(st, input, key);
    if (route.to === 'action') runAction(cur, route.id, st);
    else if (route.to === 'dialog') runDialogKey(cur, st, route.id, input, key);
    else {
      const mine = customCommandFor(keyName(input, key), st.pane);
      if (mine) runCustomCommand(cur, mine);
    }
  };
  useInput(
    (input, key) => {
      const mouse = parseMouse(input);
      if (!mouse) return splitInput(input, key, () => textModal(latest.current.state), handleKey);
      const { state: st, ctx: last } = latest.current;
      if (last) runMouse(withLatestSelection(last, st), st, mouse);
    },
    { isActive: !suspended },
  );

  return (
    <ScreenView
      {...shared}
      props={props}
      state={state}
      suspended={suspended}
      size={size}
      now={now}
      status={shownStatus}
      runtimeProblem={actions.runtimeProblem}
      containers={containers}
      images={images}
      loading={{ containers: !containersLoaded, images: !imagesLoaded }}
      allImageRows={allImageRows}
      cList={cList}
      iList={iList}
      cFilter={cFilter}
      iFilter={iFilter}
      stats={stats}
      stopping={stopping}
      logsContainer={logsContainer}
      logQuery={logQuery}
      detailsTarget={detailsTarget}
      pull={pull.state}
      build={build.state}
      dev={dev}
      commandLog={commandLogEntries}
      panes={panes.view}
    />
  );
}

/** A row of the container list by what it shows: a container, or a group's header. */
function entryKey(e: ContainerEntry): string {
  return e.kind === 'container' ? `c:${e.container.id}` : `g:${groupKey(e.group.kind, e.group.id)}`;
}
