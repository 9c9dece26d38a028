import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerMatches, imageMatches } from '../../src/views/filters.js';
import { fakeContainer, fakeImage } from './support/fake-engine.js';

describe('list filters', () => {
  const c195 = fakeContainer({ id: 'a9c15e' + '0'.repeat(58), name: 'tui-c195' });
  const c15 = fakeContainer({ id: 'b'.repeat(64), name: 'tui-c15' });

  it('match a container ID by its prefix only', () => {
    assert.equal(containerMatches(c195, 'c15'), false, 'not through the hex digits inside its ID');
    assert.equal(containerMatches(c15, 'c15'), true, 'by name');
    assert.equal(containerMatches(c195, 'a9c1'), true, 'by ID prefix');
    assert.equal(containerMatches(c195, 'A9C1'), true, 'case-insensitive');
    assert.equal(containerMatches(c195, 'busybox'), true, 'by image');
    assert.equal(containerMatches(c195, 'runn'), true, 'by state');
  });

  it('match an image ID by its prefix, with or without sha256:', () => {
    const row = { ref: 'docker.io/library/busybox:latest', image: fakeImage({ id: 'sha256:' + 'ac15'.padEnd(64, '0') }) };
    assert.equal(imageMatches(row, 'c15'), false);
    assert.equal(imageMatches(row, 'ac15'), true);
    assert.equal(imageMatches(row, 'sha256:ac1'), true);
    assert.equal(imageMatches(row, 'box:lat'), true);
  });
});
