#!/usr/bin/env node
// Issue 18's peer figures in one run, each alternating dockui with its peer, medians and ratios:
//   small  `ps -a`, `images`, `inspect NAME`, `--version` vs podman and vs `node -e 0`
//   run    `run --rm --network none fixture/busybox true` vs podman
//   rm     `rm` of 100 created containers vs `podman rm` of 100
//   pull   `pull` (download and unpack) vs `skopeo copy` to an OCI folder (download only) for
//          fixture/busybox, fixture/big and a 50-layer image (perf18/layers50, built and pushed
//          to the fixture registry by dockui the first time)
//   build  cold build of a 1k-file context vs Docker 20.10 BuildKit (Debian's dockerd, started
//          here on its own socket and data root, stopped and removed at the end)
// Everything lives under /var/tmp/perf18-peers (dockui's root and run root, podman's root, run
// root and tmpdir). Page cache warm (no drop_caches: the host is shared).
// Usage: node bench/peers18.mjs [--only small,run,rm,pull,build] [--reps 15]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuProbe, ensurePodman, median } from './lib/peers.mjs';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : def);
const only = new Set(opt('only', 'small,run,rm,pull,build').split(','));
const reps = Number(opt('reps', '15'));
const reg = process.env.DOCKUI_TEST_REGISTRY ?? '127.0.0.1:5000';
const busybox = `${reg}/fixture/busybox:latest`;
const work = '/var/tmp/perf18-peers';
// A snapshot of the build: the worktree's dist/ may be rebuilt while this runs.
const app = join(work, 'app');
const dockui = join(app, 'bin/dockui.js');
const dkEnv = { ...process.env, DOCKUI_ROOT: join(work, 'dk-root'), DOCKUI_RUNROOT: join(work, 'dk-run') };
const pmArgs = ['--root', join(work, 'pm-root'), '--runroot', join(work, 'pm-run'), '--tmpdir', join(work, 'pm-tmp')];

function time(cmd, argv, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-1500)}`);
  return { ms, out: r.stdout };
}
const dk = (...a) => time(dockui, a, { env: dkEnv });
const pm = (...a) => time('podman', [...pmArgs, ...a]);
const rows = [];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** Runs each of `fns` (name → () => ms) `n` times, rotating which goes first; medians. */
function alternate(n, fns) {
  const names = Object.keys(fns);
  const t = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < n; r++)
    for (let i = 0; i < names.length; i++) {
      const k = names[(r + i) % names.length];
      t[k].push(fns[k]());
    }
  return Object.fromEntries(names.map((k) => [k, median(t[k])]));
}

function row(figure, m, target, peer = 'podman') {
  const ratio = m.dockui / m[peer];
  const extra = m.node !== undefined && peer !== 'node' ? `; ${(m.dockui / m.node).toFixed(2)}× node -e 0 (${fmt(m.node)})` : '';
  const line = `| ${figure} | ${fmt(m.dockui)} | ${peer} ${fmt(m[peer])} | **${ratio.toFixed(2)}×**${extra} | ${target} |`;
  rows.push(line);
  console.log(line);
}

function setup() {
  mkdirSync(work, { recursive: true });
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app);
  for (const d of ['bin', 'dist', 'native/build', 'package.json']) cpSync(join(top, d), join(app, d), { recursive: true });
  symlinkSync(join(top, 'node_modules'), join(app, 'node_modules'));
  ensurePodman();
  dk('pull', '-q', busybox);
  pm('pull', '-q', busybox);
}

function small() {
  for (let i = 0; i < 10; i++) {
    const name = `perf18-s${i}`;
    if (spawnSync(dockui, ['inspect', name], { env: dkEnv }).status !== 0) dk('create', '--name', name, busybox, 'true');
    if (spawnSync('podman', [...pmArgs, 'inspect', name]).status !== 0) pm('create', '--name', name, busybox, 'true');
  }
  const node = () => time(process.execPath, ['-e', '0']).ms;
  for (const [fig, a] of [
    ['`ps -a` (10 containers)', ['ps', '-a']],
    ['`images`', ['images']],
    ['`inspect NAME`', ['inspect', 'perf18-s3']],
    ['`--version`', ['--version']],
  ]) {
    dk(...a);
    pm(...a);
    const m = alternate(reps, { dockui: () => dk(...a).ms, podman: () => pm(...a).ms, node });
    row(fig, m, '≤ 1.0× podman, ≤ 1.3× node');
  }
}

function run() {
  const a = ['run', '--rm', '--network', 'none', busybox, 'true'];
  dk(...a);
  pm(...a);
  row('`run --rm --network none busybox true`', alternate(reps, { dockui: () => dk(...a).ms, podman: () => pm(...a).ms }), '≤ 0.45×');
}

function rm() {
  const n = Math.max(3, Math.min(5, Math.floor(reps / 3)));
  const make = (f, tag) => Array.from({ length: 100 }, (_, i) => f('create', '--name', `perf18-rm${tag}${i}`, busybox, 'true').out.trim());
  const t = { dockui: [], podman: [] };
  for (let r = 0; r < n; r++) {
    const order = r % 2 === 0 ? ['dockui', 'podman'] : ['podman', 'dockui'];
    const ids = { dockui: make(dk, r), podman: make(pm, r) };
    for (const k of order) t[k].push((k === 'dockui' ? dk : pm)('rm', ...ids[k]).ms);
  }
  row(`\`rm\` of 100 created containers (${n} reps)`, { dockui: median(t.dockui), podman: median(t.podman) }, '≤ 0.5×');
}

