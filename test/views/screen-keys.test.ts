import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Key } from 'ink';
import { noKey, splitInput } from '../../src/views/screen-keys.js';
import { textInput, textInputKey, textInputReducer } from '../../src/views/text-input.js';

/** What a text field holds after a chunk Ink handed over as one input. */
function typeChunk(value: string, chunk: string): string {
  let s = textInput(value);
  splitInput(
    chunk,
    noKey,
    () => true,
    (input: string, key: Key) => {
      const edit = textInputKey(input, key);
      if (edit) s = textInputReducer(s, edit);
    },
  );
  return s.value;
}

describe('splitInput: keys coalesced in one read', () => {
  it('two Backspaces in one chunk delete two characters', () => {
    assert.equal(typeChunk('busybox', '\x7f\x7f'), 'busyb');
    assert.equal(typeChunk('busybox', '\b\b\b'), 'busy');
  });

  it('Ctrl-U with text after it clears, then types the text', () => {
    assert.equal(typeChunk('busybox', '\x15alpine'), 'alpine');
    assert.equal(typeChunk('nginx', 'x\x7f:1\x17alpine'), 'alpine');
  });

  it('keeps text, Enter and Tab of a paste apart', () => {
    const got: string[] = [];
    splitInput(
      'ab\tc\r\n',
      noKey,
      () => true,
      (input, key) => got.push(key.tab ? 'TAB' : key.return ? 'ENTER' : input),
    );
    assert.deepEqual(got, ['ab', 'TAB', 'c', 'ENTER']);
  });
});
