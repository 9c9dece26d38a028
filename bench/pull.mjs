#!/usr/bin/env node
// Pull benchmark: cold pull of fixture/big (busybox + 4 × 32 MiB incompressible layers,
// 135 MB compressed) by dockui, by `podman pull` (download and unpack, like dockui) and by
// `skopeo copy docker://… oci:DIR` (download only), alternating, medians and ratios.
//
//   node bench/pull.mjs [--runs N] [--registry 127.0.0.1:5000] [--warm] [--write]
//
// --write puts the figures into the "## Pull" section of BENCHMARKS.md. Needs root (drops the
// page cache between runs, podman), the plain fixture registry, and dist/ (npm run build).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const runs = Number(opt('runs', '5'));
const reg = opt('registry', '127.0.0.1:5000');
const write = args.includes('--write');
// --warm: keep the page cache (the registry's files stay cached, as on a registry host that serves them often).
const warm = args.includes('--warm');
const ref = `${reg}/fixture/big:latest`;
const fixtures = process.env.DOCKUI_FIXTURES ?? resolve(top, '../shared/fixtures');

// podman refuses plain HTTP unless the registry is marked insecure (../shared/peers.md).
const podmanConf = '/etc/containers/registries.conf.d/50-local.conf';
if (!existsSync(podmanConf) || !readFileSync(podmanConf, 'utf8').includes(reg)) {
  mkdirSync(dirname(podmanConf), { recursive: true });
  writeFileSync(podmanConf, `[[registry]]\nlocation = "${reg}"\ninsecure = true\n`);
  console.error(`wrote ${podmanConf}`);
}

// fixture/big is seeded on demand: it is large and only this benchmark needs it.
const seeded = spawnSync('curl', ['-sf', `http://${reg}/v2/fixture/big/tags/list`], { encoding: 'utf8' });
if (seeded.status !== 0 || !seeded.stdout.includes('latest')) {
  console.error('seeding fixture/big …');
  execFileSync('bash', [join(fixtures, 'registry.sh'), 'seed', reg, '--big'], { stdio: 'inherit' });
}

function dropCaches() {
  spawnSync('sync');
  if (warm) return;
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
  } catch {
    /* not root: cold-ish only */
  }
}

function timed(cmd, argv, env) {
  dropCaches();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr || r.stdout}`);
  return s;
}

function cpuProbe() {
  const buf = Buffer.alloc(128 << 20, 7);
  const t0 = process.hrtime.bigint();
  createHash('sha256').update(buf).digest();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const work = mkdtempSync(join(tmpdir(), 'dockui-bench-pull-'));
const tools = {
  dockui: (dir) => timed(process.execPath, [join(top, 'bin/dockui.js'), 'pull', '-q', ref], { DOCKUI_ROOT: dir }),
  podman: (dir) =>
    timed('podman', ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--storage-driver', 'overlay', 'pull', '-q', ref]),
  skopeo: (dir) => timed('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${join(dir, 'oci')}:big`]),
};
const times = { dockui: [], podman: [], skopeo: [] };
const probeStart = cpuProbe();
const loadStart = loadavg()[0];
try {
  for (let i = 0; i < runs; i++) {
    // Alternate the order so drift hits every tool alike.
    const order = i % 2 === 0 ? ['dockui', 'podman', 'skopeo'] : ['skopeo', 'podman', 'dockui'];
    for (const t of order) {
      const dir = join(work, `${t}-${i}`);
      mkdirSync(dir, { recursive: true });
      times[t].push(tools[t](dir));
      if (t === 'podman')
        spawnSync('podman', ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), 'system', 'reset', '-f'], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
    process.stderr.write(
      `run ${i + 1}/${runs}: ${Object.entries(times)
        .map(([k, v]) => `${k} ${v[v.length - 1].toFixed(2)}s`)
        .join(', ')}\n`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const probeEnd = cpuProbe();
const loadEnd = loadavg()[0];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const vsPodman = med.dockui / med.podman;
const vsSkopeo = med.dockui / med.skopeo;
const lines = [
  `| tool | median (s) | runs (s) |`,
  `|---|---|---|`,
  ...Object.entries(times).map(([k, v]) => `| ${k} | ${med[k].toFixed(3)} | ${v.map((x) => x.toFixed(2)).join(' ')} |`),
  '',
  `dockui / podman = **${vsPodman.toFixed(2)}×** (target ≤ 0.75×), dockui / skopeo = **${vsSkopeo.toFixed(2)}×** (target ≤ 2×).`,
  `CPU probe (sha256 of 128 MiB) ${probeStart.toFixed(3)} s at the start, ${probeEnd.toFixed(3)} s at the end; ` +
    `load average ${loadStart.toFixed(1)} → ${loadEnd.toFixed(1)} (other work on the 2 cores shifts every tool's time).`,
];
console.log(lines.join('\n'));
if (write) {
  const file = join(top, 'BENCHMARKS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = [
    '## Pull',
    '',
    `Cold pull of fixture/big (135 MB compressed, 5 layers) from the plain fixture registry on loopback; page cache`,
    `dropped before every run; ${runs} runs per tool, alternating; ${new Date().toISOString().slice(0, 16)}Z.`,
    'dockui and podman download and unpack; skopeo only downloads (to an OCI folder).',
    '',
    ...lines,
    '',
    'Reproduce: `npm run build && node bench/pull.mjs --runs ' + runs + ' --write`',
    '',
  ].join('\n');
  const re = /## Pull\n[\s\S]*?(?=\n## |$)/;
  writeFileSync(file, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`);
  console.error('updated BENCHMARKS.md');
}
