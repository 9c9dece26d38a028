// bin/dockui.cjs names the V8 code cache after the verb: global flags and their values come
// first (`--root DIR run` is `run`). A copy of the install, so the real dist/v8-cache is untouched.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const top = resolve(import.meta.dirname, '../..');

describe('the launcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockui-launcher-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves --version to Node where the install has no dist/version', () => {
    const copy = join(dir, 'noversion');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    mkdirSync(join(copy, 'dist'));
    for (const f of ['bin/dockui.js', 'bin/dockui.cjs', 'package.json']) cpSync(join(top, f), join(copy, f));
    const pkg = JSON.parse(readFileSync(join(top, 'package.json'), 'utf8')) as { version: string };
    assert.equal(execFileSync(join(copy, 'bin/dockui.js'), ['--version'], { encoding: 'utf8' }), `dockui version ${pkg.version}\n`);
  });
  it('keeps the code cache under the verb after global flags and their values', () => {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist'));
    cpSync(join(top, 'bin/dockui.cjs'), join(dir, 'bin/dockui.cjs'));
    // The verbs' bundle and what tells a verb from the UI; not the UI's bundle, which no verb reads.
    for (const f of ['cli.cjs', 'cli-rest.cjs', 'cli-full.cjs', 'invocation.cjs']) cpSync(join(top, 'dist', f), join(dir, 'dist', f));
    const env = { ...process.env, HOME: join(dir, 'home'), XDG_CACHE_HOME: join(dir, 'cache') };
    const root = join(dir, 'images');
    const runroot = join(dir, 'run');
    const node = (...argv: string[]) => execFileSync(process.execPath, [join(dir, 'bin/dockui.cjs'), ...argv], { env, encoding: 'utf8' });
    node('--root', root, '--runroot', runroot, 'ps', '-a');
    node(`--root=${root}`, '--debug', `--runroot=${runroot}`, 'images');
    node('-D', '--root', root, '--runroot', runroot, 'version');
    node('--root', root, '--runroot', runroot, '--help');
    node('--root', root, '--runroot', runroot, 'volume', 'ls');
    // ps, images and version run from the CLI's small bundle alone (no .rest cache: the rest was
    // never read); volume runs from the whole CLI in one file (cli-full.cjs), its cache `.full`.
    const caches = readdirSync(join(dir, 'dist/v8-cache')).sort();
    assert.deepEqual(caches, ['images.bin', 'ps.bin', 'version.bin', 'volume.full.bin']);
    assert.ok(!existsSync(join(dir, 'cache')), 'root writes the install’s cache');
  });
  it('answers --version without the CLI bundle, in the words the CLI uses', () => {
    const pkg = JSON.parse(readFileSync(join(top, 'package.json'), 'utf8')) as { version: string };
    const launcher = join(top, 'bin/dockui.cjs');
    const quick = execFileSync(process.execPath, [launcher, '--version'], { encoding: 'utf8' });
    assert.equal(quick, `dockui version ${pkg.version}\n`);
    assert.equal(execFileSync(process.execPath, [launcher, '-v'], { encoding: 'utf8' }), quick);
    // --debug first: the CLI's own answer.
    assert.equal(execFileSync(process.execPath, [launcher, '--debug', '--version'], { encoding: 'utf8' }), quick);
    // The shell line answers from dist/version without Node (PATH without node proves it), and
    // leaves anything else to Node.
    const sh = join(top, 'bin/dockui.js');
    const noNode = { ...process.env, PATH: '/nonexistent' };
    assert.equal(execFileSync('/bin/sh', [sh, '--version'], { encoding: 'utf8', env: noNode }), quick);
    assert.equal(execFileSync('/bin/sh', [sh, '-v'], { encoding: 'utf8', env: noNode }), quick);
    assert.throws(() => execFileSync('/bin/sh', [sh, '--version', 'x'], { encoding: 'utf8', env: noNode, stdio: 'pipe' }));
    assert.equal(execFileSync(sh, ['--version'], { encoding: 'utf8' }), quick);
  });
});
