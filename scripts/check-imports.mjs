#!/usr/bin/env node
// The import graph of src/, checked in `npm run check` and CI: no cycle among static value
// imports (type-only imports and lazy import() calls do not run at load time, so they are
// left out), no engine subsystem importing one above it, and no source file over 600 lines.
// Usage: node scripts/check-imports.mjs [--graph]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(top, 'src');
const maxLines = 600;

// Engine layers, lowest first: a module may import its own layer and the ones below it.
const layers = [
  ['define.ts', 'types.ts', 'paths.ts', 'sysx.ts', 'events.ts', 'fsutil', 'util'],
  ['store'],
  ['registry', 'dockerfile'],
  ['images', 'runtime', 'network', 'health'],
  ['build', 'compat'],
  ['watch', 'compose', 'kube', 'pod'],
  ['engine.ts', 'index.ts', 'facade', 'api'],
];
function layerOf(file) {
  const rel = relative(join(src, 'engine'), file);
  if (rel.startsWith('..')) return undefined;
  const head = rel.split('/')[0];
  const i = layers.findIndex((l) => l.includes(head));
  return i < 0 ? undefined : i;
}

function walk(dir, out = []) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(e)) out.push(p);
  }
  return out;
}

const files = walk(src);
const graph = new Map();
const problems = [];
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const lines = text.split('\n').length;
  if (lines > maxLines) problems.push(`${relative(top, f)}: ${lines} lines (at most ${maxLines})`);
  const deps = [];
  // Static imports and re-exports; `import type` / `export type` are erased by the compiler.
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm)) {
    const spec = m[1].replace(/\.js$/, '');
    const base = resolve(dirname(f), spec);
    const target = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => files.includes(p));
    if (!target) continue;
    // An import whose names are all `type X` is erased too.
    if (
      /^import\s*\{([^}]*)\}/.test(m[0]) &&
      m[0]
        .match(/\{([^}]*)\}/)[1]
        .split(',')
        .every((n) => n.trim() === '' || n.trim().startsWith('type '))
    )
      continue;
    deps.push(target);
    const a = layerOf(f);
    const b = layerOf(target);
    if (a !== undefined && b !== undefined && b > a)
      problems.push(`${relative(top, f)} imports ${relative(top, target)}, a higher layer (${layers[b].join(' ')})`);
    if (a !== undefined && /\/(cli|views|hooks|server)\//.test(target))
      problems.push(`${relative(top, f)} (engine) imports ${relative(top, target)}`);
  }
  graph.set(f, deps);
}

// Tarjan's strongly connected components: any component of more than one file is a cycle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
function strong(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      comp.push(relative(top, w));
    } while (w !== v);
    if (comp.length > 1) problems.push(`import cycle: ${comp.sort().join(' ↔ ')}`);
  }
}
for (const f of files) if (!idx.has(f)) strong(f);

if (process.argv.includes('--graph'))
  for (const [f, d] of graph) console.log(relative(top, f), '->', d.map((x) => relative(top, x)).join(' '));
if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`check-imports: ${problems.length} problem(s) in ${files.length} files`);
  process.exit(1);
}
console.log(`check-imports: ${files.length} files, no cycle, no upward import, none over ${maxLines} lines`);
