// The layer explorer's analysis (images.layerFiles) over a real pulled image: fixture/layers has
// a layer that removes a file (a whiteout), hides a directory's lower content (an opaque dir),
// adds a file under it and overwrites another — dive's added / modified / removed, the bytes
// wasted on versions a later layer overwrote or removed, and the efficiency score.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { openEngine, type DockuiEngine } from '../../../src/engine/index.js';
import { insideRoot } from '../../../src/engine/store/layer-tree.js';
import { registry, tempRoot } from '../../helpers/env.js';

describe('images.layerFiles (the layer explorer)', { timeout: 120_000 }, () => {
  const t = tempRoot('tuib-layer-tree-');
  const ref = `${registry('plain')}/fixture/layers:latest`;
  let engine: DockuiEngine;

  before(async () => {
    engine = openEngine({ root: join(t.root, 'engine') });
    await engine.images.pull(ref);
  });
  after(async () => {
    await engine.close();
    t.cleanup();
  });

  it('lists per layer what it adds, modifies and removes, with sizes', async () => {
    const r = await engine.images.layerFiles(ref);
    assert.equal(r.layers.length, 3);
    const [base, l2, l3] = r.layers;
    assert.ok(base && l2 && l3);
    assert.ok(base.changes.length > 10, 'the base layer adds busybox');
    assert.ok(base.changes.every((c) => c.kind === 'added'));
    const byPath = (l: typeof l2) => new Map(l.changes.map((c) => [c.path, c]));
    const two = byPath(l2);
    assert.deepEqual(two.get('data/a.txt'), { path: 'data/a.txt', kind: 'added', type: 'file', size: 15 });
    assert.deepEqual(two.get('data/dir/c.txt'), { path: 'data/dir/c.txt', kind: 'added', type: 'file', size: 15 });
    assert.equal(two.get('data')?.kind, 'added');
    const three = byPath(l3);
    // The whiteout: a.txt removed (its 15 bytes); the opaque dir: c.txt below it hidden.
    assert.deepEqual(three.get('data/a.txt'), { path: 'data/a.txt', kind: 'removed', type: 'file', size: 15 });
    assert.deepEqual(three.get('data/dir/'), { path: 'data/dir/', kind: 'removed', type: 'dir', size: 15 });
    assert.deepEqual(three.get('data/dir/d.txt'), { path: 'data/dir/d.txt', kind: 'added', type: 'file', size: 15 });
    assert.deepEqual(three.get('etc/motd'), { path: 'etc/motd', kind: 'modified', type: 'file', size: 18 });
    // A dir that was there already is no change of its own.
    assert.equal(three.has('data'), false);
    assert.equal(l3.size, 15 + 18);
  });

  it('counts the wasted bytes and the efficiency score', async () => {
    const r = await engine.images.layerFiles(ref);
    // a.txt (removed), c.txt (hidden by the opaque dir), layer 2's motd (overwritten).
    assert.equal(r.wastedBytes, 15 + 15 + 18);
    assert.deepEqual(
      r.wasted.map((w) => w.path),
      ['etc/motd', 'data/a.txt'],
    );
    assert.equal(r.wasted[0]?.copies, 2);
    assert.ok(r.efficiency > 0.9 && r.efficiency < 1, String(r.efficiency));
    assert.equal(
      r.totalBytes,
      r.layers.reduce((n, l) => n + l.size, 0),
    );
  });

  it('keeps paths inside the root, and an unknown image is not_found', async () => {
    assert.equal(insideRoot('../etc/passwd'), undefined);
    assert.equal(insideRoot('a/../../b'), undefined);
    assert.equal(insideRoot('/abs/./x'), 'abs/x');
    await assert.rejects(engine.images.layerFiles('nosuch/image:1'), (e: unknown) => isEngineError(e) && e.code === 'not_found');
  });
});
