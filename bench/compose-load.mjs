#!/usr/bin/env node
// Compose loading: what reading and checking a compose file costs a fresh process, for the
// choices weighed in docs/design.md ("Compose"): each variant in its own `node` process,
// alternating, medians of N (default 9):
//   yaml+standalone  the `yaml` package (positions kept) and ajv's build-time standalone validator (what dockui does)
//   yaml+ajv         the same with ajv compiling the schema at run time
//   js-yaml+standalone  js-yaml 4 (no positions: no file:line errors) with the standalone validator
//   baseline         `node -e 0`
// and the whole `dockui compose config` on examples/compose-app against `dockui version`.
// Usage: node bench/compose-load.mjs [--reps 9]   (after npm run build)
import { spawnSync } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reps = Number(process.argv[process.argv.indexOf('--reps') + 1] || 0) || 9;
const file = join(top, 'examples/compose-app/compose.yaml');
const schema = join(top, 'src/engine/compose/compose-spec.json');
const standalone = join(top, 'dist/compose-validate.cjs');
const variants = {
  baseline: '0',
  'yaml+standalone': `const Y=require('yaml');const d=Y.parseDocument(require('fs').readFileSync(${JSON.stringify(file)},'utf8'),{lineCounter:new Y.LineCounter()});const v=require(${JSON.stringify(standalone)});if(!v(d.toJS()))process.exit(1)`,
  'yaml+ajv': `const Y=require('yaml');const d=Y.parseDocument(require('fs').readFileSync(${JSON.stringify(file)},'utf8'),{lineCounter:new Y.LineCounter()});const A=require('ajv').default;const v=new A({strict:false,validateSchema:false}).compile(require(${JSON.stringify(schema)}));if(!v(d.toJS()))process.exit(1)`,
  'js-yaml+standalone': `const y=require('js-yaml').load(require('fs').readFileSync(${JSON.stringify(file)},'utf8'));const v=require(${JSON.stringify(standalone)});if(!v(y))process.exit(1)`,
};
const cli = {
  'dockui version': ['version'],
  'dockui compose config': ['compose', '-f', file, 'config'],
};
const times = Object.fromEntries([...Object.keys(variants), ...Object.keys(cli)].map((k) => [k, []]));
const run = (argv) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: top, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
for (let i = 0; i < reps; i++) {
  for (const [k, code] of Object.entries(variants)) times[k].push(run(['-e', code]));
  for (const [k, a] of Object.entries(cli)) times[k].push(run(['--', join(top, 'bin/dockui.js'), ...a]));
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(times.baseline);
console.log(`compose load, medians of ${reps} (ms, fresh process each); load: ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`);
for (const [k, a] of Object.entries(times))
  console.log(
    `${k.padEnd(24)} ${median(a).toFixed(1).padStart(8)}${k in variants && k !== 'baseline' ? `   (+${(median(a) - base).toFixed(1)} over node)` : ''}`,
  );
