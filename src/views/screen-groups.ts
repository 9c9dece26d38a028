// The keys on a Compose project's or a pod's header row in the container list (groups.ts):
// Enter or z folds it, s stops it (or brings it up when nothing runs), r restarts it, u brings it
// up (a pod: starts it), d takes it down after y/N (a pod: removes it, members and infra), l / L
// merge its containers' logs. Each is recorded in the command log as its dockui line.
import type { AppState } from './app-state.js';
import { cli } from './command-log.js';
import { groupKey, groupRunning, type ContainerGroup } from './groups.js';
import type { ActionId } from './keymap.js';
import { act, cannotRun, type ScreenContext } from './screen-context.js';

/** Actions a header row takes; the others say to select a container. */
export const groupActionIds = [
  'list.details',
  'containers.fold',
  'containers.toggle',
  'containers.restart',
  'containers.up',
  'containers.delete',
  'containers.logs',
  'containers.mergedLogs',
] as const satisfies readonly ActionId[];
export type GroupActionId = (typeof groupActionIds)[number];

type GroupRef = Pick<ContainerGroup, 'kind' | 'id' | 'name'>;

const label = (g: GroupRef) => `${g.kind === 'project' ? 'project' : 'pod'} ${g.name}`;

/** Folds `g` (z on a member folds its group), keeping the selection on its header. */
export function foldGroup(ctx: ScreenContext, st: AppState, g: ContainerGroup): void {
  const at = ctx.containerEntries.findIndex((e) => e.kind === 'group' && e.group.kind === g.kind && e.group.id === g.id);
  ctx.dispatch({
    type: 'toggleGroup',
    key: groupKey(g.kind, g.id),
    ...(at >= 0 && at !== st.lists.containers.selected ? { select: at } : {}),
  });
}

type Op = 'up' | 'stop' | 'restart' | 'down';

/** Runs a project's or pod's verb through the engine, with its CLI line in the command log. */
export function groupOp(ctx: ScreenContext, g: GroupRef, op: Op): void {
  if (op !== 'stop' && op !== 'down' && cannotRun(ctx, `${op === 'up' ? 'start' : op} ${label(g)}`)) return;
  const words: Record<Op, [string, string]> = {
    up: ['up -d', 'bringing up'],
    stop: ['stop', 'stopping'],
    restart: ['restart', 'restarting'],
    down: ['down', 'taking down'],
  };
  const podVerb = { up: 'start', stop: 'stop', restart: 'restart', down: 'remove' } as const;
  const [verb, doing] = words[op];
  void act(ctx, `${doing} ${label(g)}…`, async () => {
    if (g.kind === 'project') {
      const files = await ctx.groups.projectFiles(g.id).catch(() => [] as string[]);
      const p = ctx.groups.project(g.id, op);
      ctx.commandLog.record(cli('compose', '-p', g.id, ...files.flatMap((f) => ['-f', f]), ...verb.split(' ')), p);
      await p;
    } else {
      const p = ctx.groups.pod(g.id, podVerb[op]);
      ctx.commandLog.record(op === 'down' ? cli('pod', 'rm', '-f', g.name) : cli('pod', podVerb[op], g.name), p);
      await p;
    }
    return `${label(g)}: ${op === 'down' ? (g.kind === 'pod' ? 'removed' : 'down') : op === 'up' ? 'up' : op === 'stop' ? 'stopped' : 'restarted'}`;
  });
}

export function runGroupAction(ctx: ScreenContext, id: GroupActionId, st: AppState, g: ContainerGroup): void {
  switch (id) {
    case 'list.details':
    case 'containers.fold':
      foldGroup(ctx, st, g);
      return;
    case 'containers.toggle':
      groupOp(ctx, g, groupRunning(g) > 0 ? 'stop' : 'up');
      return;
    case 'containers.restart':
      groupOp(ctx, g, 'restart');
      return;
    case 'containers.up':
      groupOp(ctx, g, 'up');
      return;
    case 'containers.delete':
      ctx.dispatch({
        type: 'openModal',
        modal: {
          kind: 'confirm',
          title: g.kind === 'project' ? 'Compose down' : 'Remove pod',
          message:
            g.kind === 'project'
              ? `Take project ${g.name} down: stop and remove its ${g.members.length} containers and its networks?`
              : `Remove pod ${g.name}: its ${g.members.length} containers and its infra container, running or not?`,
          intent: { type: 'groupDown', kind: g.kind, id: g.id, name: g.name },
        },
      });
      return;
    case 'containers.logs':
    case 'containers.mergedLogs':
      if (g.members.length === 0) ctx.setStatus({ kind: 'info', text: `${label(g)} has no containers to show logs of` });
      else ctx.dispatch({ type: 'showMergedLogs', ids: g.members.map((m) => m.id), label: label(g) });
      return;
  }
}
