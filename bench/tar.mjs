#!/usr/bin/env node
// dockui's tar codec (src/engine/fsutil/tar.ts) against tar-stream 3, the npm package most
// Node tools use. Reading: every entry's header and data consumed, from an in-memory archive
// handed over in 64 KiB chunks (what a file or a decompressor yields). Writing: the same
// entries encoded into one buffer. Two shapes: many small files (a node_modules-like layer)
// and a few big ones. Medians of N runs, the two readers alternating.
// Usage: node --import tsx bench/tar.mjs [--runs 7]
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { encodeHeader, endOfArchive, padding, readTar, typeFlag } from '../src/engine/fsutil/tar.ts';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 7) || 7;

const shapes = [
  {
    name: '20,000 files of 1 KiB',
    files: Array.from({ length: 20_000 }, (_, i) => ({ path: `app/node_modules/p${i % 400}/f${i}.js`, size: 1024 })),
  },
  { name: '4 files of 64 MiB', files: Array.from({ length: 4 }, (_, i) => ({ path: `data/blob${i}.bin`, size: 64 << 20 })) },
];

function ourArchive(files) {
  const parts = [];
  for (const f of files) {
    parts.push(encodeHeader({ name: f.path, type: typeFlag.file, mode: 0o644, uid: 0, gid: 0, size: f.size, mtime: 0 }));
    parts.push(Buffer.alloc(f.size, 0x61), Buffer.alloc(padding(f.size)));
  }
  parts.push(endOfArchive());
  return Buffer.concat(parts);
}

async function tarStreamArchive(files) {
  const pack = tarStream.pack();
  const out = [];
  pack.on('data', (d) => out.push(d));
  const done = new Promise((r) => pack.on('end', r));
  for (const f of files)
    await new Promise((res, rej) =>
      pack.entry({ name: f.path, size: f.size, mode: 0o644, mtime: new Date(0) }, Buffer.alloc(f.size, 0x61), (e) => (e ? rej(e) : res())),
    );
  pack.finalize();
  await done;
  return Buffer.concat(out);
}

function* chunks(buf, size = 64 * 1024) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function readOurs(buf) {
  let n = 0;
  let bytes = 0;
  for await (const e of readTar(Readable.from(chunks(buf)))) {
    n++;
    for await (const c of e.body()) bytes += c.length;
  }
  return { n, bytes };
}

async function readTarStream(buf) {
  const extract = tarStream.extract();
  let n = 0;
  let bytes = 0;
  const done = (async () => {
    for await (const entry of extract) {
      n++;
      for await (const c of entry) bytes += c.length;
    }
  })();
  Readable.from(chunks(buf)).pipe(extract);
  await done;
  return { n, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  const t = performance.now();
  const r = await fn();
  return { ms: performance.now() - t, r };
}

for (const shape of shapes) {
  const ours = { read: [], write: [] };
  const theirs = { read: [], write: [] };
  let archive;
  for (let i = 0; i < runs; i++) {
    const w1 = await time(async () => ourArchive(shape.files));
    const w2 = await time(() => tarStreamArchive(shape.files));
    ours.write.push(w1.ms);
    theirs.write.push(w2.ms);
    archive = w1.r;
    const r1 = await time(() => readOurs(archive));
    const r2 = await time(() => readTarStream(archive));
    if (r1.r.n !== shape.files.length || r2.r.n !== shape.files.length || r1.r.bytes !== r2.r.bytes)
      throw new Error(`readers disagree: ${JSON.stringify([r1.r, r2.r])}`);
    ours.read.push(r1.ms);
    theirs.read.push(r2.ms);
  }
  const f = (x) => `${x.toFixed(0)} ms`;
  console.log(`${shape.name} (${(archive.length / 1048576).toFixed(1)} MiB archive), medians of ${runs}:`);
  console.log(
    `  read:  dockui ${f(median(ours.read))}  tar-stream ${f(median(theirs.read))}  ratio ${(median(ours.read) / median(theirs.read)).toFixed(2)}x`,
  );
  console.log(
    `  write: dockui ${f(median(ours.write))}  tar-stream ${f(median(theirs.write))}  ratio ${(median(ours.write) / median(theirs.write)).toFixed(2)}x`,
  );
}
