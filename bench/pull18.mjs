#!/usr/bin/env node
// Issue 18's pull figures, A/B: `dockui pull` of two builds (--before DIR, --after DIR: each a
// checkout or a snapshot with bin/, dist/, native/build/) and `skopeo copy` to an OCI folder
// (download only), alternating every repetition (the first of the three rotating), for
// fixture/busybox, fixture/big and perf18/layers50 (bench/peers18.mjs pushes it). Each run gets
// a fresh root under /var/tmp/pull18-bench, removed after it, as in bench/peers18.mjs. Prints
// medians of wall time and of CPU time (user + sys, from /usr/bin/time), the ratios, the load.
// The builds are copied first (the worktree may be rebuilt while this runs).
// Usage: node bench/pull18.mjs --before DIR [--after DIR] [--reps 7] [--only busybox,big,layers50]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/peers.mjs';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : def);
const reps = Number(opt('reps', '7'));
const only = new Set(opt('only', 'busybox,big,layers50').split(','));
const reg = process.env.DOCKUI_TEST_REGISTRY ?? '127.0.0.1:5000';
const work = '/var/tmp/pull18-bench';
const images = {
  busybox: `${reg}/fixture/busybox:latest`,
  big: `${reg}/fixture/big:latest`,
  layers50: `${reg}/perf18/layers50:latest`,
};

function snapshot(name, dir) {
  const app = join(work, name);
  rmSync(app, { recursive: true, force: true });
  mkdirSync(join(app, 'native'), { recursive: true });
  for (const d of ['bin', 'dist', 'native/build', 'package.json']) cpSync(join(dir, d), join(app, d), { recursive: true });
  symlinkSync(join(top, 'node_modules'), join(app, 'node_modules'));
  return join(app, 'bin/dockui.js');
}

let k = 0;
/** Wall and CPU seconds of one command (through /usr/bin/time), its fresh directory removed after. */
function run(argv, env) {
  const d = join(work, `run-${k++}`);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  const tf = join(work, 'time.txt');
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', tf, ...argv(d)], { env: env(d), encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${argv(d).join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-1500)}`);
  const [u, s] = readFileSync(tf, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  rmSync(d, { recursive: true, force: true });
  return { wall, cpu: u + s };
}

const sides = {
  before: opt('before'),
  after: opt('after', top),
};
if (!sides.before) throw new Error('usage: node bench/pull18.mjs --before DIR [--after DIR] [--reps 7]');
mkdirSync(work, { recursive: true });
const bins = Object.fromEntries(Object.entries(sides).map(([n, d]) => [n, snapshot(n, d)]));
const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const fmt = (s) => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`);
console.log('| image | before | after | skopeo | after/before | after/skopeo | before/skopeo | CPU before / after / skopeo |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [label, ref] of Object.entries(images)) {
  if (!only.has(label)) continue;
  const fns = {
    before: () =>
      run(
        (d) => [bins.before, 'pull', '-q', ref],
        (d) => ({ ...process.env, DOCKUI_ROOT: join(d, 'root'), DOCKUI_RUNROOT: join(d, 'run') }),
      ),
    after: () =>
      run(
        (d) => [bins.after, 'pull', '-q', ref],
        (d) => ({ ...process.env, DOCKUI_ROOT: join(d, 'root'), DOCKUI_RUNROOT: join(d, 'run') }),
      ),
    skopeo: () =>
      run(
        (d) => ['skopeo', 'copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${d}/oci:x`],
        () => process.env,
      ),
  };
  const names = Object.keys(fns);
  const t = Object.fromEntries(names.map((n) => [n, { wall: [], cpu: [] }]));
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < names.length; i++) {
      const n = names[(r + i) % names.length];
      const m = fns[n]();
      t[n].wall.push(m.wall);
      t[n].cpu.push(m.cpu);
    }
  const w = Object.fromEntries(names.map((n) => [n, median(t[n].wall)]));
  const c = Object.fromEntries(names.map((n) => [n, median(t[n].cpu)]));
  console.log(
    `| ${label} (${reps} reps) | ${fmt(w.before)} | ${fmt(w.after)} | ${fmt(w.skopeo)} | **${(w.after / w.before).toFixed(2)}×** | **${(w.after / w.skopeo).toFixed(2)}×** | ${(w.before / w.skopeo).toFixed(2)}× | ${fmt(c.before)} / ${fmt(c.after)} / ${fmt(c.skopeo)} |`,
  );
}
const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
console.log(`\nload average ${load0} → ${load1}; ${new Date().toISOString().slice(0, 16)}Z`);
