#!/usr/bin/env node
// Bundles the CLI (dist/cli/main.js and everything of ours it imports) into dist/cli-bundle/,
// which bin/dockui.js loads. Node 20 has no compile cache, and loading the ~60 ESM files a verb
// needs costs ~20 ms of resolving, reading and linking in import waves. Code splitting keeps each
// dynamic import (a verb, the store, the builder) a chunk of its own, loaded only when used: one
// bundle file would parse everything and load every package it imports on each command, which
// measured slower than no bundle at all. Packages (ink, react, chokidar, execa) stay external;
// the TUI (dist/tui.js) is loaded unbundled from dist/. Runs after tsc (npm run build).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(top, 'dist/cli-bundle'), { recursive: true, force: true });
rmSync(join(top, 'dist/cli.bundle.js'), { force: true });
await build({
  entryPoints: [join(top, 'dist/cli/main.js')],
  outdir: join(top, 'dist/cli-bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
