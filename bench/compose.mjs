#!/usr/bin/env node
// `compose up -d` (images already built) and `down` of examples/compose-app: dockui against
// podman-compose in the same run, alternating, medians of N (default 7). podman-compose 1.0.3
// (Debian) crashes on the map form of `networks:` with aliases, so both run a copy of the example
// whose api lists its networks; podman-compose 1.0.3 ignores `profiles:` (it would start the
// debug profile's toolbox too), so the copy has no toolbox: both start the same three services.
// podman-compose does not wait for service_healthy (it starts api at once); dockui does, so its
// up includes cache's healthcheck.
// Needs: podman, podman-compose, busybox-static; uses /var/tmp/dockui-bench-compose.
// Usage: node bench/compose.mjs [--reps 7]; env: DOCKUI_BENCH_TAG (work dir and project names),
// DOCKUI_BENCH_PORT (dockui's web port; podman-compose's is the next one), DOCKUI_BRIDGE_PREFIX.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reps = Number(process.argv[process.argv.indexOf('--reps') + 1] || 0) || 7;
const tag = process.env.DOCKUI_BENCH_TAG ?? '';
const port = Number(process.env.DOCKUI_BENCH_PORT ?? 24540);
const work = `/var/tmp/dockui-bench-compose${tag}`;
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const app = join(work, 'app');
cpSync(join(top, 'examples/compose-app'), app, { recursive: true });
const file = join(app, 'compose.yaml');
const yaml = readFileSync(file, 'utf8');
const changed = yaml
  .replace(/ {4}networks:\n {6}front:\n {8}aliases: \[backend\]\n {6}back: \{\}\n/, '    networks: [front, back]\n')
  .replace(/\n {2}# Only with --profile debug[^\n]*\n {2}toolbox:\n(?: {4}[^\n]*\n)+/, '\n');
if (changed.includes('aliases:') || changed.includes('toolbox:')) throw new Error('bench: the example changed; update the copy’s edits');
writeFileSync(file, changed);
const root = join(work, 'root');
const env = {
  ...process.env,
  DOCKUI_ROOT: root,
  DOCKUI_BRIDGE_PREFIX: process.env.DOCKUI_BRIDGE_PREFIX ?? 'dkbench',
  WEB_PORT: String(port),
};
const penv = { ...process.env, WEB_PORT: String(port + 1) };
const dockui = (...a) =>
  spawnSync(process.execPath, ['--', join(top, 'bin/dockui.js'), 'compose', '-p', `benchapp${tag}`, ...a], {
    cwd: app,
    env,
    encoding: 'utf8',
  });
const pc = (...a) => spawnSync('podman-compose', ['-p', `benchpc${tag}`, ...a], { cwd: app, env: penv, encoding: 'utf8' });
const timed = (f, ...a) => {
  const t = process.hrtime.bigint();
  const r = f(...a);
  if (r.status !== 0) throw new Error(`${a.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
// Images: busybox:static in both stores, the services built once by each.
execFileSync('bash', [join(top, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'ignore' });
const rootfs = join(work, 'rootfs.tar');
execFileSync('bash', [
  '-c',
  `cd ${work} && mkdir r && cd r && mkdir -p bin etc tmp proc sys dev && cp "$(command -v busybox)" bin/ && for a in $(bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox bin/$a; done && printf 'root:x:0:0:root:/root:/bin/sh\\n' > etc/passwd && tar --numeric-owner --owner=0 --group=0 -cf ${rootfs} .`,
]);
execFileSync('podman', ['import', rootfs, 'localhost/busybox:static'], { stdio: 'ignore' });
timed(dockui, 'build');
timed(pc, 'build');
const t = { 'dockui up -d': [], 'podman-compose up -d': [], 'dockui down': [], 'podman-compose down': [] };
for (let i = 0; i < reps; i++) {
  t['dockui up -d'].push(timed(dockui, 'up', '-d'));
  t['podman-compose up -d'].push(timed(pc, 'up', '-d'));
  t['dockui down'].push(timed(dockui, 'down', '-v'));
  t['podman-compose down'].push(timed(pc, 'down', '-v'));
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(
  `compose up -d / down of examples/compose-app, medians of ${reps} (ms); ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`,
);
for (const k of Object.keys(t)) console.log(`${k.padEnd(22)} ${median(t[k]).toFixed(0).padStart(7)}`);
console.log(`ratio up:   ${(median(t['dockui up -d']) / median(t['podman-compose up -d'])).toFixed(2)}x`);
console.log(`ratio down: ${(median(t['dockui down']) / median(t['podman-compose down'])).toFixed(2)}x`);
