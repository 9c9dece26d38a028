// The screen's dialogs: the keys of an open help, confirm, run form, pull or prompt dialog, and
// what accepting it does (a confirmed delete, a run, a pull, a filter or a log search).
import type { Key } from 'ink';
import { formatError } from '../engine/define.js';
import type { AppState } from './app-state.js';
import { helpLines } from './Dialogs.js';
import { familiarName, formatBytes, plural, shortId } from './format.js';
import type { ActionId } from './keymap.js';
import { findMatches } from './logs-view.js';
import { parseRunForm } from './run-form.js';
import { groupOp } from './screen-groups.js';
import { act, type ScreenContext } from './screen-context.js';
import { acceptExtraPrompt, completeInPrompt, runCommandLogKey } from './screen-extras.js';
import { textInputKey } from './text-input.js';

export function runDialogKey(ctx: ScreenContext, st: AppState, id: ActionId | undefined, input: string, key: Key): void {
  const m = st.modal;
  if (!m) return;
  switch (m.kind) {
    case 'help':
      if (id === 'help.close') ctx.dispatch({ type: 'closeModal' });
      else if (id === 'help.up' || id === 'help.down') {
        const page = key.pageUp || key.pageDown ? Math.max(1, ctx.layout.main.height - 4) : 1;
        const max = Math.max(0, helpLines().length - Math.max(1, ctx.layout.main.height - 2));
        ctx.dispatch({ type: 'helpScroll', by: id === 'help.up' ? -page : Math.min(page, max - m.offset) });
      }
      return;
    case 'output':
      if (id === 'output.close') ctx.dispatch({ type: 'closeModal' });
      else if (id === 'output.up' || id === 'output.down') {
        const page = key.pageUp || key.pageDown ? Math.max(1, ctx.layout.main.height - 4) : 1;
        const max = Math.max(0, m.text.split('\n').length - Math.max(1, ctx.layout.main.height - 4));
        ctx.dispatch({ type: 'helpScroll', by: id === 'output.up' ? -page : Math.min(page, max - m.offset) });
      }
      return;
    case 'confirm':
      if (id === 'confirm.no') {
        ctx.dispatch({ type: 'closeModal' });
        ctx.setStatus({ kind: 'info', text: 'canceled' });
      } else if (id === 'confirm.yes') {
        ctx.dispatch({ type: 'closeModal' });
        const it = m.intent;
        if (it.type === 'removeContainer')
          void act(ctx, `deleting ${it.name}…`, () => ctx.actions.removeContainer(it.id, it.force).then(() => `deleted ${it.name}`));
        else if (it.type === 'removeContainers') {
          ctx.dispatch({ type: 'clearMarks' });
          void act(ctx, `deleting ${plural(it.ids.length, 'container')}…`, async () => {
            for (const id of it.ids) await ctx.actions.removeContainer(id, true);
            return `deleted ${plural(it.ids.length, 'container')} (${it.names.join(', ')})`;
          });
        } else if (it.type === 'prune')
          void act(ctx, 'pruning…', async () => {
            const r = await ctx.actions.prune();
            return `pruned ${plural(r.containers, 'container')} and ${plural(r.images, 'dangling image')}: ${formatBytes(r.bytesFreed)} freed`;
          });
        else if (it.type === 'groupDown') groupOp(ctx, it, 'down');
        else if (it.type === 'killContainer')
          void act(ctx, `killing ${it.name}…`, () => ctx.actions.kill(it.id).then(() => `killed ${it.name}`));
        else if (it.type === 'removeVolume')
          void act(ctx, `removing volume ${it.name}…`, () => ctx.actions.removeVolume(it.name).then(() => `removed volume ${it.name}`));
        else if (it.type === 'removeNetwork')
          void act(ctx, `removing network ${it.name}…`, () => ctx.actions.removeNetwork(it.name).then(() => `removed network ${it.name}`));
        else if (it.force)
          void act(ctx, `untagging ${it.label}…`, () =>
            ctx.actions.removeImage(it.ref, true).then(() => `untagged ${it.label}: the image stays until its containers are removed`),
          );
        else void act(ctx, `deleting ${it.label}…`, () => ctx.actions.removeImage(it.ref, false).then(() => `deleted ${it.label}`));
      }
      return;
    case 'form':
      if (id === 'form.cancel') ctx.dispatch({ type: 'closeModal' });
      else if (id === 'form.next') ctx.dispatch({ type: 'form', action: { type: 'next' } });
      else if (id === 'form.prev') ctx.dispatch({ type: 'form', action: { type: 'prev' } });
      else if (m.form.submitting) return;
      else if (id === 'form.submit') {
        const r = parseRunForm(m.form);
        if (!r.ok) {
          ctx.dispatch({ type: 'form', action: { type: 'invalid', field: r.field, message: r.message } });
          return;
        }
        // The form stays open until the engine answers: a refusal is shown in it, with what was typed.
        ctx.dispatch({ type: 'form', action: { type: 'submitting' } });
        ctx.setStatus({ kind: 'busy', text: `starting a container from ${familiarName(r.options.image)}…` });
        ctx.actions.run(r.options).then(
          (c) => {
            ctx.dispatch({ type: 'closeModal', kind: 'form' });
            if (c.state === 'exited') {
              // It ended at once: say how, and show what it wrote.
              ctx.dispatch({ type: 'showLogs', id: c.id, pin: true });
              const why = c.exitReason ? ` (${c.exitReason})` : '';
              ctx.setStatus({
                kind: 'error',
                text: `${c.name} exited with code ${c.exitCode ?? '?'}${why} right after starting: its logs are in the Logs pane`,
              });
              return;
            }
            ctx.dispatch({ type: 'focus', pane: 'containers' });
            ctx.setStatus({ kind: 'ok', text: `started ${c.name} (${shortId(c.id)}) from ${familiarName(c.image)}` });
          },
          (e: unknown) => {
            ctx.dispatch({ type: 'form', action: { type: 'failed', message: formatError(e) } });
            ctx.setStatus({ kind: 'error', text: formatError(e) });
          },
        );
      } else {
        const edit = textInputKey(input, key);
        if (edit) ctx.dispatch({ type: 'form', action: { type: 'edit', action: edit } });
      }
      return;
    case 'pull': {
      const phase = ctx.pull.state.phase;
      if (id === 'pull.cancel') {
        if (phase === 'pulling') ctx.pull.cancel();
        else {
          ctx.dispatch({ type: 'closeModal' });
          ctx.pull.reset();
        }
      } else if (id === 'pull.submit') {
        if (phase === 'done') {
          ctx.dispatch({ type: 'closeModal' });
          ctx.pull.reset();
        } else if (phase !== 'pulling') {
          const ref = m.input.value.trim();
          if (ref === '') return;
          void ctx.pull.start(ref).then((r) => {
            if (r.phase === 'done')
              ctx.setStatus({ kind: 'ok', text: `pulled ${familiarName(r.image.names[0] ?? r.ref)} (${shortId(r.image.id)})` });
            else if (r.phase === 'failed') ctx.setStatus({ kind: 'error', text: `pull ${r.ref}: ${r.error}` });
          });
        }
      } else if (phase === 'idle' || phase === 'failed') {
        const edit = textInputKey(input, key);
        if (edit) ctx.dispatch({ type: 'editInput', action: edit });
      }
      return;
    }
    case 'cmdlog':
      runCommandLogKey(ctx, st, id, key);
      return;
    case 'prompt':
      if (id === 'prompt.complete') completeInPrompt(ctx, st);
      else if (id === 'prompt.accept' || id === 'prompt.cancel') {
        const value = id === 'prompt.accept' ? m.input.value : '';
        ctx.dispatch({ type: 'closeModal' });
        if (m.purpose === 'logfilter' || m.purpose === 'logrange' || m.purpose === 'command') {
          // Esc clears the line filter (as it does a list's); it leaves tail/since as they were.
          if (id === 'prompt.accept' || m.purpose === 'logfilter') acceptExtraPrompt(ctx, st, m.purpose, value);
        } else if (m.purpose === 'search') {
          const matches = findMatches(
            ctx.logs.lines.map((l) => l.text),
            ctx.logs.dropped,
            value,
          );
          ctx.dispatch({ type: 'logs', action: { type: 'search', query: value, matches }, window: ctx.logsWindow });
          if (value && matches.length === 0) ctx.setStatus({ kind: 'info', text: `no line matches "${value}"` });
        } else if (st.pane === 'containers' || st.pane === 'images' || st.pane === 'volumes' || st.pane === 'networks')
          ctx.dispatch({ type: 'setFilter', list: st.pane, value });
      } else {
        const edit = textInputKey(input, key);
        if (edit) ctx.dispatch({ type: 'editInput', action: edit });
      }
      return;
  }
}
