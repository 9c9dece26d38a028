#!/usr/bin/env node
// Run benchmark: dockui against raw `runc run` of a prepared bundle and `podman run`, in one
// run, alternating tools, medians of N. Figures:
//   - CLI `run --rm fixture/busybox true`, default network and --network none (vs podman)
//   - a container start inside one engine process (what the TUI does) vs raw runc run
//   - a run -d / stop -t 1 / rm cycle (vs podman)
//   - `ps -a` with 100 containers (vs podman ps -a with 100)
// Writes the "## Run" section of BENCHMARKS.md. Usage: node bench/run.mjs [--reps 10] [--no-write]
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuProbe, ensurePodman, median } from './lib/peers.mjs';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : args[i + 1];
};
const reps = Number(opt('reps', '10'));
const write = !args.includes('--no-write');
const registry = process.env.DOCKUI_TEST_REGISTRY ?? '127.0.0.1:5000';
const image = `${registry}/fixture/busybox:latest`;
const work = '/var/tmp/dockui-bench-run';
const root = join(work, 'root');
// A snapshot of the build: other work in this tree rebuilds dist/ while the bench runs.
const app = join(work, 'app');
const dockui = join(app, 'bin/dockui.js');
const env = { ...process.env, DOCKUI_ROOT: root };
const targets = { cliRun: 0.5, engineStart: 2.0, ps: 1.5 };

function time(cmd, argv, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env: opts.env ?? env, encoding: 'utf8', maxBuffer: 16 << 20 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== (opts.expect ?? 0)) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-1500)}`);
  return { s, out: r.stdout };
}
// dockui is run as a user runs it: the bin file itself (its #! launcher included).
const dk = (...a) => time(dockui, a);
const pm = (...a) => time('podman', a);

function ensureRegistry() {
  const sh = resolve(top, '../shared/fixtures/registry.sh');
  try {
    execFileSync('curl', ['-sf', `http://${registry}/v2/fixture/busybox/tags/list`], { stdio: 'ignore' });
  } catch {
    execFileSync('bash', [sh, 'start', registry.split(':')[1]], { stdio: 'inherit' });
    execFileSync('bash', [sh, 'seed', registry], { stdio: 'inherit' });
  }
}

