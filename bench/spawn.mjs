#!/usr/bin/env node
// child_process against execa 9 for what dockui does with a helper process off the hot paths:
// a credential helper (`docker-credential-X get`: JSON in on stdin, JSON out). Figures: the
// first-use cost (a fresh Node loading execa vs node:child_process, as a CLI command pays it),
// and one helper round trip once loaded. Medians, the two alternating.
// Usage: node bench/spawn.mjs [--runs 21]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 21) || 21;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'dockui-spawn-'));
const helper = join(dir, 'docker-credential-bench');
writeFileSync(helper, '#!/bin/sh\ncat >/dev/null\necho \'{"Username":"u","Secret":"s"}\'\n');
chmodSync(helper, 0o755);

function viaSpawn() {
  return new Promise((resolve, reject) => {
    const child = spawn(helper, ['get'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end('127.0.0.1:5000');
  });
}
const viaExeca = async () => {
  const r = await execa(helper, ['get'], { input: '127.0.0.1:5000', reject: false });
  return { code: r.exitCode, out: r.stdout };
};
const load = (what) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', what], { cwd: process.cwd() });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return Number(process.hrtime.bigint() - t) / 1e6;
};

const t = { spawn: [], execa: [], loadCp: [], loadExeca: [] };
for (let i = 0; i < runs; i++) {
  for (const [k, fn] of i % 2
    ? [
        ['execa', viaExeca],
        ['spawn', viaSpawn],
      ]
    : [
        ['spawn', viaSpawn],
        ['execa', viaExeca],
      ]) {
    const t0 = process.hrtime.bigint();
    const r = await fn();
    if (r.code !== 0 || !r.out.includes('Secret')) throw new Error(`${k}: ${JSON.stringify(r)}`);
    t[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.loadCp.push(load("await import('node:child_process')"));
  t.loadExeca.push(load("await import('execa')"));
}
rmSync(dir, { recursive: true });
const f = (x) => `${x.toFixed(1)} ms`;
console.log(`medians of ${runs}, alternating; load = a fresh node importing the module, Node's start included`);
console.log(
  `first use: node:child_process ${f(median(t.loadCp))}, execa ${f(median(t.loadExeca))} (+${f(median(t.loadExeca) - median(t.loadCp))})`,
);
console.log(`helper round trip: child_process.spawn ${f(median(t.spawn))}, execa ${f(median(t.execa))}`);
