#!/usr/bin/env node
// Runs the whole suite with Node's own test runner: the test files and the sources they import
// bundled by esbuild first (scripts/bundle-tests.mjs), or through tsx with DOCKUI_TEST_TSX=1.
// Global set-up: the fixture registries (plain, basic auth, bearer token) on loopback,
// seeded once; tests find them through DOCKUI_TEST_REGISTRY{,_AUTH,_TOKEN}.
// Usage: node scripts/run-tests.mjs [FILE|DIR ...]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The runner half: run-tests.mjs starts itself again with --run-files, and that process
// hands the files to node:test's run() in the order given (each file's process takes its execArgv:
// --enable-source-maps, or tsx). `node --test FILE...` would sort them by path first.
async function runFiles(args) {
  const { run } = await import('node:test');
  const reporters = await import('node:test/reporters');
  const { createWriteStream } = await import('node:fs');
  const opts = { files: [], concurrency: 2 };
  const patterns = [];
  const names = [];
  const dests = [];
  for (const a of args) {
    const eq = a.indexOf('=');
    const [k, v] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, ''];
    if (!a.startsWith('--')) opts.files.push(a);
    else if (k === '--test-concurrency') opts.concurrency = Number(v);
    else if (k === '--test-name-pattern') patterns.push(v);
    else if (k === '--test-timeout') opts.timeout = Number(v);
    else if (k === '--test-only') opts.only = true;
    else if (k === '--test-reporter') names.push(v);
    else if (k === '--test-reporter-destination') dests.push(v);
    else {
      console.error(
        `run-tests: ${a} is not passed on (--test-concurrency=, --test-name-pattern=, --test-timeout=, --test-only, --test-reporter=, --test-reporter-destination=)`,
      );
      process.exit(1);
    }
  }
  if (patterns.length) opts.testNamePatterns = patterns;
  if (names.length === 0) names.push('spec');
  if (dests.length === 0 && names.length === 1) dests.push('stdout');
  if (dests.length !== names.length) {
    console.error('run-tests: give one --test-reporter-destination per --test-reporter');
    process.exit(1);
  }
  const stream = run(opts);
  stream.on('test:fail', (data) => {
    if (!data.todo) process.exitCode = 1;
  });
  names.forEach((name, i) => {
    const r = reporters[name];
    if (!r) throw new Error(`run-tests: no reporter ${name} (${Object.keys(reporters).join(', ')})`);
    const out = dests[i] === 'stdout' ? process.stdout : dests[i] === 'stderr' ? process.stderr : createWriteStream(dests[i]);
    // As node's own --test-reporter: a class (spec) is instantiated, a generator (tap, dot) used as is.
    stream.compose(/^class\b/.test(Function.prototype.toString.call(r)) ? new r() : r).pipe(out);
  });
}

if (process.argv[2] === '--run-files') {
  await runFiles(process.argv.slice(3));
} else {
  await main();
}

