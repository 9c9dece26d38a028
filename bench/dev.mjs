#!/usr/bin/env node
// Save-to-serving: a file is written → a request on the published port sees the new content.
// dockui: the real `dockui dev` process (rebuild mode: no sync rule; sync mode: a sync rule for
// www/). podman: the same loop a script would run (build, stop -t 1, rm, run -d). Same
// 200-file context, same base image (the host's busybox-static), alternating, medians.
//
//   node bench/dev.mjs [--runs 10] [--files 200]
//   node bench/dev.mjs --before DIR [--runs 10]: no podman; the same two loops run by a second
//   build (a built tree with bin/, dist/, node_modules, e.g. a worktree of an older commit) on its
//   own root, saves alternating between the builds; prints paired medians and ratios.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePodman, median, cpuProbe } from './lib/peers.mjs';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : Number(args[i + 1]);
};
const runs = opt('runs', 10);
const files = opt('files', 200);
const dockui = join(top, 'bin/dockui.js');
const beforeIdx = args.indexOf('--before');
const beforeBin = beforeIdx === -1 ? undefined : join(resolve(args[beforeIdx + 1]), 'bin/dockui.js');

const work = mkdtempSync(join(tmpdir(), 'dockui-bench-dev-'));
const root = join(work, 'root');

function makeApp(dir, { sync }) {
  mkdirSync(join(dir, 'data'), { recursive: true });
  mkdirSync(join(dir, 'www'), { recursive: true });
  for (let i = 0; i < files - 2; i++) writeFileSync(join(dir, 'data', `f${i}.txt`), `file ${i}\n`);
  writeFileSync(join(dir, 'www/index.html'), 'start\n');
  writeFileSync(
    join(dir, 'Dockerfile'),
    // The shell exits on SIGTERM (httpd as pid 1 would ignore it), so podman's `stop -t 1` is
    // not charged a grace period the app does not need (peers.md measured it that way too).
    'FROM localhost/busybox:static\nCOPY data/ /data/\nCOPY www/ /www/\nEXPOSE 8080\n' +
      'CMD ["sh", "-c", "trap \'exit 0\' TERM; httpd -f -p 8080 -h /www & wait"]\n',
  );
  if (sync) writeFileSync(join(dir, 'dockui.json'), JSON.stringify({ sync: [{ src: 'www', dest: '/www' }] }));
}

async function body(port) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(1000) });
    return await r.text();
  } catch {
    return '';
  }
}

