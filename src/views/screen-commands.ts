// A custom command of tui.yaml (feature row 44) on the selection: its line with the container's
// (or image's) id, name and image substituted, run through the command runner (hooks/), its
// output live in a dialog, then its exit code.
import { familiarName } from './format.js';
import type { CustomCommand } from './keymap.js';
import type { ScreenContext } from './screen-context.js';
import { commandLine } from './tui-config.js';

export function runCustomCommand(ctx: ScreenContext, cmd: CustomCommand): void {
  const vars =
    cmd.scope === 'containers'
      ? ctx.selectedContainer && { id: ctx.selectedContainer.id, name: ctx.selectedContainer.name, image: ctx.selectedContainer.image }
      : ctx.selectedImage && {
          id: ctx.selectedImage.image.id,
          name: ctx.selectedImage.ref ?? ctx.selectedImage.image.id,
          image: ctx.selectedImage.ref ? familiarName(ctx.selectedImage.ref) : ctx.selectedImage.image.id,
        };
  if (!vars) {
    ctx.setStatus({ kind: 'info', text: `${cmd.title}: nothing selected` });
    return;
  }
  const line = commandLine(cmd.run, vars);
  const title = `${cmd.title} · ${vars.name}`;
  ctx.dispatch({ type: 'openModal', modal: { kind: 'output', title, text: `$ ${line}\n`, offset: 0 } });
  void ctx
    .runCommand(line, (text) => ctx.dispatch({ type: 'output', title, text: `$ ${line}\n${text}` }))
    .then((r) => ctx.dispatch({ type: 'output', title, text: `$ ${line}\n${r.output}`, exitCode: r.exitCode }));
}
