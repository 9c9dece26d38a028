// A one-line text editor: pure reducer, key handler, and (in TextInput.tsx) markup, in the
// style of ink-ui's widgets. Used by the pull prompt, the run form and the filter/search line.
import type { Key } from 'ink';

export interface TextInputState {
  readonly value: string;
  /** Cursor position, 0..value.length. */
  readonly cursor: number;
}

export type TextInputAction =
  | { readonly type: 'insert'; readonly text: string }
  | { readonly type: 'backspace' }
  | { readonly type: 'deleteForward' }
  | { readonly type: 'left' }
  | { readonly type: 'right' }
  | { readonly type: 'home' }
  | { readonly type: 'end' }
  | { readonly type: 'clear' }
  | { readonly type: 'deleteWord' };

export function textInput(value = ''): TextInputState {
  return { value, cursor: value.length };
}

export function textInputReducer(s: TextInputState, a: TextInputAction): TextInputState {
  switch (a.type) {
    case 'insert': {
      // Pasted text may carry newlines or control characters; a one-line field keeps neither.
      const text = a.text.replace(/[\r\n\t]+/g, ' ').replace(/\p{Cc}/gu, '');
      if (text === '') return s;
      return { value: s.value.slice(0, s.cursor) + text + s.value.slice(s.cursor), cursor: s.cursor + text.length };
    }
    case 'backspace':
      if (s.cursor === 0) return s;
      return { value: s.value.slice(0, s.cursor - 1) + s.value.slice(s.cursor), cursor: s.cursor - 1 };
    case 'deleteForward':
      if (s.cursor >= s.value.length) return s;
      return { value: s.value.slice(0, s.cursor) + s.value.slice(s.cursor + 1), cursor: s.cursor };
    case 'left':
      return s.cursor === 0 ? s : { ...s, cursor: s.cursor - 1 };
    case 'right':
      return s.cursor >= s.value.length ? s : { ...s, cursor: s.cursor + 1 };
    case 'home':
      return { ...s, cursor: 0 };
    case 'end':
      return { ...s, cursor: s.value.length };
    case 'clear':
      return textInput('');
    case 'deleteWord': {
      const before = s.value.slice(0, s.cursor).replace(/\S+\s*$/, '');
      return { value: before + s.value.slice(s.cursor), cursor: before.length };
    }
  }
}

/** Maps a key press to an edit; undefined for keys the field does not use (Enter, Esc, Tab...). */
export function textInputKey(input: string, key: Key): TextInputAction | undefined {
  if (key.backspace || key.delete) return { type: 'backspace' };
  if (key.leftArrow) return { type: 'left' };
  if (key.rightArrow) return { type: 'right' };
  if (key.home) return { type: 'home' };
  if (key.end) return { type: 'end' };
  if (key.ctrl) {
    switch (input) {
      case 'a':
        return { type: 'home' };
      case 'e':
        return { type: 'end' };
      case 'u':
        return { type: 'clear' };
      case 'w':
        return { type: 'deleteWord' };
      case 'd':
        return { type: 'deleteForward' };
      default:
        return undefined;
    }
  }
  if (key.return || key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return undefined;
  if (input === '' || key.meta) return undefined;
  return { type: 'insert', text: input };
}
