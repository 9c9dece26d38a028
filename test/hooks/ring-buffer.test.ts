import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RingBuffer } from '../../src/hooks/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest entries and counts the dropped ones', () => {
    const r = new RingBuffer<number>(3);
    for (let i = 0; i < 5; i++) r.push(i);
    assert.deepEqual(r.toArray(), [2, 3, 4]);
    assert.equal(r.size, 3);
    assert.equal(r.dropped, 2);
    r.clear();
    assert.deepEqual(r.toArray(), []);
    assert.equal(r.dropped, 0);
    r.push(9);
    assert.deepEqual(r.toArray(), [9]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new RingBuffer(0), RangeError);
    assert.throws(() => new RingBuffer(1.5), RangeError);
  });
});