/** Writes a new token into www/index.html and times until the port serves it. */
async function saveToServing(dir, port, token, deadlineMs = 30_000) {
  const t0 = performance.now();
  writeFileSync(join(dir, 'www/index.html'), `${token}\n`);
  for (;;) {
    if ((await body(port)).includes(token)) return performance.now() - t0;
    if (performance.now() - t0 > deadlineMs) throw new Error(`timed out waiting for ${token} on ${port}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function waitServing(port, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await body(port)) !== '') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`nothing served on ${port}`);
}

function startDockuiDev(dir, port, bin = dockui, r = root) {
  const child = spawn(process.execPath, [bin, '--root', r, 'dev', '-p', `127.0.0.1:${port}:8080`, '--name', `bench-${port}`, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return { child, log: () => out };
}

/** --before: the rebuild and sync loops of two builds, each on its own root, saves alternating. */
async function compare() {
  const rootB = join(work, 'root-before');
  for (const [bin, r] of [
    [dockui, root],
    [beforeBin, rootB],
  ]) {
    execFileSync('bash', [join(top, 'scripts/make-base-image.sh'), '--root', r], { stdio: 'inherit' });
    execFileSync(process.execPath, [bin, '--root', r, 'tag', 'busybox:static', 'localhost/busybox:static']);
  }
  const loops = [
    ['after rebuild', false, 18721, dockui, root],
    ['before rebuild', false, 18722, beforeBin, rootB],
    ['after sync', true, 18723, dockui, root],
    ['before sync', true, 18724, beforeBin, rootB],
  ].map(([name, sync, port, bin, r]) => {
    const dir = join(work, `app-${port}`);
    makeApp(dir, { sync });
    return { name, port, dir, bin, r, dev: startDockuiDev(dir, port, bin, r), xs: [] };
  });
  try {
    for (const l of loops) await waitServing(l.port);
    const probe0 = cpuProbe();
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? loops : [loops[1], loops[0], loops[3], loops[2]];
      for (const l of order) {
        l.xs.push(await saveToServing(l.dir, l.port, `${l.port}-${i}-${Date.now()}`));
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    const probe1 = cpuProbe();
    const m = Object.fromEntries(loops.map((l) => [l.name, median(l.xs)]));
    console.log(
      `dev loop A/B, ${files}-file context, ${runs} saves each, alternating (CPU probe ${probe0.toFixed(2)} → ${probe1.toFixed(2)} s)`,
    );
    for (const k of ['rebuild', 'sync'])
      console.log(
        `  ${k}: ${m[`before ${k}`].toFixed(0)} → ${m[`after ${k}`].toFixed(0)} ms (${(m[`after ${k}`] / m[`before ${k}`]).toFixed(2)}×)`,
      );
    console.log(JSON.stringify(Object.fromEntries(loops.map((l) => [l.name, l.xs.map(Math.round)]))));
  } finally {
    for (const l of loops) l.dev.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1500));
    for (const l of loops) execFileSync('bash', ['-c', `node ${l.bin} --root ${l.r} rm -f bench-${l.port} >/dev/null 2>&1 || true`]);
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: top, stdio: 'inherit' });
  if (beforeBin) return compare();
  ensurePodman();
  // The same base image in both: the host's busybox-static.
  execFileSync('bash', [join(top, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'inherit' });
  execFileSync(process.execPath, [dockui, '--root', root, 'tag', 'busybox:static', 'localhost/busybox:static']);
  const rootfsTar = join(work, 'rootfs.tar');
  {
    // podman import of the same tree (made the same way as scripts/make-base-image.sh does).
    const t = join(work, 'rootfs');
    execFileSync('bash', [
      '-c',
      `set -e; mkdir -p ${t}/bin ${t}/etc ${t}/tmp ${t}/proc ${t}/sys ${t}/dev; cp "$(command -v busybox)" ${t}/bin/busybox; ` +
        `for a in $(busybox --list); do [ "$a" = busybox ] || ln -sf busybox ${t}/bin/$a; done; ` +
        `printf 'root:x:0:0:root:/root:/bin/sh\\n' > ${t}/etc/passwd; printf 'root:x:0:\\n' > ${t}/etc/group; ` +
        `tar -C ${t} -cf ${rootfsTar} .; podman import -q ${rootfsTar} localhost/busybox:static >/dev/null`,
    ]);
  }

  const probe0 = cpuProbe();
  const results = { rebuild: [], sync: [], podman: [] };

  const rebuildDir = join(work, 'app-rebuild');
  const syncDir = join(work, 'app-sync');
  const podDir = join(work, 'app-podman');
  makeApp(rebuildDir, { sync: false });
  makeApp(syncDir, { sync: true });
  makeApp(podDir, { sync: false });

  const pRe = 18711,
    pSy = 18712,
    pPo = 18713;
  const devRe = startDockuiDev(rebuildDir, pRe);
  const devSy = startDockuiDev(syncDir, pSy);
  await waitServing(pRe);
  await waitServing(pSy);

  const pod = (...a) => execFileSync('podman', a, { stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync('bash', ['-c', 'podman rm -f bench-podman >/dev/null 2>&1 || true']);
  pod('build', '-q', '-t', 'bench-app:dev', podDir);
  pod('run', '-d', '--name', 'bench-podman', '-p', `127.0.0.1:${pPo}:8080`, 'bench-app:dev');
  await waitServing(pPo);

  const podmanLoop = async (token) => {
    const t0 = performance.now();
    writeFileSync(join(podDir, 'www/index.html'), `${token}\n`);
    pod('build', '-q', '-t', 'bench-app:dev', podDir);
    pod('stop', '-t', '1', 'bench-podman');
    pod('rm', 'bench-podman');
    pod('run', '-d', '--name', 'bench-podman', '-p', `127.0.0.1:${pPo}:8080`, 'bench-app:dev');
    for (;;) {
      if ((await body(pPo)).includes(token)) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  try {
    for (let i = 0; i < runs; i++) {
      results.podman.push(await podmanLoop(`podman-${i}-${Date.now()}`));
      results.rebuild.push(await saveToServing(rebuildDir, pRe, `rebuild-${i}-${Date.now()}`));
      await new Promise((r) => setTimeout(r, 300)); // let the loop settle (and the old container go)
      results.sync.push(await saveToServing(syncDir, pSy, `sync-${i}-${Date.now()}`));
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    devRe.child.kill('SIGINT');
    devSy.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 500));
    execFileSync('bash', [
      '-c',
      `podman rm -f bench-podman >/dev/null 2>&1 || true; node ${dockui} --root ${root} rm -f bench-${pRe} bench-${pSy} >/dev/null 2>&1 || true`,
    ]);
  }
  const probe1 = cpuProbe();
  const m = { rebuild: median(results.rebuild), sync: median(results.sync), podman: median(results.podman) };
  const line = (k) => `| ${k} | ${(m[k] / 1000).toFixed(3)} s | ${(m[k] / m.podman).toFixed(2)}× |`;
  const report = [
    `Save-to-serving, ${files}-file context, median of ${runs} (CPU probe ${probe0.toFixed(2)} s → ${probe1.toFixed(2)} s)`,
    '',
    '| loop | median | vs podman |',
    '|---|---|---|',
    line('rebuild'),
    line('sync'),
    `| podman (build, stop -t 1, rm, run -d) | ${(m.podman / 1000).toFixed(3)} s | 1.00× |`,
  ].join('\n');
  console.log(report);
  console.log(JSON.stringify({ raw: results }, null, 0));
  if (!existsSync(join(work, 'keep'))) rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
