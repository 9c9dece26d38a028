#!/usr/bin/env node
// Engine API bench: `dockui system service` against `podman system service`, the same calls
// through each socket in one run, alternating every repetition:
//   - GET /containers/json (a batch of 20 on a kept-alive connection; per-request time)
//   - create + start + wait + remove of `true` through raw API calls (network none; default network)
//   - `docker run --rm fixture/busybox true` with Debian's docker 20.10 client (default network; none)
// Usage: node bench/api.mjs [--reps 9] [--write]   (needs root, runc, podman; npm run build first)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuProbe, ensurePodman, median } from './lib/peers.mjs';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const reps = Number(args.includes('--reps') ? args[args.indexOf('--reps') + 1] : 9);
const registry = process.env.DOCKUI_TEST_REGISTRY ?? '127.0.0.1:5000';
const image = `${registry}/fixture/busybox:latest`;
const work = '/var/tmp/dockui-api16-bench';
const sockDir = '/run/dockui-api16';
const docker = '/usr/bin/docker';

/** One request; a kept-alive connection the server closed meanwhile is retried once on a new one. */
async function call(agent, socket, method, path, body) {
  try {
    return await call1(agent, socket, method, path, body);
  } catch (e) {
    if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') throw e;
    return call1(agent, socket, method, path, body);
  }
}

function call1(agent, socket, method, path, body) {
  return new Promise((res, rej) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath: socket,
        agent,
        method,
        path,
        headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {},
      },
      (r) => {
        let text = '';
        r.on('data', (d) => (text += d));
        r.on('end', () => (r.statusCode >= 400 ? rej(new Error(`${method} ${path}: ${r.statusCode} ${text}`)) : res(text)));
      },
    );
    req.on('error', rej);
    req.end(data);
  });
}

async function startServices() {
  ensurePodman();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(sockDir, { recursive: true });
  const dk = join(sockDir, 'bench-dockui.sock');
  const pm = join(sockDir, 'bench-podman.sock');
  for (const s of [dk, pm]) rmSync(s, { force: true });
  const dockui = spawn(process.execPath, ['--', join(top, 'bin/dockui.js'), 'system', 'service', '--time', '0', `unix://${dk}`], {
    env: { ...process.env, DOCKUI_ROOT: join(work, 'dockui') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pmRoot = ['--root', join(work, 'podman/root'), '--runroot', join(work, 'podman/run'), '--tmpdir', join(work, 'podman/tmp')];
  const podman = spawn('podman', [...pmRoot, 'system', 'service', '--time', '0', `unix://${pm}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; !(existsSync(dk) && existsSync(pm)); i++) {
    if (i > 500) throw new Error('services did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { dk, pm, procs: [dockui, podman] };
}

async function lifecycle(agent, socket, network) {
  const t0 = performance.now();
  const { Id } = JSON.parse(
    await call(agent, socket, 'POST', '/v1.41/containers/create', { Image: image, Cmd: ['true'], HostConfig: { NetworkMode: network } }),
  );
  await call(agent, socket, 'POST', `/v1.41/containers/${Id}/start`);
  const w = JSON.parse(await call(agent, socket, 'POST', `/v1.41/containers/${Id}/wait`));
  if (w.StatusCode !== 0) throw new Error(`exit ${w.StatusCode}`);
  await call(agent, socket, 'DELETE', `/v1.41/containers/${Id}?force=1`);
  return (performance.now() - t0) / 1000;
}

async function list(agent, socket) {
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) await call(agent, socket, 'GET', '/v1.41/containers/json?all=1');
  return (performance.now() - t0) / 20 / 1000;
}

function cliRun(socket, extra) {
  const t0 = performance.now();
  const r = spawnSync(docker, ['run', '--rm', ...extra, image, 'true'], {
    env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`docker run via ${socket}: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const load0 = uptime();
const cpu0 = cpuProbe();
const { dk, pm, procs } = await startServices();
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const tools = { dockui: dk, podman: pm };
const figures = {
  list: 'GET /containers/json (per request, kept-alive)',
  none: 'create + start + wait + rm `true` (API, network none)',
  net: 'create + start + wait + rm `true` (API, default network)',
  cli: '`docker run --rm busybox true` (docker 20.10 CLI, default network)',
  cliNone: '`docker run --rm --network none busybox true`',
};
const runs = Object.fromEntries(Object.keys(figures).map((f) => [f, { dockui: [], podman: [] }]));
try {
  for (const s of Object.values(tools)) {
    await call(agent, s, 'POST', `/v1.41/images/create?fromImage=${encodeURIComponent(image)}`);
    await lifecycle(agent, s, 'none'); // warm: page cache, storage set-up
    cliRun(s, []);
  }
  for (let i = 0; i < reps; i++) {
    const order = i % 2 ? ['podman', 'dockui'] : ['dockui', 'podman'];
    for (const t of order) {
      const s = tools[t];
      runs.list[t].push(await list(agent, s));
      runs.none[t].push(await lifecycle(agent, s, 'none'));
      runs.net[t].push(await lifecycle(agent, s, 'default'));
      runs.cli[t].push(cliRun(s, []));
      runs.cliNone[t].push(cliRun(s, ['--network', 'none']));
    }
  }
} finally {
  agent.destroy();
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r() : p.on('exit', r)))));
}
const cpu1 = cpuProbe();
const load1 = uptime();
const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
const clientVersion = spawnSync(docker, ['--version'], { encoding: 'utf8' }).stdout.trim();
const podmanVersion = execFileSync('podman', ['--version'], { encoding: 'utf8' }).trim();
const lines = [
  `Measured ${new Date().toISOString().slice(0, 16)}Z; medians of ${reps}, tools alternating; ${podmanVersion}; ${clientVersion}.`,
  `CPU probe (sha256 of 128 MiB) ${cpu0.toFixed(3)} s at the start, ${cpu1.toFixed(3)} s at the end. uptime before: \`${load0}\`; after: \`${load1}\` (other agents share the 2 cores).`,
  '',
  '| figure | dockui | podman | ratio |',
  '|---|---|---|---|',
  ...Object.entries(figures).map(([k, label]) => {
    const a = median(runs[k].dockui);
    const b = median(runs[k].podman);
    return `| ${label} | ${ms(a)} | ${ms(b)} | **${(a / b).toFixed(2)}×** |`;
  }),
  '',
  'Runs (ms): ' +
    Object.keys(figures)
      .map(
        (k) =>
          `${k}: dockui ${runs[k].dockui.map((x) => (x * 1000).toFixed(0)).join(' ')}; podman ${runs[k].podman.map((x) => (x * 1000).toFixed(0)).join(' ')}`,
      )
      .join(' — '),
];
console.log(lines.join('\n'));
if (args.includes('--write')) {
  const file = join(top, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const head = '## Engine API: dockui system service vs podman system service';
  const section = `${head}\n\nReproduce: \`npm run build && node bench/api.mjs --reps ${reps} --write\`\n\n${lines.join('\n')}\n`;
  const i = text.indexOf(head);
  const j = i === -1 ? -1 : text.indexOf('\n## ', i + head.length);
  writeFileSync(file, i === -1 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, i)}${section}${j === -1 ? '' : text.slice(j + 1)}`);
}
