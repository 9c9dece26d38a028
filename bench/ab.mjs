#!/usr/bin/env node
// Before/after: two builds of dockui measured in one run, alternating every repetition, so a
// change's cost is not lost in this host's drift (absolute times move by 40% within an hour).
// Figures: bench/run.mjs's (CLI run --rm with the default network and with none, start →
// exited inside one engine process, run -d + stop -t 1 + rm, ps -a with 100 containers),
// bench/build.mjs's 1000-file builds (cold, no change, one file changed) and a
// cold pull of fixture/big (bench/pull.mjs's; min(reps, 9) runs).
// Usage: node bench/ab.mjs --before DIR [--after DIR] [--reps 15] [--only run,ps,build,pull]
//   DIR: a checkout with dist/ built (npm run build); --after defaults to this checkout.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './lib/peers.mjs';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : args[i + 1];
};
const reps = Number(opt('reps', '15'));
// --only run,ps,build,pull: a subset of the figure groups (default: all).
const only = new Set((opt('only', 'run,ps,build,pull') ?? '').split(','));
const before = opt('before');
if (!before) throw new Error('usage: node bench/ab.mjs --before DIR [--after DIR] [--reps 15]');
const registry = process.env.DOCKUI_TEST_REGISTRY ?? '127.0.0.1:5000';
const image = `${registry}/fixture/busybox:latest`;
const work = '/var/tmp/dockui-bench-ab';

function time(bin, argv, root) {
  const t = process.hrtime.bigint();
  const r = spawnSync(bin, argv, { env: { ...process.env, DOCKUI_ROOT: root }, encoding: 'utf8', maxBuffer: 16 << 20 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${bin} ${argv.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-1500)}`);
  return { s, out: r.stdout };
}

/** A snapshot of a build (other work may rebuild dist/ meanwhile), with its own root. */
async function side(name, dir) {
  const app = join(work, name);
  for (const d of ['dist', 'bin', 'native/build']) if (existsSync(join(dir, d))) cpSync(join(dir, d), join(app, d), { recursive: true });
  copyFileSync(join(dir, 'package.json'), join(app, 'package.json'));
  symlinkSync(join(top, 'node_modules'), join(app, 'node_modules'));
  const root = join(work, `${name}-root`);
  const bin = join(app, 'bin/dockui.js');
  const dk = (...a) => time(bin, a, root);
  dk('pull', '-q', image);
  dk('run', '--rm', image, 'true');
  const { Containers } = await import(pathToFileURL(join(app, 'dist/engine/runtime/containers.js')).href);
  const { resolvePaths } = await import(pathToFileURL(join(app, 'dist/engine/paths.js')).href);
  return {
    name,
    dk,
    engine: new Containers(resolvePaths({ root })),
    t: { run: [], none: [], engine: [], cycle: [], ps: [], cold: [], nochange: [], onefile: [], pull: [] },
  };
}

spawnSync('sh', ['-c', `grep -o " ${work}/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l`]);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const sides = [await side('before', resolve(before)), await side('after', resolve(opt('after', top)))];
const cycleCmd = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'];
for (let i = 0; only.has('run') && i < reps; i++) {
  for (const s of i % 2 ? [...sides].reverse() : sides) {
    s.t.run.push(s.dk('run', '--rm', image, 'true').s);
    s.t.none.push(s.dk('run', '--rm', '--network', 'none', image, 'true').s);
    const rec = await s.engine.create({ image, cmd: ['true'], network: 'none' });
    const t0 = process.hrtime.bigint();
    await s.engine.start(rec.id, { foreground: true });
    await s.engine.wait(rec.id);
    s.t.engine.push(Number(process.hrtime.bigint() - t0) / 1e9);
    await s.engine.remove(rec.id);
    const c0 = process.hrtime.bigint();
    const id = s.dk('run', '-d', image, ...cycleCmd).out.trim();
    s.dk('stop', '-t', '1', id);
    s.dk('rm', id);
    s.t.cycle.push(Number(process.hrtime.bigint() - c0) / 1e9);
  }
}
if (only.has('ps')) {
  for (const s of sides) for (let i = 0; i < 100; i++) s.dk('create', '--network', 'none', image, 'true');
  for (let i = 0; i < reps; i++) for (const s of i % 2 ? [...sides].reverse() : sides) s.t.ps.push(s.dk('ps', '-a').s);
  for (const s of sides) s.dk('container', 'prune', '-f');
}
// bench/build.mjs's 1000-file context: cold (build cache removed), no change, one file changed.
const ctx = join(work, 'ctx');
for (let i = 0; i < 1000; i++) {
  const sub = join(ctx, 'src', `d${Math.floor(i / 100)}`);
  if (i % 100 === 0) mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, `f${i}.txt`), `file ${i}\n${'x'.repeat(100 + (i % 200))}\n`);
}
writeFileSync(join(ctx, 'Dockerfile'), `FROM ${image}\nWORKDIR /app\nCOPY . .\nCMD ["sh", "-c", "ls -R /app | wc -l"]\n`);
if (only.has('build')) for (const s of sides) s.dk('build', '-q', '-t', 'ab:1000', ctx);
for (let i = 0; only.has('build') && i < reps; i++)
  for (const s of i % 2 ? [...sides].reverse() : sides) {
    rmSync(join(work, `${s.name}-root`, 'build-cache'), { recursive: true, force: true });
    s.t.cold.push(s.dk('build', '-q', '-t', 'ab:1000', ctx).s);
    s.t.nochange.push(s.dk('build', '-q', '-t', 'ab:1000', ctx).s);
    writeFileSync(join(ctx, 'src/d0/f0.txt'), `changed ${s.name} ${i} ${Date.now()}\n`);
    s.t.onefile.push(s.dk('build', '-q', '-t', 'ab:1000', ctx).s);
  }
