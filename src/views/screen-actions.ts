// The screen's action table: an action id (from the key router) becomes a state change or an
// engine call through the hooks' actions (the facade). Dialog keys go to screen-dialogs.ts.
import { formatError } from '../engine/define.js';
import { openPrompt, openRunForm, type AppState } from './app-state.js';
import { familiarName, listNames, plural, shortId } from './format.js';
import type { ActionId, PaneId } from './keymap.js';
import type { ListMove } from './list-nav.js';
import { prunePreview, pruneMessage } from './prune.js';
import { act, cannotRun, type ScreenContext } from './screen-context.js';
import { runExtraAction } from './screen-extras.js';
import { resourceListRows } from './ResourcePanes.js';
import { runPaneAction, showResourceDetails } from './screen-panes.js';
import { foldGroup, groupActionIds, runGroupAction, type GroupActionId } from './screen-groups.js';

const listMoves = {
  'list.up': 'up',
  'list.down': 'down',
  'list.pageUp': 'pageUp',
  'list.pageDown': 'pageDown',
  'list.top': 'top',
  'list.bottom': 'bottom',
} as const satisfies Partial<Record<ActionId, ListMove>>;

const paneKeys = {
  'app.pane.containers': 'containers',
  'app.pane.images': 'images',
  'app.pane.logs': 'logs',
  'app.pane.build': 'build',
  'app.pane.details': 'details',
  'app.pane.volumes': 'volumes',
  'app.pane.networks': 'networks',
  'app.pane.stats': 'stats',
  'app.pane.layers': 'layers',
} as const satisfies Partial<Record<ActionId, PaneId>>;

