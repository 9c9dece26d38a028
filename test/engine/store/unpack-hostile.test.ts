// Hostile layers, written by the test's own tar writer: each must be refused, the unpack must
// leave nothing in the store, and nothing may appear outside the layer.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { openStore, type Store } from '../../../src/engine/store/index.js';
import { tempRoot } from '../../helpers/env.js';
import { tgz, type WEntry } from './tar-writer.js';

const gz = 'application/vnd.oci.image.layer.v1.tar+gzip';

describe('hostile layers are refused with nothing written outside', () => {
  const t = tempRoot('dockui-hostile-');
  // ROOT is t.root/a/b/store so that any number of ../ from the unpack dir lands in t.root/...
  const storeRoot = join(t.root, 'a', 'b', 'store');
  const outside = join(t.root, 'outside');
  let store: Store;
  before(async () => {
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'victim'), 'precious');
    store = await openStore(storeRoot);
  });
  after(() => t.cleanup());

  const up = (n: number) => '../'.repeat(n);
  const cases: [string, WEntry[]][] = [
    ['a path with ..', [{ path: `${up(6)}outside/evil`, data: 'x' }]],
    [
      '.. in the middle',
      [
        { path: 'a/', type: 'dir' },
        { path: `a/${up(7)}outside/evil`, data: 'x' },
      ],
    ],
    ['an absolute path', [{ path: `${outside}/evil`, data: 'x' }]],
    ['a pax path that climbs out', [{ path: 'benign', data: 'x', pax: { path: `${up(6)}outside/evil` } }]],
    ['a GNU long name that climbs out', [{ path: `${up(6)}outside/${'l'.repeat(120)}`, data: 'x', gnuLongName: true }]],
    [
      'a file through an absolute symlink',
      [
        { path: 'link', type: 'symlink', linkname: outside },
        { path: 'link/evil', data: 'x' },
      ],
    ],
    [
      'a file through a relative symlink',
      [
        { path: 'link', type: 'symlink', linkname: up(6) + 'outside' },
        { path: 'link/evil', data: 'x' },
      ],
    ],
    [
      'a dir through a symlink',
      [
        { path: 'link', type: 'symlink', linkname: outside },
        { path: 'link/sub/', type: 'dir' },
      ],
    ],
    [
      'a symlink through a symlink',
      [
        { path: 'link', type: 'symlink', linkname: outside },
        { path: 'link/l2', type: 'symlink', linkname: '/etc/passwd' },
      ],
    ],
    [
      'a symlink swapped under a later entry',
      [
        { path: 'd/', type: 'dir' },
        { path: 'd/ok', data: 'fine' },
        { path: 'd', type: 'symlink', linkname: outside },
        { path: 'd/evil', data: 'x' },
      ],
    ],
    [
      'a file swapped for a symlink, then written through',
      [
        { path: 'f', data: 'x' },
        { path: 'f', type: 'symlink', linkname: join(outside, 'victim') },
        { path: 'f/evil', data: 'y' },
      ],
    ],
    ['a hardlink with ..', [{ path: 'h', type: 'hardlink', linkname: `${up(6)}outside/victim` }]],
    ['a hardlink to an absolute path', [{ path: 'h', type: 'hardlink', linkname: join(outside, 'victim') }]],
    [
      'a hardlink through a symlink',
      [
        { path: 's', type: 'symlink', linkname: outside },
        { path: 'h', type: 'hardlink', linkname: 's/victim' },
      ],
    ],
    ['a hardlink to a file not in the layer', [{ path: 'h', type: 'hardlink', linkname: 'etc/shadow' }]],
    [
      'a hardlink that replaces the dir its target is in',
      [
        { path: 'd/', type: 'dir' },
        { path: 'd/f', data: 'x' },
        { path: 'd', type: 'hardlink', linkname: 'd/f' },
      ],
    ],
    ['a whiteout with ..', [{ path: `${up(6)}outside/.wh.victim`, data: '' }]],
    ['a whiteout of ..', [{ path: 'a/.wh...', data: '' }]],
    [
      'a whiteout through a symlink',
      [
        { path: 's', type: 'symlink', linkname: outside },
        { path: 's/.wh.victim', data: '' },
      ],
    ],
    [
      'an opaque marker through a symlink',
      [
        { path: 's', type: 'symlink', linkname: outside },
        { path: 's/.wh..wh..opq', data: '' },
      ],
    ],
    ['a path longer than Linux allows', [{ path: `${'d/'.repeat(2100)}f`, data: 'x', pax: { path: `${'d/'.repeat(2100)}f` } }]],
    [
      'a device through a symlink',
      [
        { path: 's', type: 'symlink', linkname: outside },
        { path: 's/null', type: 'char', devmajor: 1, devminor: 3 },
      ],
    ],
  ];

  for (const [name, entries] of cases) {
    it(`refuses ${name}`, async () => {
      await assert.rejects(
        store.unpackLayer({ source: Readable.from([tgz(entries)]), mediaType: gz }),
        (e) => isEngineError(e) && e.code === 'invalid_argument' && /^layer refused: /.test(e.message),
      );
      assert.deepEqual(readdirSync(outside), ['victim'], 'nothing new outside');
      assert.equal(existsSync(join(t.root, 'evil')), false);
      assert.deepEqual(readdirSync(join(storeRoot, 'tmp')), [], 'the temp unpack is removed');
      assert.deepEqual(readdirSync(join(storeRoot, 'layers')), [], 'no layer appears');
    });
  }

  it('refuses damaged archives cleanly: bad checksum, truncation, garbage', async () => {
    const good = tgz([{ path: 'a', data: 'x'.repeat(5000) }]);
    const { gunzipSync, gzipSync } = await import('node:zlib');
    const raw = gunzipSync(good);
    const badSum = Buffer.from(raw);
    badSum[0] = 0x62; // header byte changed, checksum kept
    const cut = raw.subarray(0, 1024);
    for (const [what, data] of [
      ['checksum', gzipSync(badSum)],
      ['truncated tar', gzipSync(cut)],
      ['truncated gzip', good.subarray(0, good.length - 20)],
      ['not gzip', Buffer.from('hello world')],
    ] as const) {
      await assert.rejects(
        store.unpackLayer({ source: Readable.from([data]), mediaType: gz }),
        (e) => isEngineError(e) && ['invalid_argument', 'unavailable'].includes(e.code),
        what,
      );
      assert.deepEqual(readdirSync(join(storeRoot, 'tmp')), [], what);
    }
    await assert.rejects(
      store.unpackLayer({ source: Readable.from([Buffer.alloc(500_000, 0x67)]), mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' }),
      (e) => isEngineError(e) && e.code === 'invalid_argument' && /^layer is not valid zstd: /.test(e.message),
    );
    assert.deepEqual(readdirSync(join(storeRoot, 'tmp')), []);
    await assert.rejects(
      store.unpackLayer({ source: Readable.from([good]), mediaType: 'application/x-rar' }),
      /unsupported layer media type/,
    );
  });
});
