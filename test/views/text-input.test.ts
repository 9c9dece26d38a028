import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Key } from 'ink';
import { textInput, textInputKey, textInputReducer, type TextInputAction } from '../../src/views/text-input.js';
import { noKey } from '../../src/views/screen-keys.js';

const k = (over: Partial<Key>): Key => ({ ...noKey, ...over });

const apply = (value: string, ...as: TextInputAction[]) => as.reduce(textInputReducer, textInput(value));

describe('text input', () => {
  it('edits at the cursor', () => {
    assert.deepEqual(apply('busybox', { type: 'left' }, { type: 'left' }, { type: 'insert', text: 'XY' }), {
      value: 'busybXYox',
      cursor: 7,
    });
    assert.deepEqual(apply('abc', { type: 'home' }, { type: 'deleteForward' }), { value: 'bc', cursor: 0 });
    assert.deepEqual(apply('abc', { type: 'backspace' }), { value: 'ab', cursor: 2 });
    assert.deepEqual(apply('', { type: 'backspace' }), { value: '', cursor: 0 });
    assert.deepEqual(apply('sh -c echo', { type: 'deleteWord' }), { value: 'sh -c ', cursor: 6 });
    assert.deepEqual(apply('abc', { type: 'clear' }), { value: '', cursor: 0 });
  });

  it('keeps a pasted value on one line', () => {
    assert.deepEqual(apply('', { type: 'insert', text: 'a\nb\x07c' }), { value: 'a bc', cursor: 4 });
  });

  it('maps keys to edits and leaves Enter, Esc and Tab to the dialog', () => {
    assert.deepEqual(textInputKey('x', k({})), { type: 'insert', text: 'x' });
    assert.deepEqual(textInputKey('', k({ delete: true })), { type: 'backspace' });
    assert.deepEqual(textInputKey('u', k({ ctrl: true })), { type: 'clear' });
    assert.deepEqual(textInputKey('', k({ leftArrow: true })), { type: 'left' });
    assert.equal(textInputKey('', k({ return: true })), undefined);
    assert.equal(textInputKey('', k({ escape: true, meta: true })), undefined);
    assert.equal(textInputKey('', k({ tab: true })), undefined);
  });
});