export function runAction(ctx: ScreenContext, id: ActionId, st: AppState): void {
  // A Compose project's or a pod's header row selected: its own verbs (screen-groups.ts).
  if (st.pane === 'containers' && ctx.selectedGroup) {
    if ((groupActionIds as readonly ActionId[]).includes(id)) return runGroupAction(ctx, id as GroupActionId, st, ctx.selectedGroup);
  }
  if (id === 'containers.fold' || id === 'containers.up') {
    const g = ctx.containerEntries.find((e) => e.kind === 'container' && e.container.id === ctx.selectedContainer?.id);
    if (id === 'containers.fold' && g?.kind === 'container' && g.group) foldGroup(ctx, st, g.group);
    else
      ctx.setStatus({
        kind: 'info',
        text: `${id === 'containers.fold' ? 'z folds' : 'u brings up'} a Compose project or a pod: select its header row`,
      });
    return;
  }
  const pane = st.pane;
  const moveBy = (move: ListMove) => {
    if (pane === 'containers' || pane === 'images')
      ctx.dispatch({
        type: 'listMove',
        list: pane,
        move,
        count: pane === 'containers' ? ctx.containerEntries.length : ctx.shownImages.length,
        height: ctx.layout.listRows,
      });
    else if (pane === 'volumes' || pane === 'networks')
      ctx.dispatch({
        type: 'listMove',
        list: pane,
        move,
        count: pane === 'volumes' ? ctx.panes.volumes.length : ctx.panes.networks.length,
        height: resourceListRows(ctx.layout),
      });
    else if (pane === 'logs') {
      const by = move === 'up' ? -1 : move === 'down' ? 1 : move === 'pageUp' ? -ctx.logRows : move === 'pageDown' ? ctx.logRows : 0;
      ctx.dispatch({
        type: 'logs',
        action: move === 'top' ? { type: 'top' } : move === 'bottom' ? { type: 'bottom' } : { type: 'scroll', by },
        window: ctx.logsWindow,
      });
    } else if (pane === 'details') {
      const h = Math.max(1, ctx.layout.main.height - 1);
      const by = move === 'up' ? -1 : move === 'down' ? 1 : move === 'pageUp' ? -h : move === 'pageDown' ? h : move;
      ctx.dispatch({ type: 'detailsScroll', by, lines: ctx.detailsLineCount, height: h });
    }
  };
  // An outcome said of the previous selection or pane is stale once the user moves on; work
  // still under way (busy) keeps its line until it reports.
  if (id.startsWith('list.') || id.startsWith('app.pane.') || id === 'app.nextPane' || id === 'app.prevPane') ctx.clearStatus();
  // Exhaustive over the keymap: an action added to the table without a handler fails lint.
  switch (id) {
    case 'list.up':
    case 'list.down':
    case 'list.pageUp':
    case 'list.pageDown':
    case 'list.top':
    case 'list.bottom':
      moveBy(listMoves[id]);
      return;
    case 'app.pane.containers':
    case 'app.pane.images':
    case 'app.pane.logs':
    case 'app.pane.build':
    case 'app.pane.details':
    case 'app.pane.volumes':
    case 'app.pane.networks':
    case 'app.pane.stats':
    case 'app.pane.layers':
      ctx.dispatch({ type: 'focus', pane: paneKeys[id] });
      return;
    case 'app.interrupt':
    case 'app.quit':
      ctx.exit();
      return;
    case 'app.help':
      ctx.dispatch({ type: 'openModal', modal: { kind: 'help', offset: 0 } });
      return;
    case 'app.nextPane':
      ctx.dispatch({ type: 'cyclePane', by: 1 });
      return;
    case 'app.prevPane':
      ctx.dispatch({ type: 'cyclePane', by: -1 });
      return;
    case 'app.pull':
      if (ctx.pull.state.phase !== 'pulling') ctx.pull.reset();
      ctx.dispatch({ type: 'openModal', modal: { kind: 'pull', input: { value: '', cursor: 0 } } });
      return;
    case 'app.build': {
      if (ctx.props.dev) {
        ctx.dispatch({ type: 'focus', pane: 'build' });
        const last = ctx.props.dev.getSnapshot()?.history[0];
        ctx.setStatus({ kind: 'busy', text: ctx.props.dev.rebuild(), devAfter: { last } });
        return;
      }
      const target = ctx.props.build;
      if ('unavailable' in target) {
        ctx.setStatus({ kind: 'error', text: target.unavailable });
        return;
      }
      ctx.dispatch({ type: 'focus', pane: 'build' });
      ctx.setStatus({ kind: 'busy', text: `building ${target.tag} from ${target.context}…` });
      void ctx.build.build({ context: target.context, tags: [target.tag] }).then((r) =>
        ctx.setStatus(
          r.phase === 'done'
            ? { kind: 'ok', text: `built ${target.tag} (${shortId(r.imageId ?? '')})` }
            : {
                kind: 'error',
                text: `build failed: ${r.error?.range ? `${r.error.range.file}:${r.error.range.line}: ` : ''}${r.error?.message ?? 'unknown error'}`,
              },
        ),
      );
      return;
    }
    case 'app.watch':
      ctx.setStatus(
        ctx.props.dev
          ? { kind: 'ok', text: ctx.props.dev.toggleWatch() }
          : { kind: 'info', text: 'nothing is being watched: start dockui in a folder with a Dockerfile' },
      );
      return;
    case 'app.prune': {
      // From the lists as they are now: the ones on screen can be a poll behind (an image a
      // rebuild just left without a name, a container that just stopped).
      void ctx.actions.currentLists().then(
        (now) => {
          const message = pruneMessage(prunePreview(now.containers, now.images));
          if (!message) ctx.setStatus({ kind: 'info', text: 'nothing to prune: no stopped containers, no dangling images' });
          else ctx.dispatch({ type: 'openModal', modal: { kind: 'confirm', title: 'Prune', message, intent: { type: 'prune' } } });
        },
        (e: unknown) => ctx.setStatus({ kind: 'error', text: `prune: ${formatError(e)}` }),
      );
      return;
    }
    case 'app.filter':
      // A new `/` starts empty, as in less and vim: Enter on it applies what is typed anew.
      if (pane === 'containers' || pane === 'images' || pane === 'volumes' || pane === 'networks')
        ctx.dispatch({ type: 'openModal', modal: openPrompt('filter', '') });
      else if (pane === 'logs') ctx.dispatch({ type: 'openModal', modal: openPrompt('search', '') });
      else ctx.setStatus({ kind: 'info', text: 'nothing to filter here: / filters Containers and Images, and searches Logs' });
      return;
    case 'list.clearFilter':
      if (pane === 'containers' || pane === 'images' || pane === 'volumes' || pane === 'networks')
        ctx.dispatch({ type: 'setFilter', list: pane, value: '' });
      else if (pane === 'logs') ctx.dispatch({ type: 'logs', action: { type: 'search', query: '', matches: [] }, window: ctx.logsWindow });
      return;
    case 'list.details':
      if (pane === 'containers' && ctx.selectedContainer)
        ctx.dispatch({ type: 'showDetails', ref: { kind: 'container', id: ctx.selectedContainer.id }, from: 'containers' });
      else if (pane === 'images' && ctx.selectedImage)
        ctx.dispatch({
          type: 'showDetails',
          ref: { kind: 'image', id: ctx.selectedImage.image.id, ref: ctx.selectedImage.ref },
          from: 'images',
        });
      else if (pane === 'volumes' || pane === 'networks') showResourceDetails(ctx, st, pane);
      return;
    case 'details.back':
      ctx.dispatch({ type: 'focus', pane: st.detailsFrom });
      return;
    case 'containers.mark':
      if (ctx.selectedContainer) ctx.dispatch({ type: 'toggleMark', id: ctx.selectedContainer.id });
      return;
    case 'containers.toggle': {
      const picked = ctx.containers.filter((x) => st.marked.has(x.id));
      if (picked.length > 0) {
        // A batch: stop the picked ones that run (each says "stopping…" on its row).
        ctx.dispatch({ type: 'clearMarks' });
        const running = picked.filter((x) => (x.state === 'running' || x.state === 'paused') && !ctx.stopping.has(x.id));
        for (const x of running) ctx.setStopping(x.id, true);
        void act(ctx, `stopping ${plural(running.length, 'container')}…`, async () => {
          const results = await Promise.allSettled(running.map((x) => ctx.actions.stop(x.id).finally(() => ctx.setStopping(x.id, false))));
          const failed = results.filter((r) => r.status === 'rejected').length;
          if (failed > 0) throw new Error(`${plural(failed, 'container')} of ${running.length} did not stop`);
          return `stopped ${plural(running.length, 'container')}`;
        });
        return;
      }
      const c = ctx.selectedContainer;
      if (!c) return;
      if (ctx.stopping.has(c.id)) ctx.setStatus({ kind: 'busy', text: `${c.name} is stopping: K kills it now` });
      else if (c.state === 'running' || c.state === 'paused') {
        // The row says "stopping…" for the grace period (K kills at once), then the outcome.
        ctx.setStopping(c.id, true);
        void act(ctx, `stopping ${c.name}… (K kills it now)`, () =>
          ctx.actions
            .stop(c.id)
            .then(() => `stopped ${c.name}`)
            .finally(() => ctx.setStopping(c.id, false)),
        );
      } else if (!cannotRun(ctx, `start ${c.name}`))
        void act(ctx, `starting ${c.name}…`, () => ctx.actions.start(c.id).then(() => `started ${c.name}`));
      return;
    }
    case 'containers.restart': {
      const c = ctx.selectedContainer;
      if (c && !cannotRun(ctx, `restart ${c.name}`))
        void act(ctx, `restarting ${c.name}…`, () => ctx.actions.restart(c.id).then(() => `restarted ${c.name}`));
      return;
    }
    case 'containers.pause': {
      const c = ctx.selectedContainer;
      if (!c || cannotRun(ctx, `pause ${c.name}`)) return;
      if (c.state === 'paused') void act(ctx, `unpausing ${c.name}…`, () => ctx.actions.unpause(c.id).then(() => `unpaused ${c.name}`));
      else if (c.state === 'running') void act(ctx, `pausing ${c.name}…`, () => ctx.actions.pause(c.id).then(() => `paused ${c.name}`));
      return;
    }
    case 'containers.sort':
      ctx.dispatch({ type: 'cycleSort' });
      return;
    case 'containers.hideStopped':
      ctx.dispatch({ type: 'toggleHideStopped' });
      return;
    case 'containers.kill': {
      const c = ctx.selectedContainer;
      if (!c) return;
      if (ctx.stopping.has(c.id)) {
        // Stopping was asked for already: no second question; the stop reports the outcome.
        void ctx.actions.kill(c.id).catch((e: unknown) => ctx.setStatus({ kind: 'error', text: formatError(e) }));
        return;
      }
      if (c.state !== 'running' && c.state !== 'paused') {
        ctx.setStatus({ kind: 'info', text: `${c.name} is not running (it is ${c.state})` });
        return;
      }
      ctx.dispatch({
        type: 'openModal',
        modal: {
          kind: 'confirm',
          title: 'Kill container',
          message: `Kill container ${c.name} (${shortId(c.id)}) with SIGKILL, without a grace period?`,
          intent: { type: 'killContainer', id: c.id, name: c.name },
        },
      });
      return;
    }
    case 'containers.delete': {
      const picked = ctx.containers.filter((x) => st.marked.has(x.id));
      if (picked.length > 0) {
        const names = picked.map((x) => x.name);
        const running = picked.filter((x) => x.state === 'running' || x.state === 'paused').length;
        ctx.dispatch({
          type: 'openModal',
          modal: {
            kind: 'confirm',
            title: 'Delete containers',
            message: `Delete ${plural(picked.length, 'container')}: ${listNames(names)}?${running ? ` ${plural(running, 'is', 'are')} running: killed first.` : ''}`,
            intent: { type: 'removeContainers', ids: picked.map((x) => x.id), names },
          },
        });
        return;
      }
      const c = ctx.selectedContainer;
      if (!c) return;
      const running = c.state === 'running' || c.state === 'paused';
      ctx.dispatch({
        type: 'openModal',
        modal: {
          kind: 'confirm',
          title: 'Delete container',
          message: `Delete container ${c.name} (${shortId(c.id)})?${running ? ' It is running: it will be killed first.' : ''}`,
          intent: { type: 'removeContainer', id: c.id, name: c.name, force: running },
        },
      });
      return;
    }
    case 'containers.logs':
      if (ctx.selectedContainer) ctx.dispatch({ type: 'showLogs', id: ctx.selectedContainer.id });
      return;
    case 'containers.exec': {
      const c = ctx.selectedContainer;
      if (!c) return;
      if (c.state !== 'running') {
        ctx.setStatus({ kind: 'error', text: `${c.name} is not running (it is ${c.state}): start it with s first` });
        return;
      }
      if (!ctx.terminal) {
        ctx.setStatus({ kind: 'error', text: 'a shell needs an interactive terminal' });
        return;
      }
      const argv = ctx.actions.execShellCommand(c.id);
      ctx.setSuspended(true);
      void ctx.terminal.runInteractive(argv).then(
        (code) => {
          ctx.setSuspended(false);
          ctx.setStatus({ kind: code === 0 ? 'ok' : 'error', text: `shell in ${c.name} ended (exit code ${code})` });
        },
        (e: unknown) => {
          ctx.setSuspended(false);
          ctx.setStatus({ kind: 'error', text: `shell in ${c.name}: ${formatError(e)}` });
        },
      );
      return;
    }
    case 'images.run':
      if (ctx.selectedImage && !cannotRun(ctx, 'run a container'))
        ctx.dispatch({ type: 'openModal', modal: openRunForm(ctx.selectedImage.ref ?? ctx.selectedImage.image.id) });
      return;
    case 'images.delete': {
      const r = ctx.selectedImage;
      if (!r) return;
      const label = r.ref ? familiarName(r.ref) : shortId(r.image.id);
      const users = ctx.containers.filter((c) => c.imageId === r.image.id).map((c) => c.name);
      const count = Math.max(users.length, r.image.inUse);
      const who = `used by ${plural(count, 'container')}${users.length ? `: ${listNames(users)}` : ''}`;
      if (count > 0 && !r.ref) {
        // Nothing to untag: only removing its containers frees it.
        ctx.setStatus({ kind: 'error', text: `cannot delete image ${label}: it is ${who}; remove them first` });
        return;
      }
      ctx.dispatch({
        type: 'openModal',
        modal: {
          kind: 'confirm',
          title: 'Delete image',
          message:
            count > 0
              ? `Delete image ${label}? It is ${who}. y untags it (like rmi -f): the image stays, unnamed, until they are removed.`
              : `Delete image ${label}?`,
          intent: { type: 'removeImage', ref: r.ref ?? r.image.id, label, force: count > 0 },
        },
      });
      return;
    }
    case 'logs.follow':
      ctx.dispatch({ type: 'logs', action: { type: 'toggleFollow' }, window: ctx.logsWindow });
      return;
    case 'logs.nextMatch':
      ctx.dispatch({ type: 'logs', action: { type: 'nextMatch', matches: ctx.logMatches }, window: ctx.logsWindow });
      return;
    case 'logs.prevMatch':
      ctx.dispatch({ type: 'logs', action: { type: 'prevMatch', matches: ctx.logMatches }, window: ctx.logsWindow });
      return;
    case 'app.command':
    case 'app.commandLog':
    case 'containers.mergedLogs':
    case 'containers.image':
    case 'containers.open':
    case 'images.containers':
    case 'logs.filter':
    case 'logs.invert':
    case 'logs.timestamps':
    case 'logs.wrap':
    case 'logs.range':
    case 'details.image':
    case 'details.containers':
      runExtraAction(ctx, id, st);
      return;
    case 'containers.stats':
    case 'images.layers':
    case 'build.layers':
    case 'volumes.delete':
    case 'networks.delete':
    case 'stats.back':
    case 'layers.up':
    case 'layers.down':
    case 'layers.pageUp':
    case 'layers.pageDown':
    case 'layers.back':
      runPaneAction(ctx, id, st);
      return;
    case 'confirm.yes':
    case 'confirm.no':
    case 'form.next':
    case 'form.prev':
    case 'form.submit':
    case 'form.cancel':
    case 'pull.submit':
    case 'pull.cancel':
    case 'output.close':
    case 'output.up':
    case 'output.down':
    case 'help.close':
    case 'help.up':
    case 'help.down':
    case 'prompt.accept':
    case 'prompt.cancel':
    case 'prompt.complete':
    case 'cmdlog.close':
    case 'cmdlog.up':
    case 'cmdlog.down':
      // Modal scopes: runModalKey handles these while their dialog is open.
      return;
  }
}
