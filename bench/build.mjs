#!/usr/bin/env node
// Build benchmark: dockui vs `podman build` on the same contexts of small files.
// Figures per context size: cold (no build cache), rebuild with no change, rebuild after one
// file changed. Tools alternate within each repetition; medians and ratios go to BENCHMARKS.md
// (section "## Build"). Usage: node bench/build.mjs [--sizes 200,1000,10000] [--reps 5] [--no-write]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : args[i + 1];
};
const sizes = opt('sizes', '200,1000,10000').split(',').map(Number);
const reps = Number(opt('reps', '5'));
const write = !args.includes('--no-write');
const registry = process.env.DOCKUI_TEST_REGISTRY ?? '127.0.0.1:5000';
const base = `${registry}/fixture/busybox:latest`;
const work = '/var/tmp/dockui-bench-build';
const root = join(work, 'root');
const dockui = join(top, 'bin/dockui.js');
const targets = { cold: 1.0, nochange: 0.25, onefile: 0.3 };

function run(cmd, argv, env = {}, attempt = 1) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) {
    // The shared host's podman state is sometimes disturbed by other users (/run/libpod): retry, and say so.
    if (attempt < 3) {
      console.error(`retrying after a failure of ${cmd} ${argv.slice(0, 2).join(' ')}: ${r.stderr.trim().split('\n').pop()}`);
      return run(cmd, argv, env, attempt + 1);
    }
    throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  }
  return s;
}

function cpuProbe() {
  const buf = Buffer.alloc(128 << 20, 7);
  const t = process.hrtime.bigint();
  createHash('sha256').update(buf).digest();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function makeContext(n) {
  const dir = join(work, `ctx-${n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const sub = join(dir, 'src', `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), `file ${i}\n${'x'.repeat(100 + (i % 200))}\n`);
  }
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${base}\nWORKDIR /app\nCOPY . .\nCMD ["sh", "-c", "ls -R /app | wc -l"]\n`);
  writeFileSync(join(dir, '.dockerignore'), '.git\n');
  return dir;
}

const tools = {
  dockui: {
    cold: (dir, n) => {
      rmSync(join(root, 'build-cache'), { recursive: true, force: true });
      return run('node', [dockui, 'build', '-q', '-t', `bench:${n}`, dir], { DOCKUI_ROOT: root });
    },
    build: (dir, n) => run('node', [dockui, 'build', '-q', '-t', `bench:${n}`, dir], { DOCKUI_ROOT: root }),
  },
  podman: {
    cold: (dir, n) => run('podman', ['build', '-q', '--no-cache', '-t', `bench:${n}`, dir]),
    build: (dir, n) => run('podman', ['build', '-q', '-t', `bench:${n}`, dir]),
  },
};

function main() {
  mkdirSync(work, { recursive: true });
  if (!existsSync(join(top, 'dist/cli/main.js'))) execFileSync('npm', ['run', '--silent', 'build'], { cwd: top, stdio: 'inherit' });
  run('node', [dockui, 'pull', base], { DOCKUI_ROOT: root });
  run('podman', ['pull', '-q', base]);
  const probeStart = cpuProbe();
  const rows = [];
  for (const n of sizes) {
    const dir = makeContext(n);
    const times = { dockui: { cold: [], nochange: [], onefile: [] }, podman: { cold: [], nochange: [], onefile: [] } };
    // One warm-up of each, not counted (first podman build of a context also sets up its storage).
    tools.dockui.cold(dir, n);
    tools.podman.cold(dir, n);
    for (let r = 0; r < reps; r++) {
      const order = r % 2 === 0 ? ['dockui', 'podman'] : ['podman', 'dockui'];
      for (const t of order) times[t].cold.push(tools[t].cold(dir, n));
      for (const t of order) times[t].nochange.push(tools[t].build(dir, n));
      for (const t of order) {
        writeFileSync(join(dir, 'src/d0/f0.txt'), `changed ${t} ${r} ${Date.now()}\n`);
        times[t].onefile.push(tools[t].build(dir, n));
      }
    }
    for (const fig of ['cold', 'nochange', 'onefile']) {
      const d = median(times.dockui[fig]);
      const p = median(times.podman[fig]);
      rows.push({ n, fig, d, p, ratio: d / p, ok: d / p <= targets[fig] });
      console.log(
        `${n} files ${fig}: dockui ${d.toFixed(3)} s, podman ${p.toFixed(3)} s, ratio ${(d / p).toFixed(2)} (target ≤ ${targets[fig]})`,
      );
    }
  }
  const probeEnd = cpuProbe();
  console.log(`cpu probe (sha256 of 128 MiB): ${probeStart.toFixed(3)} s at start, ${probeEnd.toFixed(3)} s at end`);
  if (!write) return;

  const names = { cold: 'cold (no build cache)', nochange: 'rebuild, no change', onefile: 'rebuild, one file changed' };
  const lines = [
    '## Build',
    '',
    `\`node bench/build.mjs\` — contexts of small files under src/, Dockerfile \`FROM fixture/busybox\`,`,
    '`WORKDIR /app`, `COPY . .`, `CMD`; base image pulled beforehand by both; `dockui build -q` vs',
    '`podman build -q` (cold: dockui with ROOT/build-cache removed, podman with --no-cache).',
    `Medians of ${reps}, tools alternating; ${new Date().toISOString().slice(0, 10)}; CPU probe ${probeStart.toFixed(2)} s / ${probeEnd.toFixed(2)} s (start / end).`,
    '',
    '| files | figure | dockui (s) | podman (s) | ratio | target | met |',
    '|---:|---|---:|---:|---:|---:|:---:|',
    ...rows.map(
      (r) =>
        `| ${r.n} | ${names[r.fig]} | ${r.d.toFixed(3)} | ${r.p.toFixed(3)} | ${r.ratio.toFixed(2)} | ≤ ${targets[r.fig]} | ${r.ok ? 'yes' : 'no'} |`,
    ),
    '',
  ];
  const file = join(top, 'BENCHMARKS.md');
  const cur = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const start = cur.indexOf('## Build\n');
  let next;
  if (start === -1) next = `${cur.trimEnd()}\n\n${lines.join('\n')}`;
  else {
    const after = cur.indexOf('\n## ', start + 1);
    next = cur.slice(0, start) + lines.join('\n') + (after === -1 ? '' : cur.slice(after));
  }
  writeFileSync(file, next);
  console.log('BENCHMARKS.md: ## Build updated');
}

main();
