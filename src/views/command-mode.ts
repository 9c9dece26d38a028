// `:` command mode (k9s): `:images`, `:co`, `:logs`… jump to any view. The views are the
// keymap's pane table (paneIds), so a pane added there is a command here at once; a unique
// prefix is enough, Tab completes, and Enter on an ambiguous prefix takes the first in the table.
import { paneIds, type PaneId } from './keymap.js';

export type Command =
  | { readonly kind: 'pane'; readonly pane: PaneId }
  | { readonly kind: 'help' }
  | { readonly kind: 'cmdlog' }
  | { readonly kind: 'quit' };

interface CommandEntry {
  readonly name: string;
  readonly command: Command;
  readonly about: string;
}

/** Every command: the views first (their table's order), then the rest. */
export function commandTable(): readonly CommandEntry[] {
  return [
    ...paneIds.map((pane): CommandEntry => ({ name: pane, command: { kind: 'pane', pane }, about: `the ${pane} view` })),
    { name: 'cmdlog', command: { kind: 'cmdlog' }, about: 'the command log' },
    { name: 'help', command: { kind: 'help' }, about: 'all keys' },
    { name: 'quit', command: { kind: 'quit' }, about: 'quit' },
  ];
}

/** The command names `text` may be the start of (all of them for ""). */
export function commandCandidates(text: string): readonly string[] {
  const q = text.trim().replace(/^:/, '').toLowerCase();
  return commandTable()
    .map((e) => e.name)
    .filter((n) => n.startsWith(q));
}

/** Tab: the whole name when one command fits, else the longest prefix they share. */
export function completeCommand(text: string): string {
  const c = commandCandidates(text);
  const first = c[0];
  if (first === undefined) return text;
  let common = first;
  for (const n of c) while (!n.startsWith(common)) common = common.slice(0, -1);
  return common.length > text.trim().length ? common : text;
}

/** Enter: the command, or a one-line reason. `q` alone quits, as in vim and k9s. */
export function parseCommand(text: string): Command | { readonly error: string } {
  const q = text.trim().replace(/^:/, '').toLowerCase();
  if (q === '') return { error: 'type a view: ' + commandCandidates('').join(', ') };
  if (q === 'q' || q === 'q!') return { kind: 'quit' };
  const table = commandTable();
  const exact = table.find((e) => e.name === q);
  if (exact) return exact.command;
  const hit = table.find((e) => e.name.startsWith(q));
  if (hit) return hit.command;
  return { error: `no view "${q}": ${table.map((e) => e.name).join(', ')}` };
}
