#!/usr/bin/env node
// TUI benchmark: the real `dockui` binary on a real pseudo-terminal (bench/lib/tui-pty.py), over
// the real engine, with 100 images and 200 containers listed and one container logging about
// 1,000 lines/s that the Logs pane follows. Figures:
//   - key press to redraw: from writing the key to the pty until the end of the first frame that
//     shows its effect has been read back (bench/lib/tui-screen.mjs), median and p90, for
//       j / k on the Containers list with the logs streaming in the background,
//       k / f in the Logs pane following the stream (k scrolls up a line, f follows again),
//       pane switches 1 / 3;
//     at 120×40 and at 80×24;
//   - the dockui node process's RSS (VmRSS sampled every 200 ms, and VmHWM at the end);
//   - references: `node -e 0` start-up, a CPU probe (sha256 of 128 MiB) at start and end.
// Everything lives under /var/tmp/dockui-bench-tui and is removed at the end, failure or not.
// Writes the "## TUI" section of BENCHMARKS.md.
// Usage: node bench/tui.mjs [--presses 60] [--containers 200] [--no-write] [--no-build] [--keep]
//   --containers N: N containers listed (over 200: record copies of a created one, as
//   bench/make-store.mjs makes them)
//        node bench/tui.mjs --before DIR [--rounds 3] [--presses 40]
//   --before DIR: a second build (a tree with bin/, dist/, native/build, node_modules, e.g. a git
//   worktree of an older commit, built) measured on the same root and logger, sessions of the two
//   builds alternating (before, after, before, ...) at 120×40; prints the paired figures and ratios
//   and writes nothing.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuProbe, median } from './lib/peers.mjs';
import { FrameReader } from './lib/tui-screen.mjs';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : args[i + 1];
};
const presses = Number(opt('presses', '60'));
const write = !args.includes('--no-write');
const keep = args.includes('--keep');
const work = '/var/tmp/dockui-bench-tui';
const root = join(work, 'root');
// A snapshot of the build: other work in this tree rebuilds dist/ while the bench runs.
const app = join(work, 'app');
const dockui = join(app, 'bin/dockui.js');
const beforeSrc = opt('before');
const appBefore = join(work, 'app-before');
const rounds = Number(opt('rounds', '3'));
// --node-args '--cpu-prof --cpu-prof-dir=DIR': Node options for the UI's process (a profile of a session).
const nodeArgs = (opt('node-args', '') ?? '').split(' ').filter(Boolean);
const sizes = [
  [120, 40],
  [80, 24],
];
const target = { medianMs: 50, rssMb: 150 };

const log = (...a) => console.error('[tui]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function dk(...a) {
  const r = spawnSync(process.execPath, [dockui, '--root', root, ...a], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`dockui ${a.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-1500)}`);
  return r.stdout;
}

