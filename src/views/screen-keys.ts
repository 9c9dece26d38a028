// The key router of the screen: a key (or a chunk of pasted text) becomes an action id through
// the keymap, in the scopes active for the pane and the open dialog (the dialog's first).
import type { Key } from 'ink';
import type { AppState } from './app-state.js';
import { activeScopes, keyName, resolveKey, type ActionId } from './keymap.js';

/** Where a key goes: the interrupt always to the action table, else the open dialog first. */
export type KeyRoute =
  | { readonly to: 'action'; readonly id: ActionId }
  | { readonly to: 'dialog'; readonly id: ActionId | undefined }
  | { readonly to: 'none' };

export function routeKey(st: AppState, input: string, key: Key): KeyRoute {
  const id = resolveKey(keyName(input, key), activeScopes(st.pane, st.modal?.kind));
  if (id === 'app.interrupt') return { to: 'action', id };
  if (st.modal) return { to: 'dialog', id };
  return id ? { to: 'action', id } : { to: 'none' };
}

export const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** Is a text field taking the keys (where letters are text, not commands)? */
export function textModal(st: AppState): boolean {
  const k = st.modal?.kind;
  return k === 'form' || k === 'prompt' || k === 'pull';
}

/**
 * Ink hands a chunk of input read at once over as one string: a paste, or keys coalesced by a
 * slow link (two Backspaces, Ctrl-U and what follows). Each control character in it is its own
 * key press (DEL/BS Backspace, CR/LF Enter, Tab, Ctrl-letter); text between them is typed as is
 * in a text field, and is one key per character anywhere else. `inText` is asked per part,
 * since an earlier part may have opened or closed a text field.
 */
export function splitInput(input: string, key: Key, inText: () => boolean, handle: (input: string, key: Key) => void): void {
  if (input.length <= 1 || key.ctrl || key.meta) return handle(input, key);
  // eslint-disable-next-line no-control-regex -- control characters are what this splits on
  for (const part of input.split(/(\r\n|[\x00-\x1f\x7f])/)) {
    if (part === '') continue;
    const code = part.length === 1 ? part.charCodeAt(0) : -1;
    if (part === '\t') handle('', { ...noKey, tab: true });
    else if (part === '\r' || part === '\n' || part === '\r\n') handle('', { ...noKey, return: true });
    else if (code === 0x7f || code === 0x08) handle('', { ...noKey, backspace: true });
    else if (code === 0x1b) handle('', { ...noKey, escape: true, meta: true });
    else if (code >= 1 && code <= 26) handle(String.fromCharCode(code + 96), { ...noKey, ctrl: true });
    else if (code >= 0 && code < 0x20) continue;
    else if (inText()) handle(part, noKey);
    else for (const ch of part) handle(ch, { ...noKey, shift: /[A-Z]/.test(ch) });
  }
}
