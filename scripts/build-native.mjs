#!/usr/bin/env node
// Builds native/sysx.node with the system C compiler against Node's own headers.
// No node-gyp: one C file, one command, rebuilt only when the source changed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(top, 'native/sysx.c');
const out = join(top, 'native/build/sysx.node');
const include = [join(dirname(process.execPath), '../include/node'), '/usr/include/node'].find((d) => existsSync(join(d, 'node_api.h')));
if (!include) {
  console.error('build-native: node_api.h not found (install nodejs headers: Debian package libnode-dev or Node from nodejs.org)');
  process.exit(1);
}
if (existsSync(out) && statSync(out).mtimeMs > statSync(src).mtimeMs) process.exit(0);
mkdirSync(dirname(out), { recursive: true });
const cc = process.env.CC ?? 'cc';
execFileSync(cc, ['-O2', '-shared', '-fPIC', '-Wall', '-Werror', `-I${include}`, '-DNODE_GYP_MODULE_NAME=sysx', src, '-o', out], {
  stdio: 'inherit',
});
