#!/usr/bin/env node
// A store with N containers for the TUI and list benchmarks: one image built FROM scratch with
// the host's static busybox, one container really created from it (`dockui create`), and N-1
// copies of its record.json with new ids and names (the engine's own format: listing reads only
// the records; starting a copy is not what these benchmarks do). The container index is dropped
// so that the first command rebuilds it over all of them.
// Usage: node bench/make-store.mjs N ROOT
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [count, root] = [Number(process.argv[2]), process.argv[3]];
if (!(count >= 1) || !root) {
  console.error('usage: node bench/make-store.mjs N ROOT');
  process.exit(2);
}
const dk = (...a) => {
  const r = spawnSync(process.execPath, [join(top, 'bin/dockui.js'), '--root', root, ...a], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dockui ${a.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

const ctx = mkdtempSync('/var/tmp/dockui-make-store-');
try {
  copyFileSync('/bin/busybox', join(ctx, 'busybox'));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox", "sleep", "3600"]\n');
  dk('build', '-q', '-t', 'bench-store:1', ctx);
} finally {
  rmSync(ctx, { recursive: true, force: true });
}
const first = dk('create', '--name', 'bench-c0', 'bench-store:1');
const containers = join(root, 'containers');
const record = JSON.parse(readFileSync(join(containers, first, 'record.json'), 'utf8'));
for (let i = 1; i < count; i++) {
  const id = randomBytes(32).toString('hex');
  mkdirSync(join(containers, id));
  writeFileSync(join(containers, id, 'record.json'), JSON.stringify({ ...record, id, name: `bench-c${i}` }));
}
rmSync(join(containers, '.index'), { recursive: true, force: true });
const listed = dk('ps', '-a', '-q').split('\n').filter(Boolean).length;
console.log(`${root}: ${listed} containers (${readdirSync(containers).filter((d) => /^[0-9a-f]{64}$/.test(d)).length} record dirs)`);
