import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { DirSync } from '../../../src/engine/store/blobs.js';
import { openStore } from '../../../src/engine/store/index.js';
import { tempRoot } from '../../helpers/env.js';

const dig = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('store blobs', () => {
  const t = tempRoot('dockui-blobs-');
  after(() => t.cleanup());

  it('ingests, verifies and publishes a blob only on commit', async () => {
    const s = await openStore(t.root);
    const data = randomBytes(300_000);
    const d = dig(data);
    const w = await s.ingest(d, { size: data.length });
    assert.equal(w.offset, 0);
    await w.write(data.subarray(0, 1000));
    await w.write(data.subarray(1000));
    assert.equal(await s.hasBlob(d), false, 'not visible before commit');
    assert.deepEqual(await w.commit(), { digest: d, size: data.length });
    assert.equal(await s.hasBlob(d), true);
    assert.deepEqual(await s.readBlob(d), data);
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), [], 'no temp file left');
  });

  it('refuses content that does not match its digest and leaves nothing behind', async () => {
    const s = await openStore(t.root);
    const data = randomBytes(5000);
    const d = dig(randomBytes(10));
    const w = await s.ingest(d);
    await w.write(data);
    await assert.rejects(w.commit(), (e) => isEngineError(e) && e.code === 'unavailable' && /failed verification/.test(e.message));
    assert.equal(await s.hasBlob(d), false);
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
    const w2 = await s.ingest(dig(data), { size: 10 });
    await assert.rejects(w2.write(data), /longer than the 10 bytes/);
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
  });

  it('resumes a suspended ingest from its offset; abort removes the partial', async () => {
    const s = await openStore(t.root);
    const data = randomBytes(200_000);
    const d = dig(data);
    const w = await s.ingest(d, { size: data.length });
    await w.write(data.subarray(0, 70_000));
    await w.suspend();
    const w2 = await s.ingest(d, { size: data.length });
    assert.equal(w2.offset, 70_000);
    await w2.write(data.subarray(70_000));
    await w2.commit();
    assert.deepEqual(await s.readBlob(d), data);

    const other = randomBytes(1000);
    const w3 = await s.ingest(dig(other));
    await w3.write(other.subarray(0, 10));
    await w3.abort();
    const w4 = await s.ingest(dig(other));
    assert.equal(w4.offset, 0);
    await w4.abort();
  });

  it('a second writer of the same blob in flight gets a private temp file', async () => {
    const s = await openStore(t.root);
    const data = randomBytes(4096);
    const d = dig(data);
    const a = await s.ingest(d);
    const b = await s.ingest(d);
    await a.write(data.subarray(0, 100));
    await b.write(data);
    await b.commit();
    await a.write(data.subarray(100));
    await a.commit();
    assert.deepEqual(await s.readBlob(d), data);
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
  });

  it('adopts a finished file as a blob, verifying it when asked', async () => {
    const s = await openStore(t.root);
    const data = randomBytes(10_000);
    const f = join(t.root, 'tmp', 'build-1-aaaaaaaaaaaa');
    writeFileSync(f, data);
    await assert.rejects(s.adoptBlobFile(f, dig(Buffer.from('x')), { verify: true }), /holds sha256:/);
    assert.equal(existsSync(f), false);
    writeFileSync(f, data);
    await s.adoptBlobFile(f, dig(data), { verify: true });
    assert.deepEqual(await s.readBlob(dig(data)), data);
    assert.deepEqual(readdirSync(join(t.root, 'tmp')), []);
  });

  it('putBlob checks the expected digest; readBlob finds on-disk corruption', async () => {
    const s = await openStore(t.root);
    const data = Buffer.from('{"hello":"world"}');
    await assert.rejects(s.putBlob(data, dig(Buffer.from('x'))), /does not match/);
    const d = await s.putBlob(data, dig(data));
    assert.equal(d, dig(data));
    writeFileSync(s.blobPath(d), '{"hello":"w0rld"}');
    await assert.rejects(s.readBlob(d), (e) => isEngineError(e) && /corrupt/.test(e.message));
    await assert.rejects(s.readBlob('sha512:abcd'), /unsupported digest algorithm/);
    await assert.rejects(s.readBlob('sha256:../../etc/passwd'), /invalid digest/);
    assert.equal(existsSync(join(t.root, 'tmp')), true);
  });
});

describe('blobs/ directory fsync shared by concurrent writers (DirSync)', () => {
  // The fsync is a recording stand-in here: the test watches when each one starts and ends
  // relative to the callers, which a real fsync does not let it see.
  it('a caller gets an fsync that began after its call; callers meanwhile share one', async () => {
    const runs: { started: number; finish: () => void }[] = [];
    let clock = 0;
    const sync = new DirSync('/x', () => new Promise<void>((finish) => runs.push({ started: ++clock, finish })));
    const a = sync.sync(); // starts run 1 at once
    const calledB = ++clock;
    const b = sync.sync(); // run 1 began before b: b waits for run 2
    const c = sync.sync(); // shares run 2 with b
    assert.equal(runs.length, 1);
    let bDone = false;
    void b.then(() => (bDone = true));
    runs[0]!.finish();
    await a;
    await new Promise((r) => setImmediate(r));
    assert.equal(runs.length, 2, 'one more fsync for b and c together');
    assert.ok(runs[1]!.started > calledB, 'it began after b asked');
    assert.equal(bDone, false, 'b is not done with run 1');
    runs[1]!.finish();
    await Promise.all([b, c]);
    assert.equal(runs.length, 2);
    const d = sync.sync(); // nothing running: a run of its own at once
    assert.equal(runs.length, 3);
    runs[2]!.finish();
    await d;
  });

  it('many blobs put at once are all there, each whole', async () => {
    const t = tempRoot('dockui-dirsync-');
    try {
      const store = await openStore(t.root);
      const datas = Array.from({ length: 12 }, () => randomBytes(1000));
      const digests = await Promise.all(datas.map((d) => store.putBlob(d)));
      for (const [i, d] of digests.entries()) assert.deepEqual(await store.readBlob(d), datas[i]);
    } finally {
      t.cleanup();
    }
  });
});
