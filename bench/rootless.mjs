// Rootless `run --rm busybox true` (default network and --network none): dockui vs rootless
// podman (native overlay), both as the ordinary user dockuitest (scripts/rootless-user.sh) through
// runuser, alternating in one run. Medians of N (default 10) in ms and the ratio dockui/podman.
//   node bench/rootless.mjs [N] [REGISTRY]      (as root; REGISTRY defaults to 127.0.0.1:5000)
// DOCKUI_BEFORE=DIR (another checkout, built) adds it as a third tool in the same alternation,
// with its own store: the ratio after/before.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const n = Number(process.argv[2] ?? 10);
const image = `${process.argv[3] ?? '127.0.0.1:5000'}/fixture/busybox`;
const bin = join(dirname(fileURLToPath(import.meta.url)), '../bin/dockui.js');
const base = mkdtempSync(join(tmpdir(), 'dockui-bench-rootless-'));
execFileSync('chown', ['dockuitest:', base]);
const env = [`HOME=${base}`, `XDG_RUNTIME_DIR=${base}`, 'PATH=/usr/local/bin:/usr/bin:/bin'];
const as = (args) => spawnSync('runuser', ['-u', 'dockuitest', '--', 'env', ...env, ...args], { encoding: 'utf8' });
const tools = { dockui: [bin], podman: ['podman'] };
if (process.env.DOCKUI_BEFORE) {
  const home = mkdtempSync(join(base, 'before-'));
  execFileSync('chown', ['dockuitest:', home]);
  // its own store and namespace: HOME and XDG_RUNTIME_DIR of its own
  tools.before = ['env', `HOME=${home}`, `XDG_RUNTIME_DIR=${home}`, join(process.env.DOCKUI_BEFORE, 'bin/dockui.js')];
}
for (const [name, cmd] of Object.entries(tools)) {
  const r = as([...cmd, 'pull', '-q', image]);
  if (r.status !== 0) throw new Error(`${name} pull: ${r.stderr}`);
  as([...cmd, 'run', '--rm', image, 'true']); // warm: dockui's pause process, podman's
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const extra of [[], ['--network', 'none']]) {
  const times = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
  for (let i = 0; i < n; i++)
    for (const [name, cmd] of Object.entries(tools)) {
      const t = process.hrtime.bigint();
      const r = as([...cmd, 'run', '--rm', ...extra, image, 'true']);
      times[name].push(Number(process.hrtime.bigint() - t) / 1e6);
      if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    }
  const d = median(times.dockui);
  const p = median(times.podman);
  console.log(`run --rm ${extra.join(' ')} true: dockui ${d.toFixed(0)} ms, podman ${p.toFixed(0)} ms, ratio ${(d / p).toFixed(2)}`);
  if (times.before) {
    const b = median(times.before);
    console.log(`  before ${b.toFixed(0)} ms (ratio to podman ${(b / p).toFixed(2)}), after/before ${(d / b).toFixed(2)}`);
  }
}
as(['podman', 'system', 'reset', '-f']);
spawnSync('sh', [
  '-c',
  `kill $(cat ${base}/dockui-userns.pid ${base}/before-*/dockui-userns.pid 2>/dev/null) 2>/dev/null; sleep 0.2; rm -rf ${base}`,
]);
console.log(`load: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`);