/** A bundle for raw runc: busybox-static with its applets, `runc spec` with `true`, no tty. */
function prepareBundle() {
  const b = join(work, 'bundle');
  rmSync(b, { recursive: true, force: true });
  mkdirSync(join(b, 'rootfs/bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(b, 'rootfs/bin/busybox'));
  for (const a of ['sh', 'true', 'sleep']) symlinkSync('busybox', join(b, 'rootfs/bin', a));
  execFileSync('runc', ['spec'], { cwd: b });
  const spec = JSON.parse(readFileSync(join(b, 'config.json'), 'utf8'));
  spec.process.terminal = false;
  spec.process.args = ['true'];
  spec.process.rlimits = [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }];
  writeFileSync(join(b, 'config.json'), JSON.stringify(spec));
  return b;
}

const fmt = (s) => `${(s * 1000).toFixed(0)} ms`;
const row = (name, a, b, peer, target) => {
  const ratio = a / b;
  const ok = target === undefined ? '' : ratio <= target ? 'met' : 'missed';
  return `| ${name} | ${fmt(a)} | ${fmt(b)} (${peer}) | ${ratio.toFixed(2)}× | ${target === undefined ? '—' : `≤ ${target}× ${ok}`} |`;
};

async function main() {
  ensureRegistry();
  ensurePodman();
  // podman's tmpdir vanishes when /run is cleaned under it; it does not recreate it itself.
  mkdirSync('/run/libpod', { recursive: true });
  // A run cut short leaves its containers' mounts: detach them before removing the tree.
  spawnSync('sh', ['-c', `grep -o " ${work}/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l`]);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: top, stdio: 'ignore' });
  for (const d of ['dist', 'bin', 'native/build']) cpSync(join(top, d), join(app, d), { recursive: true });
  copyFileSync(join(top, 'package.json'), join(app, 'package.json'));
  symlinkSync(join(top, 'node_modules'), join(app, 'node_modules'));
  dk('version');
  // Only this bench's podman containers (labelled) are cleared: other benches share podman.
  pm('container', 'prune', '-f', '--filter', 'label=dockui-bench=run');
  dk('pull', '-q', image);
  pm('pull', '-q', image);
  const bundle = prepareBundle();
  const runcRoot = join(work, 'runc-root');
  const probe0 = cpuProbe();

  // Warm both once (page cache, podman's storage set-up).
  dk('run', '--rm', image, 'true');
  pm('run', '--rm', image, 'true');

  const r = { dkRun: [], pmRun: [], dkNone: [], pmNone: [], runc: [], engine: [], dkCycle: [], pmCycle: [], node: [], nodeNoCa: [] };
  const withoutCa = { ...env };
  delete withoutCa.NODE_EXTRA_CA_CERTS;
  const { Containers } = await import(pathToFileURL(join(app, 'dist/engine/runtime/containers.js')).href);
  const { resolvePaths } = await import(pathToFileURL(join(app, 'dist/engine/paths.js')).href);
  const engine = new Containers(resolvePaths({ root }));
  const cycleCmd = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'];
  for (let i = 0; i < reps; i++) {
    r.dkRun.push(dk('run', '--rm', image, 'true').s);
    r.pmRun.push(pm('run', '--rm', image, 'true').s);
    r.dkNone.push(dk('run', '--rm', '--network', 'none', image, 'true').s);
    r.pmNone.push(pm('run', '--rm', '--network', 'none', image, 'true').s);
    r.node.push(time(process.execPath, ['-e', '0']).s);
    r.nodeNoCa.push(time(process.execPath, ['-e', '0'], { env: withoutCa }).s);
    r.runc.push(time('runc', ['--root', runcRoot, 'run', '--bundle', bundle, `bench-${i}`]).s);
    // In one engine process: a pre-created container, start → exited (what the TUI's start does).
    const rec = await engine.create({ image, cmd: ['true'], network: 'none' });
    const t0 = process.hrtime.bigint();
    await engine.start(rec.id, { foreground: true });
    await engine.wait(rec.id);
    r.engine.push(Number(process.hrtime.bigint() - t0) / 1e9);
    await engine.remove(rec.id);
    const c0 = process.hrtime.bigint();
    const id = dk('run', '-d', image, ...cycleCmd).out.trim();
    dk('stop', '-t', '1', id);
    dk('rm', id);
    r.dkCycle.push(Number(process.hrtime.bigint() - c0) / 1e9);
    const p0 = process.hrtime.bigint();
    const pid = pm('run', '-d', image, ...cycleCmd).out.trim();
    pm('stop', '-t', '1', pid);
    pm('rm', pid);
    r.pmCycle.push(Number(process.hrtime.bigint() - p0) / 1e9);
  }

  // ps -a with 100 containers each.
  const made = [];
  for (let i = 0; i < 100; i++) {
    made.push(dk('create', '--network', 'none', image, 'true').out.trim());
    pm('create', '--label', 'dockui-bench=run', '--network', 'none', image, 'true');
  }
  const dkPs = [];
  const pmPs = [];
  for (let i = 0; i < reps; i++) {
    const a = dk('ps', '-a');
    dkPs.push(a.s);
    if (a.out.trim().split('\n').length !== 101) throw new Error(`dockui ps -a listed ${a.out.trim().split('\n').length - 1}`);
    pmPs.push(pm('ps', '-a').s);
  }
  dk('container', 'prune', '-f');
  pm('container', 'prune', '-f', '--filter', 'label=dockui-bench=run');
  const probe1 = cpuProbe();

  const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
  const lines = [
    `Command: \`node bench/run.mjs --reps ${reps}\` (medians of ${reps}, tools alternating; ` +
      `podman ${execFileSync('podman', ['--version'], { encoding: 'utf8' }).trim().split(' ').pop()}, ` +
      `${execFileSync('runc', ['--version'], { encoding: 'utf8' }).split('\n')[0]}). ` +
      `CPU probe (sha256 of 128 MiB) ${probe0.toFixed(2)} s at the start, ${probe1.toFixed(2)} s at the end. ` +
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    '| figure | dockui | peer | ratio | target |',
    '|---|---|---|---|---|',
    row('`run --rm fixture/busybox true` (default network)', m.dkRun, m.pmRun, 'podman run --rm', targets.cliRun),
    row('`run --rm --network none fixture/busybox true`', m.dkNone, m.pmNone, 'podman run --rm --network none', targets.cliRun),
    row(
      'container start → exited inside one engine process (`true`, no network)',
      m.engine,
      m.runc,
      'raw `runc run` of a bundle',
      targets.engineStart,
    ),
    row('`run -d` + `stop -t 1` + `rm` (exits on SIGTERM)', m.dkCycle, m.pmCycle, 'podman', undefined),
    row('`ps -a` with 100 containers', median(dkPs), median(pmPs), 'podman ps -a with 100', targets.ps),
    '',
    `Node's own start-up in this run: ${fmt(median(r.node))} (\`node -e 0\` with this machine's NODE_EXTRA_CA_CERTS), ` +
      `${fmt(median(r.nodeNoCa))} without it. dockui is run through its bin, as a user runs it: the launcher hands ` +
      'NODE_EXTRA_CA_CERTS to dockui (loaded at the first HTTPS connection) and Node starts without it. ' +
      'The CLI `run --rm` is the launcher + node + the CLI bundle (V8 code cache) + create (record, overlay mount, spec) ' +
      '+ `runc run` in the foreground (seccomp and cgroups included) + the removal; the engine start releases runc init ' +
      'through its exec fifo (what `runc start` does) and answers once conmon has the exit code, freeing the mount ' +
      'and runc state behind it.',
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(text + '\n');
  if (write) {
    const file = join(top, 'BENCHMARKS.md');
    const cur = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
    const start = cur.indexOf('## Run\n');
    const section = `## Run\n\n${text}\n`;
    let next;
    if (start === -1) next = `${cur.trimEnd()}\n\n${section}`;
    else {
      const end = cur.indexOf('\n## ', start + 1);
      next = cur.slice(0, start) + section + (end === -1 ? '' : cur.slice(end + 1));
    }
    writeFileSync(file, next);
  }
  void made;
}

await main();