async function main() {
  const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const fixtures = process.env.DOCKUI_FIXTURES ?? resolve(top, '../shared/fixtures');
  const registrySh = join(fixtures, 'registry.sh');

  function sh(args) {
    return execFileSync('bash', [registrySh, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  }

  function seeded(addr, user, repo = 'multiarch') {
    const auth = user ? ['-u', user] : [];
    try {
      const out = execFileSync('curl', ['-sf', ...auth, `http://${addr}/v2/fixture/${repo}/tags/list`], { encoding: 'utf8' });
      return out.includes('latest');
    } catch {
      return false;
    }
  }

  const registries = [
    // The plain registry also holds fixture/big: the pull-crash and interrupted-load tests need it.
    { env: 'DOCKUI_TEST_REGISTRY', port: '5000', mode: [], big: true },
    { env: 'DOCKUI_TEST_REGISTRY_AUTH', port: '5100', mode: ['--auth'], user: 'tester:secret' },
    { env: 'DOCKUI_TEST_REGISTRY_TOKEN', port: '5200', mode: ['--token'], user: 'tester:secret' },
  ];
  if (existsSync(registrySh) && !process.env.DOCKUI_NO_REGISTRY) {
    for (const r of registries) {
      const addr = sh(['start', r.port, ...r.mode])
        .split('\n')
        .pop();
      // The token registry's basic check goes through the token server, so probe with a token-less seed check.
      if (r.mode[0] === '--token' || !seeded(addr, r.user) || (r.big && !seeded(addr, r.user, 'big'))) {
        sh(['seed', addr, ...(r.big ? ['--big'] : []), ...(r.user ? ['--user', r.user] : [])]);
      }
      process.env[r.env] = addr;
    }
  } else {
    console.error(`run-tests: no fixture registry (${registrySh}); registry tests will fail`);
  }

  // The CLI tests run the built binary: bring dist/ up to date first (quick when it is).
  if (!process.env.DOCKUI_SKIP_BUILD) execFileSync('npm', ['run', '--silent', 'build'], { cwd: top, stdio: 'inherit' });

  function collect(p, out) {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (e !== 'fixtures' && e !== 'node_modules') collect(join(p, e), out);
    } else if (/\.test\.tsx?$/.test(p)) out.push(p);
    return out;
  }
  // Node's own test options (--test-name-pattern=...) pass through; the rest name files or folders.
  const nodeOpts = process.argv.slice(2).filter((a) => a.startsWith('--'));
  const targets = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const files = (targets.length ? targets : [join(top, 'test')]).flatMap((t) => collect(resolve(t), []));
  if (files.length === 0) {
    console.error('run-tests: no test files found');
    process.exit(1);
  }
  // The slowest files first (test/slow-first.txt, ranked from DOCKUI_TEST_TIMES of whole runs): the
  // files start in this order, two at a time, and a long file started last ran on alone for a
  // minute at the end of the suite. The rest keep their path order.
  const slowFirst = readFileSync(join(top, 'test/slow-first.txt'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  const rank = (f) => {
    const i = slowFirst.indexOf(relative(top, f));
    return i === -1 ? slowFirst.length : i;
  };
  files.sort((a, b) => rank(a) - rank(b)); // stable: ties keep the path order
  // Plain JavaScript in each file's process: tsx cost every file ~0.4–0.6 s of CPU (its loader
  // thread, a transform per module) against ~0.15 s for the bundle, and a 170-file suite on two
  // cores is CPU-bound. Stack traces point at the sources (--enable-source-maps).
  const tsx = process.env.DOCKUI_TEST_TSX === '1';
  let toRun = files;
  if (!tsx) {
    const { bundleTests } = await import('./bundle-tests.mjs');
    toRun = await bundleTests(top, files);
    process.env.DOCKUI_TEST_BUNDLES = join(top, '.test-build');
  }
  // DOCKUI_TEST_TIMES=FILE: each test file's process appends its wall time (seconds), path and start (epoch s) to FILE.
  const times = process.env.DOCKUI_TEST_TIMES
    ? [
        `--import=data:text/javascript,${encodeURIComponent(
          `import{appendFileSync}from'node:fs';const f=(process.argv[1]??'').replace('/.test-build/','/');if(/\\.test\\.(tsx?|mjs)$/.test(f))process.on('exit',()=>{const u=process.uptime();appendFileSync(${JSON.stringify(process.env.DOCKUI_TEST_TIMES)},u.toFixed(1)+' '+f+' '+(Date.now()/1000-u).toFixed(1)+'\\n')});`,
        )}`,
      ]
    : [];
  // A bound on every test and every file (Node applies --test-timeout to both): a hang fails its
  // file with "test timed out" instead of holding CI to its limit (one did, a race in a test). The
  // longest file took 98 s on a host at load 10.
  const timeout = nodeOpts.some((a) => a.startsWith('--test-timeout')) ? [] : ['--test-timeout=600000'];
  const child = spawn(
    process.execPath,
    [
      ...(tsx ? ['--import', 'tsx'] : ['--enable-source-maps']),
      ...times,
      fileURLToPath(import.meta.url),
      '--run-files',
      '--test-concurrency=2',
      ...timeout,
      ...nodeOpts,
      ...toRun,
    ],
    {
      stdio: 'inherit',
      cwd: top,
      env: testEnv(),
    },
  );
  child.on('exit', (code, sig) => process.exit(code ?? (sig ? 1 : 0)));
}

/**
 * The tests' environment. NODE_EXTRA_CA_CERTS is handed over as bin/dockui.js's launcher does
 * (DOCKUI_EXTRA_CA_CERTS, read by the engine when it first opens a TLS connection): Node 20 parses
 * the file while it starts, ~45 ms of CPU here with Debian's bundle, and the suite starts a few
 * thousand Node processes (test files, the CLI through runCli) on a machine that sets it.
 */
function testEnv() {
  const env = { ...process.env, NODE_NO_WARNINGS: '1' };
  if (env.NODE_EXTRA_CA_CERTS) {
    env.DOCKUI_EXTRA_CA_CERTS ??= env.NODE_EXTRA_CA_CERTS;
    delete env.NODE_EXTRA_CA_CERTS;
  }
  return env;
}
