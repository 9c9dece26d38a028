// Damaged archives: random byte mutations of a valid layer (seeded, reproducible) must each
// unpack or fail with an EngineError — never a crash of another kind, never a leftover.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { openStore } from '../../../src/engine/store/index.js';
import { tempRoot } from '../../helpers/env.js';
import { tar } from './tar-writer.js';

function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('mutated layer archives', () => {
  const t = tempRoot('dockui-mutate-');
  after(() => t.cleanup());

  it('300 mutations: each unpacks or fails with an EngineError, leaving no temp files', async () => {
    const store = await openStore(t.root);
    const base = tar([
      { path: 'd/', type: 'dir' },
      { path: 'd/f', data: 'hello world'.repeat(50) },
      { path: 'd/l', type: 'symlink', linkname: 'f' },
      { path: 'd/h', type: 'hardlink', linkname: 'd/f' },
      { path: 'p', data: 'x', pax: { 'SCHILY.xattr.user.a': 'b', path: 'p-long-name' } },
      { path: 'd/.wh.gone', data: '' },
      { path: `g/${'n'.repeat(120)}`, data: 'gnu', gnuLongName: true },
    ]);
    const rnd = prng(20261128);
    let ok = 0;
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const m = Buffer.from(base);
      const n = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) {
        // Mostly header bytes, where the parser decides things.
        const block = Math.floor(rnd() * (m.length / 512));
        const at = rnd() < 0.8 ? block * 512 + Math.floor(rnd() * 512) : Math.floor(rnd() * m.length);
        m[at] = Math.floor(rnd() * 256);
      }
      const data = rnd() < 0.1 ? m.subarray(0, Math.floor(rnd() * m.length)) : m;
      try {
        await store.unpackLayer({ source: Readable.from([data]), mediaType: 'application/vnd.oci.image.layer.v1.tar' });
        ok++;
      } catch (e) {
        assert.ok(isEngineError(e), `mutation ${i}: ${(e as Error).stack}`);
        refused++;
      }
      assert.deepEqual(readdirSync(join(t.root, 'tmp')), [], `mutation ${i} left temp files`);
    }
    assert.ok(refused > 0 && ok + refused === 300);
    assert.deepEqual((await store.check()).problems, []);
  });
});
