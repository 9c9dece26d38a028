// What the small commands load (issue 18): `ps`, `images` and `inspect NAME` of a settled
// container answer from the store's records without the container runtime's modules and without
// the Node built-ins only other verbs use (node:fs/promises and its readline/watchers, node:os,
// AbortController, child_process, crypto). Each costs start-up time on every such command.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, registry, runCli, tempRoot } from '../helpers/env.js';

const launcher = dockuiBin.replace(/\.js$/, '.cjs');

describe('start-up of the small commands', () => {
  const t = tempRoot('dockui-startup-');
  const root = join(t.root, 'root');
  const runRoot = join(t.root, 'run');
  const cli = (...a: string[]) => runCli(['--root', root, '--runroot', runRoot, ...a], { root });
  const preload = join(t.root, 'loaded.cjs');
  const list = join(t.root, 'loaded.txt');
  after(async () => {
    await cli('rm', '-f', 'st-created'); // a created container's rootfs is mounted
    t.cleanup();
  });

  before(async () => {
    const image = `${registry()}/fixture/busybox:latest`;
    for (const a of [
      ['pull', '-q', image],
      ['create', '--name', 'st-created', image, 'true'],
    ]) {
      const r = await cli(...a);
      assert.equal(r.code, 0, r.stderr);
    }
    // At exit, the built-ins the command loaded (process.moduleLoadList).
    writeFileSync(
      preload,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));`,
    );
  });

  /** Built-ins a command loaded beyond those of an empty Node program. */
  function builtinsOf(...argv: string[]): string[] {
    const base = execFileSync(process.execPath, ['-e', 'process.stdout.write(process.moduleLoadList.join("\\n"))'], { encoding: 'utf8' });
    // Twice: the first run after a build writes the verb's code cache (node:v8 and streams).
    for (let i = 0; i < 2; i++)
      execFileSync(process.execPath, ['-r', preload, launcher, '--root', root, '--runroot', runRoot, ...argv], { stdio: 'ignore' });
    const seen = new Set(base.split('\n'));
    return readFileSync(list, 'utf8')
      .split('\n')
      .filter((m) => !seen.has(m));
  }

  for (const argv of [['ps', '-a'], ['ps'], ['images'], ['inspect', 'st-created'], ['inspect', '-f', '{{.State.Status}}', 'st-created']]) {
    it(`${argv.join(' ')}: no built-in beyond the signal handler and vm`, () => {
      const extra = builtinsOf(...argv);
      assert.deepEqual(
        extra.filter((m) => !['Internal Binding signal_wrap', 'NativeModule vm'].includes(m)),
        [],
        `loaded: ${extra.join(', ')}`,
      );
    });
  }

  it('inspect of a settled container is what the runtime would say (a running one too)', async () => {
    const r = await cli('run', '-d', '--name', 'st-running', `${registry()}/fixture/busybox:latest`, 'sleep', '30');
    assert.equal(r.code, 0, r.stderr);
    try {
      const j = JSON.parse((await cli('inspect', 'st-running')).stdout) as [{ State: { Status: string; Pid: number }; Name: string }];
      assert.equal(j[0].Name, '/st-running');
      assert.equal(j[0].State.Status, 'running');
      assert.ok(j[0].State.Pid > 0);
      // The light path reads the record as is: a running one whose monitor lives.
      assert.deepEqual(
        builtinsOf('inspect', 'st-running').filter((m) => !['Internal Binding signal_wrap', 'NativeModule vm'].includes(m)),
        [],
      );
      // A prefix of the id and a name with its slash find it as well.
      const id = (await cli('inspect', '-f', '{{.Id}}', '/st-running')).stdout.trim();
      assert.equal((await cli('inspect', '-f', '{{.Name}}', id.slice(0, 10))).stdout, '/st-running\n');
    } finally {
      const rm = await cli('rm', '-f', 'st-running');
      assert.equal(rm.code, 0, rm.stderr);
    }
  });
});
