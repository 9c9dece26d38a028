#!/usr/bin/env node
// Container index bench (issue 18): `ps` at 1,000 containers vs 10, `inspect NAME` vs ID and
// `rm` of 100 names vs ids at 1,000, alternating, medians. Containers are made by cloning one
// created container's record under new ids and names (created, never started), then the index
// is dropped so dockui rebuilds it. Usage: node bench/index.mjs [--reps 7] [--root DIR]
// (rm: both sets made before either is timed, which goes first alternating; medians of reps.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

const arg = (k, d) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : d);
const reps = Number(arg('--reps', '7'));
const base = arg('--root', '/tmp/idx18-bench');
const bin = resolve(import.meta.dirname, '../bin/dockui.js');
const reg = process.env.DOCKUI_TEST_REGISTRY ?? '127.0.0.1:5000';
const cli = (root, args) =>
  execFileSync(process.execPath, [bin, '--root', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const time = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function fill(root, n) {
  const dir = join(root, 'containers');
  const have = existsSync(dir) ? readdirSync(dir).filter((d) => /^[0-9a-f]{64}$/.test(d)).length : 0;
  if (have === 0) {
    cli(root, ['pull', '-q', `${reg}/fixture/busybox`]);
    cli(root, ['create', '--name', 'seed', `${reg}/fixture/busybox`, 'true']);
  }
  const seedId = readdirSync(dir).find((d) => /^[0-9a-f]{64}$/.test(d));
  const seed = JSON.parse(readFileSync(join(dir, seedId, 'record.json'), 'utf8'));
  const made = [];
  for (let i = have === 0 ? 1 : have; i < n; i++) {
    const id = randomBytes(32).toString('hex');
    mkdirSync(join(dir, id));
    const name = `b${i}`;
    writeFileSync(join(dir, id, 'record.json'), JSON.stringify({ ...seed, id, name, createdAt: new Date(Date.now() - i).toISOString() }));
    made.push({ id, name });
  }
  rmSync(join(dir, '.index'), { recursive: true, force: true });
  return made;
}

const small = `${base}/small`;
const big = `${base}/big`;
fill(small, 10);
fill(big, 1000);
cli(small, ['ps']);
cli(big, ['ps']);
const psS = [],
  psB = [],
  inN = [],
  inI = [],
  rmN = [],
  rmI = [];
for (let r = 0; r < reps; r++) {
  psS.push(time(() => cli(small, ['ps'])));
  psB.push(time(() => cli(big, ['ps'])));
  const recs = readdirSync(join(big, 'containers')).filter((d) => /^[0-9a-f]{64}$/.test(d));
  const one = JSON.parse(readFileSync(join(big, 'containers', recs[r + 5], 'record.json'), 'utf8'));
  inN.push(time(() => cli(big, ['inspect', one.name])));
  inI.push(time(() => cli(big, ['inspect', one.id])));
}
// rm: each rep adds 100 containers to remove by name and 100 to remove by id, rebuilds the
// index once (as a store that has them would have it), then times both, which going first
// alternating (the first rm after the fill meets a colder directory).
for (let r = 0; r < reps; r++) {
  const have = readdirSync(join(big, 'containers')).filter((d) => /^[0-9a-f]{64}$/.test(d)).length;
  const both = fill(big, have + 200).slice(-200);
  const a = both.filter((_, i) => i % 2 === 0);
  const b = both.filter((_, i) => i % 2 === 1);
  cli(big, ['ps']);
  const byName = () => rmN.push(time(() => cli(big, ['rm', ...a.map((c) => c.name)])));
  const byId = () => rmI.push(time(() => cli(big, ['rm', ...b.map((c) => c.id)])));
  if (r % 2 === 0) {
    byName();
    byId();
  } else {
    byId();
    byName();
  }
}
const row = (what, a, b, an, bn) =>
  console.log(`${what}: ${an} ${median(a).toFixed(1)} ms, ${bn} ${median(b).toFixed(1)} ms, ratio ${(median(a) / median(b)).toFixed(2)}×`);
console.log(`load ${readFileSync('/proc/loadavg', 'utf8').trim()}; reps ${reps}`);
row('ps (running only)', psB, psS, '1,000 containers', '10 containers');
row('inspect at 1,000', inN, inI, 'by name', 'by id');
row('rm of 100 at 1,100–1,200', rmN, rmI, 'by name', 'by id');