/** Runs `dockui` with each argument list, `n` at a time; resolves with the wall time in seconds. */
async function parallel(lists, n) {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < lists.length) {
      const a = lists[next++];
      await new Promise((res, rej) => {
        const p = spawn(process.execPath, [dockui, '--root', root, ...a], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => (err += d));
        p.on('error', rej);
        p.on('close', (c) => (c === 0 ? res() : rej(new Error(`dockui ${a.join(' ')} failed (${c}): ${err.slice(-800)}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  return (performance.now() - t0) / 1000;
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

// ---------------------------------------------------------------- clean-up (always)
let ui; // the running pty driver, if any
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (ui && ui.exitCode === null) {
    try {
      process.kill(ui.pid, 'SIGKILL');
    } catch {}
  }
  if (uiPid) {
    try {
      process.kill(uiPid, 'SIGKILL');
    } catch {}
  }
  if (keep) return log(`kept ${work}`);
  try {
    const ids =
      spawnSync(process.execPath, [dockui, '--root', root, 'ps', '-aq'], { encoding: 'utf8' }).stdout?.split(/\s+/).filter(Boolean) ?? [];
    for (let i = 0; i < ids.length; i += 50)
      spawnSync(process.execPath, [dockui, '--root', root, 'rm', '-f', ...ids.slice(i, i + 50)], { stdio: 'ignore' });
  } catch {}
  // A run cut short leaves its containers' mounts: detach them before removing the tree.
  spawnSync('sh', ['-c', `grep -o " ${work}/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l`]);
  rmSync(work, { recursive: true, force: true });
}
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(s, () => {
    cleanup();
    process.exit(130);
  });
}

// ---------------------------------------------------------------- setup
const loggerName = 'logger';
function loggerCmd(usleep) {
  // Ten lines, then a pause: busybox sh's usleep costs about 0.6 ms a call on this host, so one
  // call per line cannot reach 1,000 lines/s; the pause is tuned once from a measured rate.
  return [
    'sh',
    '-c',
    `i=0; while :; do for j in 0 1 2 3 4 5 6 7 8 9; do echo "2026-11-28T11:00:00Z INFO request $i.$j served path=/api/items status=200"; done; i=$((i+1)); usleep ${usleep}; done`,
  ];
}
function logCount() {
  return { t: performance.now(), n: dk('logs', loggerName).split('\n').length - 1 };
}
async function loggerRate(seconds) {
  const a = logCount();
  await sleep(seconds * 1000);
  const b = logCount();
  return (b.n - a.n) / ((b.t - a.t) / 1000);
}

async function setup() {
  spawnSync('sh', ['-c', `grep -o " ${work}/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l`]);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  if (!args.includes('--no-build')) {
    const b = spawnSync('npm', ['run', 'build'], { cwd: top, encoding: 'utf8' });
    if (b.status !== 0)
      log(`npm run build failed (someone's edit in progress?); using the dist/ already there:\n${(b.stdout + b.stderr).slice(-600)}`);
  }
  for (const d of ['dist', 'bin', 'native/build']) cpSync(join(top, d), join(app, d), { recursive: true });
  copyFileSync(join(top, 'package.json'), join(app, 'package.json'));
  mkdirSync(join(app, 'scripts'));
  copyFileSync(join(top, 'scripts/make-base-image.sh'), join(app, 'scripts/make-base-image.sh'));
  symlinkSync(join(top, 'node_modules'), join(app, 'node_modules'));
  if (beforeSrc) {
    const src = resolve(beforeSrc);
    for (const d of ['dist', 'bin', 'native/build'])
      cpSync(join(src, d), join(appBefore, d), { recursive: true, filter: (f) => !f.includes('v8-cache') });
    copyFileSync(join(src, 'package.json'), join(appBefore, 'package.json'));
    symlinkSync(realpathSync(join(src, 'node_modules')), join(appBefore, 'node_modules'));
  }

  const s = {};
  let t = performance.now();
  const r = spawnSync('bash', [join(app, 'scripts/make-base-image.sh'), '--root', root], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-base-image failed: ${r.stderr}`);
  s.base = (performance.now() - t) / 1000;

  t = performance.now();
  dk('tag', 'busybox:static', 'bench/img-1:latest');
  s.tagOne = (performance.now() - t) / 1000;
  s.tags = await parallel(
    Array.from({ length: 98 }, (_, i) => ['tag', 'busybox:static', `bench/img-${i + 2}:latest`]),
    3,
  );
  s.images = dk('images').trim().split('\n').length - 1;

  // 199 created containers, 40 of them started once (`true` exits at once: "Exited (0)").
  t = performance.now();
  dk('create', '--network', 'none', '--name', 'c-1', 'busybox:static', 'true');
  s.createOne = (performance.now() - t) / 1000;
  s.creates = await parallel(
    Array.from({ length: 198 }, (_, i) => ['create', '--network', 'none', '--name', `c-${i + 2}`, 'busybox:static', 'true']),
    3,
  );
  s.starts = await parallel(
    Array.from({ length: 40 }, (_, i) => ['start', `c-${i * 5 + 1}`]),
    3,
  );
  // --containers N over 200: copies of c-2's record (created, never started) with new ids and
  // names, as bench/make-store.mjs makes them; the index is rebuilt over them on first use.
  const extra = Number(opt('containers', '200')) - 200;
  if (extra > 0) {
    const dir = join(root, 'containers');
    const id2 = dk('inspect', '-f', '{{.Id}}', 'c-2').trim();
    const rec = JSON.parse(readFileSync(join(dir, id2, 'record.json'), 'utf8'));
    for (let i = 0; i < extra; i++) {
      const id = randomBytes(32).toString('hex');
      mkdirSync(join(dir, id));
      writeFileSync(join(dir, id, 'record.json'), JSON.stringify({ ...rec, id, name: `c-x${i + 1}` }));
    }
    rmSync(join(dir, '.index'), { recursive: true, force: true });
  }

  // The logger, tuned once to about 1,000 lines/s.
  let us = 8600;
  dk('run', '-d', '--network', 'none', '--name', loggerName, 'busybox:static', ...loggerCmd(us));
  await sleep(1500);
  let rate = await loggerRate(5);
  log(`logger: ${rate.toFixed(0)} lines/s with usleep ${us}`);
  if (Math.abs(rate - 1000) > 60) {
    const overhead = 10 / rate - us / 1e6; // seconds per ten lines beyond the pause
    us = Math.max(0, Math.round((0.01 - overhead) * 1e6));
    dk('rm', '-f', loggerName);
    dk('run', '-d', '--network', 'none', '--name', loggerName, 'busybox:static', ...loggerCmd(us));
    await sleep(1500);
    rate = await loggerRate(5);
    log(`logger: ${rate.toFixed(0)} lines/s with usleep ${us}`);
  }
  s.usleep = us;
  s.rateBefore = rate;
  s.containers = dk('ps', '-aq').trim().split('\n').length;
  s.running = dk('ps', '-q').trim().split('\n').filter(Boolean).length;
  return s;
}

// ---------------------------------------------------------------- one UI session
let uiPid;

async function session(cols, rows, bin = dockui) {
  const reader = new FrameReader();
  const proc = spawn(
    'python3',
    [join(top, 'bench/lib/tui-pty.py'), String(cols), String(rows), '--', process.execPath, ...nodeArgs, bin, '--root', root],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: undefined, FORCE_COLOR: undefined },
    },
  );
  ui = proc;
  const wrote = new Map();
  const waiters = new Map();
  let exited;
  const exitP = new Promise((r) => (exited = r));
  let restored = false;
  let pidResolve;
  const pidP = new Promise((r) => (pidResolve = r));
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const e = JSON.parse(line);
    if (e.ev === 'out') {
      const b = Buffer.from(e.d, 'base64');
      if (b.includes('\x1b[?1049l')) restored = true;
      reader.push(e.t, b);
    } else if (e.ev === 'wrote') {
      wrote.set(e.id, e.t);
      waiters.get(e.id)?.(e.t);
    } else if (e.ev === 'pid') {
      uiPid = e.pid;
      pidResolve(e.pid);
    } else if (e.ev === 'exit') exited(e.status);
  });
  const pid = await pidP;

  // RSS of the dockui node process, every 200 ms.
  const rss = [];
  const readStatus = (field) => {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : undefined;
    } catch {
      return undefined;
    }
  };
  const sampler = setInterval(() => {
    const v = readStatus('VmRSS');
    if (v !== undefined) rss.push(v);
  }, 200);

  let id = 0;
  /** Resolves with the first frame that satisfies `pred`, completed after `afterNs`; undefined on timeout. */
  const waitFrame = (pred, afterNs, timeoutMs) =>
    new Promise((res) => {
      const off = reader.onFrame((f) => {
        if (f.tEnd >= afterNs && pred(f)) {
          off();
          clearTimeout(timer);
          res(f);
        }
      });
      const timer = setTimeout(() => {
        off();
        res(undefined);
      }, timeoutMs);
    });
  const send = (data) =>
    new Promise((res) => {
      const k = ++id;
      waiters.set(k, res);
      proc.stdin.write(JSON.stringify({ op: 'write', id: k, data }) + '\n');
    });
  /** Press `key`; the latency in ms to the end of the first frame satisfying `pred(frame, before)`. */
  const press = async (key, pred, timeoutMs = 5000) => {
    const before = reader.last;
    const k = id + 1;
    const framed = new Promise((res) => {
      // Frames are matched once the write time is known; collect them meanwhile.
      const seen = [];
      let tw;
      const off = reader.onFrame((f) => {
        if (tw === undefined) return void seen.push(f);
        if (f.tEnd >= tw && pred(f, before)) done(f);
      });
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const done = (f) => {
        off();
        clearTimeout(timer);
        res(f ? { ms: (f.tEnd - tw) / 1e6, frame: f } : undefined);
      };
      waiters.set(k, (t) => {
        tw = t;
        const hit = seen.find((f) => f.tEnd >= tw && pred(f, before));
        if (hit) done(hit);
      });
    });
    id = k;
    proc.stdin.write(JSON.stringify({ op: 'write', id: k, data: key }) + '\n');
    return framed;
  };
  const pause = () => sleep(150 + Math.random() * 150);

  const first = await waitFrame((f) => f.pane === 1 && f.selected !== undefined, 0, 30000);
  if (!first) throw new Error(`no first frame with a selected container at ${cols}×${rows} (synchronized output seen: ${reader.sawSync})`);
  const rssFirst = readStatus('VmRSS');
  await sleep(500);

  // Select the logger and open its logs (l focuses the Logs pane, following).
  await send('g');
  await sleep(300);
  for (let i = 0; i < 210 && reader.last?.selected !== loggerName; i++) {
    await press('j', (f, b) => f.selected !== b?.selected);
  }
  if (reader.last?.selected !== loggerName) throw new Error('could not select the logger container');
  const opened = await press('l', (f) => f.pane === 3 && f.logsMode === 'following' && /request \d+\.\d/.test(f.text));
  if (!opened) throw new Error(`the Logs pane did not show the logger's lines following:\n${reader.last?.text}`);
  const rssOpened = rss.length;
  await sleep(1500);

  const res = { list: [], logs: [], panes: [], misses: { list: 0, logs: 0, panes: 0 } };
  const record = (set, r) => (r ? res[set].push(r.ms) : res.misses[set]++);

  // Pane switches: 1 and 3, alternating.
  for (let i = 0; i < presses; i++) {
    const to = i % 2 === 0 ? 1 : 3;
    record('panes', await press(String(to), (f) => f.pane === to));
    await pause();
  }
  if (reader.last?.pane !== 3) record('panes', await press('3', (f) => f.pane === 3));
  await pause();

  // Logs pane following: k scrolls one line up (stops following), f follows again.
  for (let i = 0; i < presses; i++) {
    if (i % 2 === 0) record('logs', await press('k', (f) => f.pane === 3 && f.logsMode?.startsWith('scrolled')));
    else record('logs', await press('f', (f) => f.pane === 3 && f.logsMode === 'following'));
    await pause();
  }
  if (reader.last?.logsMode !== 'following') await press('f', (f) => f.logsMode === 'following');

  // Containers list, the logs still streaming: j down from the top, then k back up.
  await press('1', (f) => f.pane === 1);
  await send('g');
  await sleep(500);
  const moves = (key, f, b) => {
    if (f.pane !== 1 || f.selected === undefined || f.selected === b?.selected) return false;
    const want = key === 'j' ? b?.below : b?.above;
    return want === undefined || f.selected === want;
  };
  for (let i = 0; i < presses; i++) {
    const key = i < presses / 2 ? 'j' : 'k';
    record('list', await press(key, (f, b) => moves(key, f, b)));
    await pause();
  }

  const hwm = readStatus('VmHWM');
  clearInterval(sampler);
  const tq = process.hrtime.bigint();
  proc.stdin.write(JSON.stringify({ op: 'write', id: ++id, data: 'q' }) + '\n');
  const status = await Promise.race([exitP, sleep(10000).then(() => 'timeout')]);
  const quitMs = Number(process.hrtime.bigint() - tq) / 1e6;
  proc.stdin.end();
  ui = undefined;
  uiPid = undefined;
  return {
    cols,
    rows,
    ...res,
    rssFirst,
    rssFollowMin: Math.min(...rss.slice(rssOpened)),
    rssMax: Math.max(...rss),
    rssMedian: median(rss),
    hwm,
    frames: reader.frames,
    status,
    restored,
    quitMs,
  };
}

// ---------------------------------------------------------------- main
function nodeStart() {
  const xs = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    xs.push(performance.now() - t);
  }
  return median(xs);
}

const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');

function section(s, runs, ref) {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const rowsOut = [];
  for (const r of runs) {
    for (const [set, label] of [
      ['list', 'Containers list, j / k (logs streaming in the background)'],
      ['logs', 'Logs pane following, k / f'],
      ['panes', 'pane switch 1 ↔ 3'],
    ]) {
      const xs = r[set];
      const m = median(xs);
      rowsOut.push(
        `| ${r.cols}×${r.rows} | ${label} | ${xs.length}${r.misses[set] ? ` (+${r.misses[set]} no redraw in 5 s)` : ''} | ${f1(m)} | ${f1(pct(xs, 90))} | ${f1(Math.min(...xs))}–${f1(Math.max(...xs))} | ${set === 'panes' ? '—' : m <= target.medianMs ? 'met' : 'missed'} |`,
      );
    }
  }
  const rssMax = Math.max(...runs.map((r) => Math.max(r.rssMax, r.hwm ?? 0)));
  return [
    `Key press to redraw of the real \`dockui\` on a real pseudo-terminal (a Python pty driver, no`,
    `tmux in between), over the real engine: ${s.images} images listed (bench/img-1..99 tagged from busybox:static, plus it),`,
    `${s.containers} containers (${s.containers - s.running} created or exited, 40 of them exited) and one running container`,
    `logging ${f0(s.rateBefore)} lines/s before the UI opened and ${f0(s.rateAfter)} lines/s over the whole run (\`dockui logs\` counts),`,
    `followed by the Logs pane. Latency: from just before the key is written to the pty to the read that`,
    `completes the first frame (Ink's synchronized-output block) showing the key's effect: the \`›\``,
    `selection on the row that was below/above, the Logs pane's "scrolled (line N)" / "following",`,
    `the focused tab. Keys one at a time, 150–300 ms apart. No peer figure exists (../shared/peers.md);`,
    `for scale, \`node -e 0\` starts in ${f0(ref.nodeStart)} ms here; CPU probe (sha256 of 128 MiB) ${ref.probe0.toFixed(2)} s at the start, ${ref.probe1.toFixed(2)} s at the end;`,
    `load average ${ref.load0.toFixed(1)} → ${ref.load1.toFixed(1)} on 2 cores. Ink redraws at most 30 times a second (\`maxFps: 30\`),`,
    `so while the log stream keeps redrawing, a key can wait up to 33 ms for the next slot. Measured ${when} UTC.`,
    '',
    '| terminal | keys | presses | median (ms) | p90 (ms) | range (ms) | ≤ 50 ms median |',
    '|---|---|---:|---:|---:|---:|:---:|',
    ...rowsOut,
    '',
    `RSS of the dockui node process (VmRSS every 200 ms, VmHWM at the end): ${runs
      .map(
        (r) =>
          `${r.cols}×${r.rows} ${f0(r.rssFirst)} MB at the first frame, ${f0(r.rssFollowMin)}–${f0(r.rssMax)} MB once the Logs pane follows, median ${f0(r.rssMedian)} MB, peak (VmHWM) ${f0(r.hwm)} MB`,
      )
      .join('; ')} — **${f0(rssMax)} MB** at most (target < ${target.rssMb} MB: ${rssMax < target.rssMb ? 'met' : 'missed'}).`,
    `Following the stream, RSS moves in a sawtooth between major collections. What drove it up before (profiled 2026-11-28): opening`,
    `the Logs pane read the whole log file for the tail (now read backwards in 64 KiB blocks), log rows keyed by absolute line`,
    `remounted on every update (now keyed by screen row), and V8 letting the old generation grow 2–3× its live data before a full`,
    `collection (the TUI sets --heap-growing-percent=40 when it loads the log stream).`,
    `The terminal was restored on q (${runs.every((r) => r.restored && r.status === 0) ? `alternate screen left, exit 0, ${runs.map((r) => f0(r.quitMs)).join(' / ')} ms from q to exit` : runs.map((r) => `exit ${r.status}, restored ${r.restored}`).join('; ')}).`,
    '',
    `Setup (private root, 3 CLI calls at a time): base image ${s.base.toFixed(1)} s; \`tag\` ${f0(s.tagOne * 1000)} ms for one, ${s.tags.toFixed(1)} s for 98;`,
    `\`create --network none\` ${f0(s.createOne * 1000)} ms for one, ${s.creates.toFixed(1)} s for 198; 40 \`start\`s ${s.starts.toFixed(1)} s.`,
    '',
    `Reproduce: \`node bench/tui.mjs --presses ${presses}\` (builds, works under ${work}, removes it after; \`--no-write\` to only print)`,
  ].join('\n');
}

function writeSection(text) {
  const file = join(top, 'BENCHMARKS.md');
  const md = readFileSync(file, 'utf8');
  const start = md.indexOf('\n## TUI\n');
  if (start === -1) throw new Error('BENCHMARKS.md has no "## TUI" section');
  const bodyStart = start + '\n## TUI\n'.length;
  const next = md.indexOf('\n## ', bodyStart);
  const rest = next === -1 ? '' : md.slice(next);
  writeFileSync(file, `${md.slice(0, bodyStart)}\n${text}\n${rest}`);
}

/** --before: sessions of the two builds alternating on one root; paired medians and ratios. */
async function compare(s, ref) {
  const builds = [
    ['before', join(appBefore, 'bin/dockui.js')],
    ['after', dockui],
  ];
  const got = { before: [], after: [] };
  for (let i = 0; i < rounds; i++) {
    for (const [name, bin] of i % 2 === 0 ? builds : [...builds].reverse()) {
      log(`round ${i + 1}/${rounds}: ${name}`);
      got[name].push(await session(120, 40, bin));
    }
  }
  const lines = [
    `TUI A/B at 120×40, ${rounds} sessions each, alternating, ${presses} presses per set (load ${ref.load0.toFixed(1)} at the start):`,
  ];
  for (const set of ['list', 'logs', 'panes']) {
    const pool = (name) => got[name].flatMap((r) => r[set]);
    const misses = (name) => got[name].reduce((n, r) => n + r.misses[set], 0);
    const [mb, ma] = [median(pool('before')), median(pool('after'))];
    const [pb, pa] = [pct(pool('before'), 90), pct(pool('after'), 90)];
    lines.push(
      `  ${set}: median ${f1(mb)} → ${f1(ma)} ms (${(ma / mb).toFixed(2)}×), p90 ${f1(pb)} → ${f1(pa)} ms (${(pa / pb).toFixed(2)}×), misses ${misses('before')} / ${misses('after')}`,
    );
  }
  const rssOf = (name, k) => median(got[name].map((r) => r[k]));
  for (const [k, label] of [
    ['rssFirst', 'RSS at the first frame'],
    ['rssMedian', 'RSS median'],
    ['hwm', 'RSS peak (VmHWM)'],
  ])
    lines.push(
      `  ${label}: ${f0(rssOf('before', k))} → ${f0(rssOf('after', k))} MB (${(rssOf('after', k) / rssOf('before', k)).toFixed(2)}×)`,
    );
  lines.push(
    `  quit: ${got.before.map((r) => r.status).join('/')} before, ${got.after.map((r) => r.status).join('/')} after (exit statuses)`,
  );
  lines.push(`  containers ${s.containers}, running ${s.running}, logger ${f0(s.rateBefore)} lines/s; node -e 0 ${f0(ref.nodeStart)} ms`);
  console.log(lines.join('\n'));
}

async function main() {
  const ref = { nodeStart: nodeStart(), probe0: cpuProbe(), load0: loadavg()[0] };
  log(`node -e 0: ${ref.nodeStart.toFixed(0)} ms; probe ${ref.probe0.toFixed(2)} s; load ${ref.load0}`);
  const s = await setup();
  log('setup', JSON.stringify(s));
  if (beforeSrc) return compare(s, ref);
  const a = logCount();
  const runs = [];
  for (const [c, r] of sizes) {
    log(`session ${c}×${r}`);
    const run = await session(c, r);
    const summary = (set) =>
      `${set} n=${run[set].length} miss=${run.misses[set]} median=${f1(median(run[set]))} p90=${f1(pct(run[set], 90))}`;
    log(
      `${c}×${r}: ${summary('list')}; ${summary('logs')}; ${summary('panes')}; rss max ${f0(run.rssMax)} MB hwm ${f0(run.hwm)} MB; frames ${run.frames}; exit ${run.status}`,
    );
    runs.push(run);
  }
  const b = logCount();
  s.rateAfter = (b.n - a.n) / ((b.t - a.t) / 1000);
  ref.probe1 = cpuProbe();
  ref.load1 = loadavg()[0];
  const text = section(s, runs, ref);
  console.log(text);
  if (write) {
    writeSection(text);
    log('wrote the "## TUI" section of BENCHMARKS.md');
  }
}

try {
  await main();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  cleanup();
}