/** A 50-layer image in the fixture registry: busybox + 49 COPY layers, built and pushed by dockui. */
function layers50() {
  const ref = `${reg}/perf18/layers50:latest`;
  if (spawnSync('curl', ['-sf', `http://${reg}/v2/perf18/layers50/tags/list`]).status === 0) return ref;
  const ctx = join(work, 'ctx-layers50');
  mkdirSync(ctx, { recursive: true });
  const lines = [`FROM ${busybox}`];
  for (let i = 0; i < 49; i++) {
    writeFileSync(join(ctx, `f${i}`), `layer ${i}\n${'y'.repeat(4096 * (1 + (i % 8)))}\n`);
    lines.push(`COPY f${i} /data/f${i}`);
  }
  writeFileSync(join(ctx, 'Dockerfile'), `${lines.join('\n')}\n`);
  dk('build', '-q', '-t', ref, ctx);
  dk('push', ref);
  return ref;
}

function pull() {
  const n = Math.max(5, Math.floor(reps / 2));
  for (const [label, ref] of [
    ['fixture/busybox', busybox],
    ['fixture/big (135 MB)', `${reg}/fixture/big:latest`],
    ['perf18/layers50 (50 layers)', layers50()],
  ]) {
    let k = 0;
    const fresh = (what) => {
      const d = join(work, `pull-${what}-${k++}`);
      rmSync(d, { recursive: true, force: true });
      return d;
    };
    const m = alternate(n, {
      dockui: () => {
        const d = fresh('dk');
        const ms = time(dockui, ['pull', '-q', ref], {
          env: { ...process.env, DOCKUI_ROOT: join(d, 'root'), DOCKUI_RUNROOT: join(d, 'run') },
        }).ms;
        rmSync(d, { recursive: true, force: true });
        return ms;
      },
      skopeo: () => {
        const d = fresh('sk');
        const ms = time('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${d}:x`]).ms;
        rmSync(d, { recursive: true, force: true });
        return ms;
      },
    });
    row(`\`pull\` ${label} (${n} reps)`, m, '≤ 1.5× skopeo', 'skopeo');
  }
}

async function build() {
  const n = Math.max(5, Math.floor(reps / 2));
  const ctx = join(work, 'ctx-1000');
  rmSync(ctx, { recursive: true, force: true });
  for (let i = 0; i < 1000; i++) {
    const sub = join(ctx, 'src', `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), `file ${i}\n${'x'.repeat(100 + (i % 200))}\n`);
  }
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${busybox}\nWORKDIR /app\nCOPY . .\nCMD ["sh", "-c", "ls -R /app | wc -l"]\n`);
  writeFileSync(join(ctx, '.dockerignore'), '.git\n');
  // dockerd 20.10 on its own socket, data root and exec root; no bridge, no iptables.
  const sock = '/run/perf18-docker.sock';
  const data = '/var/tmp/perf18-docker';
  const exec = '/var/tmp/perf18-docker-exec';
  const d = spawn(
    'dockerd',
    [
      '--host',
      `unix://${sock}`,
      '--data-root',
      data,
      '--exec-root',
      exec,
      '--pidfile',
      `${exec}.pid`,
      '--bridge',
      'none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-masq=false',
      '--insecure-registry',
      reg,
      '--exec-opt',
      'native.cgroupdriver=cgroupfs',
    ],
    // Its log goes to a file: a pipe would fill while spawnSync blocks this loop, and dockerd
    // (and the build it serves) would hang writing to it.
    { stdio: ['ignore', 'ignore', openSync(`${exec}.log`, 'w')] },
  );
  const tailLog = () => {
    try {
      return readFileSync(`${exec}.log`, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  const denv = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_BUILDKIT: '1' };
  const docker = (...a) => time('/usr/bin/docker', a, { env: denv });
  try {
    for (let i = 0; ; i++) {
      if (spawnSync('/usr/bin/docker', ['version'], { env: denv }).status === 0) break;
      if (i > 300 || d.exitCode !== null) throw new Error(`dockerd did not start: ${tailLog()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    docker('pull', '-q', busybox);
    const dkb = () => {
      rmSync(join(dkEnv.DOCKUI_ROOT, 'build-cache'), { recursive: true, force: true });
      return dk('build', '-q', '-t', 'perf18-bench:1000', ctx).ms;
    };
    const dob = () => docker('build', '-q', '--no-cache', '-t', 'perf18-bench:1000', ctx).ms;
    dkb();
    dob();
    row(`\`build\` cold, 1k files (${n} reps)`, alternate(n, { dockui: dkb, docker: dob }), '≤ 0.9× docker', 'docker');
  } finally {
    d.kill('SIGTERM');
    await new Promise((r) => (d.exitCode !== null ? r() : d.on('exit', r)));
    // dockerd's containerd leaves no mounts for a COPY-only build; anything under the roots goes.
    spawnSync('bash', ['-c', `grep -o '${data}[^ ]*\\|${exec}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
    rmSync(data, { recursive: true, force: true });
    rmSync(exec, { recursive: true, force: true });
    rmSync(`${exec}.log`, { force: true });
    rmSync(sock, { force: true });
  }
}

const probe0 = cpuProbe();
const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
setup();
console.log(`| figure | dockui | peer | ratio | target |\n|---|---|---|---|---|`);
if (only.has('small')) small();
if (only.has('run')) run();
if (only.has('rm')) rm();
if (only.has('pull')) pull();
if (only.has('build')) await build();
const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
console.log(
  `\nreps ${reps}; load average ${load0} → ${load1}; CPU probe (sha256 of 128 MiB) ${probe0.toFixed(3)} s → ${cpuProbe().toFixed(3)} s; ${new Date().toISOString().slice(0, 16)}Z`,
);