// Cold pull of fixture/big (seeded by bench/pull.mjs) into a fresh root, page cache dropped first.
const big = `${registry}/fixture/big:latest`;
const haveBig = spawnSync('curl', ['-sf', `http://${registry}/v2/fixture/big/tags/list`]).status === 0;
for (let i = 0; only.has('pull') && haveBig && i < Math.min(reps, 9); i++)
  for (const s of i % 2 ? [...sides].reverse() : sides) {
    const fresh = join(work, `${s.name}-pull`);
    rmSync(fresh, { recursive: true, force: true });
    spawnSync('sync');
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    s.t.pull.push(time(join(work, s.name, 'bin/dockui.js'), ['pull', '-q', big], fresh).s);
    rmSync(fresh, { recursive: true, force: true });
  }

const names = {
  run: '`run --rm fixture/busybox true` (default network)',
  none: '`run --rm --network none fixture/busybox true`',
  engine: 'container start → exited inside one engine process',
  cycle: '`run -d` + `stop -t 1` + `rm`',
  ps: '`ps -a` with 100 containers',
  cold: '`build` 1000 files, cold (no build cache)',
  nochange: '`build` 1000 files, no change',
  onefile: '`build` 1000 files, one file changed',
  pull: 'cold `pull` of fixture/big (135 MB, 5 layers)',
};
console.log(
  `Command: \`node bench/ab.mjs --before ${before} --reps ${reps}\` (medians of ${reps}, builds alternating). ${new Date().toISOString().slice(0, 16)}Z`,
);
console.log('');
console.log('| figure | before | after | after / before | paired ratios: quartiles |');
console.log('|---|---|---|---|---|');
for (const k of Object.keys(names)) {
  if (sides[0].t[k].length === 0) continue;
  const a = median(sides[0].t[k]);
  const b = median(sides[1].t[k]);
  // Repetition i ran both builds back to back: its ratio cancels the drift between repetitions.
  const ratios = sides[1].t[k].map((v, i) => v / sides[0].t[k][i]).sort((x, y) => x - y);
  const q = (f) => ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))].toFixed(2);
  console.log(
    `| ${names[k]} | ${(a * 1000).toFixed(0)} ms | ${(b * 1000).toFixed(0)} ms | ${(b / a).toFixed(2)}× | ${q(0.25)} / ${q(0.5)} / ${q(0.75)} |`,
  );
}
execFileSync('sh', ['-c', `grep -o " ${work}/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l; true`]);
