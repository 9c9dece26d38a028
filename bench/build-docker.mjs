#!/usr/bin/env node
// Issue 18's cold-build figure on its own: `dockui build` of a 1k-file context (no build cache)
// vs Docker 20.10 BuildKit (DOCKER_BUILDKIT=1, Debian's dockerd and docker CLI, dockerd started
// here on its own socket, data root and exec root, stopped and removed at the end), and
// optionally an older dockui build (--base DIR: a copy of bin/, dist/, native/build,
// package.json and a node_modules link) for an A/B independent of the host's load.
// Each rep runs every tool once, rotating which goes first; medians, ratios, load average.
// Usage: node bench/build-docker.mjs [--reps 9] [--files 1000] [--base DIR] [--name build18] [--fresh]
//   --fresh changes one file of the context before every build, so that no tool finds the
//   COPY's layer anywhere (dockui's store keeps layers across a removed build cache; without it,
//   an unchanged context's COPY layer is found there and not written again).
//   --name prefixes the socket (/run/NAME-docker.sock), dockerd's roots and dockui's roots
//   (/var/tmp/NAME-bd/...), so two runs by different people do not collide.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuProbe, median } from './lib/peers.mjs';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : def);
const reps = Number(opt('reps', '9'));
const files = Number(opt('files', '1000'));
const base = opt('base', undefined);
const name = opt('name', 'bd');
const fresh = args.includes('--fresh');
let stamp = 0;
const touch = () => fresh && writeFileSync(join(work, `ctx-${files}`, 'stamp.txt'), `${process.pid} ${++stamp}\n`);
const reg = process.env.DOCKUI_TEST_REGISTRY ?? '127.0.0.1:5000';
const busybox = `${reg}/fixture/busybox:latest`;
const work = `/var/tmp/${name}-bd`;
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

function time(cmd, argv, env = process.env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-1500)}`);
  return ms;
}

/** A snapshot of a build (the worktree's dist/ may be rebuilt while this runs). */
function snapshot(from, to) {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const d of ['bin', 'dist', 'native/build', 'package.json']) cpSync(join(from, d), join(to, d), { recursive: true });
  symlinkSync(join(top, 'node_modules'), join(to, 'node_modules'));
  return join(to, 'bin/dockui.js');
}

function context(dir) {
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < files; i++) {
    const sub = join(dir, 'src', `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), `file ${i}\n${'x'.repeat(100 + (i % 200))}\n`);
  }
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${busybox}\nWORKDIR /app\nCOPY . .\nCMD ["sh", "-c", "ls -R /app | wc -l"]\n`);
  writeFileSync(join(dir, '.dockerignore'), '.git\n');
}

const probe0 = cpuProbe();
const load0 = load();
mkdirSync(work, { recursive: true });
const ctx = join(work, `ctx-${files}`);
context(ctx);
const tools = {};
const pulls = [];
const dkui = (bin, root) => {
  const env = { ...process.env, DOCKUI_ROOT: join(work, root), DOCKUI_RUNROOT: join(work, `${root}-run`) };
  pulls.push(() => time(bin, ['pull', '-q', busybox], env));
  return () => {
    rmSync(join(work, root, 'build-cache'), { recursive: true, force: true });
    touch();
    return time(bin, ['build', '-q', '-t', `${name}-bench:${files}`, ctx], env);
  };
};
tools.dockui = dkui(snapshot(top, join(work, 'app')), 'dk-root');
if (base) tools.base = dkui(snapshot(base, join(work, 'base-app')), 'base-root');

const sock = `/run/${name}-docker.sock`;
const data = `/var/tmp/${name}-docker`;
const exec = `/var/tmp/${name}-docker-exec`;
const dlog = join(work, 'dockerd.log');
const d = spawn(
  'dockerd',
  [
    ...['--host', `unix://${sock}`, '--data-root', data, '--exec-root', exec, '--pidfile', `${exec}.pid`],
    ...['--bridge', 'none', '--iptables=false', '--ip6tables=false', '--ip-masq=false'],
    ...['--insecure-registry', reg, '--exec-opt', 'native.cgroupdriver=cgroupfs'],
  ],
  // Its log goes to a file: a pipe is not read while spawnSync blocks this thread, and once
  // its 64 KiB are full dockerd blocks on the write and the build in progress hangs.
  { stdio: ['ignore', 'ignore', openSync(dlog, 'w')] },
);
const denv = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_BUILDKIT: '1' };
try {
  for (let i = 0; ; i++) {
    if (spawnSync('/usr/bin/docker', ['version'], { env: denv }).status === 0) break;
    if (i > 300 || d.exitCode !== null) throw new Error(`dockerd did not start: ${readFileSync(dlog, 'utf8').slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  time('/usr/bin/docker', ['pull', '-q', busybox], denv);
  tools.docker = () => touch() || time('/usr/bin/docker', ['build', '-q', '--no-cache', '-t', `${name}-bench:${files}`, ctx], denv);
  for (const p of pulls) p();
  const names = Object.keys(tools);
  for (const k of names) tools[k](); // warm-up, not counted
  const t = Object.fromEntries(names.map((k) => [k, []]));
  const loads = [];
  for (let r = 0; r < reps; r++) {
    loads.push(Number(load()));
    for (let i = 0; i < names.length; i++) {
      const k = names[(r + i) % names.length];
      t[k].push(tools[k]());
    }
  }
  const m = Object.fromEntries(names.map((k) => [k, median(t[k])]));
  console.log(`| figure | ${names.join(' | ')} | dockui / docker |${base ? ' dockui / base |' : ''}`);
  console.log(`|---|${names.map(() => '---:|').join('')}---:|${base ? '---:|' : ''}`);
  console.log(
    `| build cold${fresh ? ' (a file changed each time)' : ''}, ${files} files (${reps} reps) | ${names.map((k) => fmt(m[k])).join(' | ')} | **${(m.dockui / m.docker).toFixed(2)}×** |${base ? ` ${(m.dockui / m.base).toFixed(2)}× |` : ''}`,
  );
  for (const k of names) console.log(`${k}: ${t[k].map((x) => x.toFixed(0)).join(' ')}`);
  console.log(
    `\nload average ${load0} → ${load()} (median at rep start ${median(loads).toFixed(2)}); CPU probe (sha256 of 128 MiB) ${probe0.toFixed(3)} s → ${cpuProbe().toFixed(3)} s; ${new Date().toISOString().slice(0, 16)}Z`,
  );
} finally {
  d.kill('SIGTERM');
  await new Promise((r) => (d.exitCode !== null ? r() : d.on('exit', r)));
  spawnSync('bash', ['-c', `grep -o '${data}[^ ]*\\|${exec}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
  rmSync(data, { recursive: true, force: true });
  rmSync(exec, { recursive: true, force: true });
  rmSync(sock, { force: true });
}
