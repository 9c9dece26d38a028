import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { writeLayer } from '../../../src/engine/build/layer.js';
import { S_IFCHR, sysx } from '../../../src/engine/sysx.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-layer-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function upperDir(): string {
  const d = mkdtempSync(join(tmp, 'upper-'));
  mkdirSync(join(d, 'app/sub'), { recursive: true });
  writeFileSync(join(d, 'app/a.txt'), 'hello\n');
  writeFileSync(join(d, 'app/sub/big.bin'), Buffer.alloc(3 * 1024 * 1024 + 7, 0x61));
  linkSync(join(d, 'app/a.txt'), join(d, 'app/hard.txt'));
  symlinkSync('a.txt', join(d, 'app/link'));
  const long = 'x'.repeat(120) + '/' + 'y'.repeat(130);
  mkdirSync(join(d, 'x'.repeat(120)));
  writeFileSync(join(d, long), 'long');
  sysx().mknod(join(d, 'app/gone'), S_IFCHR | 0o000, 0, 0); // overlay whiteout
  mkdirSync(join(d, 'etc'));
  sysx().lsetxattr(join(d, 'etc'), 'trusted.overlay.opaque', Buffer.from('y'));
  writeFileSync(join(d, 'etc/new.conf'), 'conf');
  sysx().lsetxattr(join(d, 'app/a.txt'), 'user.note', Buffer.from('kept'));
  return d;
}

describe('layer writer', () => {
  it('writes an OCI layer: whiteouts, opaque dirs, hardlinks, long names, xattrs; digests in one pass', async () => {
    const d = upperDir();
    const out = join(tmp, 'layer.tar.gz');
    const r = await writeLayer(d, out);
    const gz = readFileSync(out);
    assert.equal(r.digest, sha(gz));
    assert.equal(r.size, gz.length);
    const tar = gunzipSync(gz);
    assert.equal(r.diffId, sha(tar));

    const listing = execFileSync('tar', ['-tvf', '-'], { input: tar, encoding: 'utf8' });
    const names = execFileSync('tar', ['-tf', '-'], { input: tar, encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(names.slice(0, 9), [
      'app/',
      'app/a.txt',
      'app/.wh.gone',
      'app/hard.txt',
      'app/link',
      'app/sub/',
      'app/sub/big.bin',
      'etc/',
      'etc/.wh..wh..opq',
    ]);
    assert.ok(names.includes('x'.repeat(120) + '/' + 'y'.repeat(130)), 'long name through pax');
    assert.match(listing, /app\/hard.txt link to app\/a.txt/);
    assert.match(listing, /app\/link -> a.txt/);

    // GNU tar extracts it and agrees on content and xattrs.
    const x = mkdtempSync(join(tmp, 'x-'));
    execFileSync('tar', ['--xattrs', '--xattrs-include=user.*', '-xf', '-', '-C', x], { input: tar });
    assert.equal(readFileSync(join(x, 'x'.repeat(120), 'y'.repeat(130)), 'utf8'), 'long');
    assert.equal(readFileSync(join(x, 'app/sub/big.bin')).length, 3 * 1024 * 1024 + 7);
    assert.equal(sysx().lgetxattr(join(x, 'app/a.txt'), 'user.note')?.toString(), 'kept');
    assert.ok(!listing.includes('trusted.overlay'));
  });

  it('is deterministic: the same dir gives the same digests', async () => {
    const d = upperDir();
    const a = await writeLayer(d, join(tmp, 'a.tgz'));
    const b = await writeLayer(d, join(tmp, 'b.tgz'));
    assert.equal(a.diffId, b.diffId);
    assert.equal(a.digest, b.digest);
  });

  it('stops on abort and leaves no blob behind', async () => {
    const d = upperDir();
    for (let i = 0; i < 600; i++) writeFileSync(join(d, `f${i}`), String(i));
    const ac = new AbortController();
    ac.abort();
    const out = join(tmp, 'aborted.tgz');
    await assert.rejects(writeLayer(d, out, { signal: ac.signal }), /canceled/);
    assert.throws(() => readFileSync(out), /ENOENT/);
  });
});
