import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolvePaths } from '../../../src/engine/paths.js';
import { runInRootfs } from '../../../src/engine/runtime/index.js';
import { tempRoot } from '../../helpers/env.js';
import { makeBusyboxLayer } from './busybox-rootfs.js';

describe('runInRootfs (the builder RUN seam)', () => {
  const t = tempRoot('dockui-rir-');
  const paths = resolvePaths({ root: t.root });
  let lower = '';
  before(() => {
    lower = makeBusyboxLayer(join(t.root, 'layer0'));
  });
  after(() => t.cleanup());

  const fresh = (name: string) => {
    const upper = join(t.root, name, 'upper');
    const work = join(t.root, name, 'work');
    mkdirSync(upper, { recursive: true });
    mkdirSync(work, { recursive: true });
    return { upper, work };
  };

  it('runs a command, streams its lines, and keeps its writes in the upper dir only', async () => {
    const { upper, work } = fresh('a');
    const out: string[] = [];
    const r = await runInRootfs({
      paths,
      lowerDirs: [lower],
      upperDir: upper,
      workDir: work,
      args: ['sh', '-c', 'echo hello; echo oops >&2; mkdir -p /out && echo "$FOO $(id -u) $(pwd)" > /out/f; exit 4'],
      env: ['FOO=bar'],
      cwd: '/work/dir',
      onOutput: (s, l) => out.push(`${s}:${l}`),
    });
    assert.equal(r.exitCode, 4);
    assert.deepEqual(out.sort(), ['stderr:oops', 'stdout:hello']);
    assert.equal(readFileSync(join(upper, 'out/f'), 'utf8'), 'bar 0 /work/dir\n');
    assert.ok(!existsSync(join(lower, 'out')), 'the lower layer is untouched');
    // Mount points runc needed are not left in the layer; nothing is left in the run root.
    for (const p of ['proc', 'sys', 'dev']) assert.ok(!existsSync(join(upper, p)), `${p} left in upper`);
    assert.deepEqual(readdirSync(join(paths.runRoot, 'oneshot')), []);
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(paths.runRoot));
  });

  it('resolves a user from the image, and reports a missing one clearly', async () => {
    const { upper, work } = fresh('b');
    const out: string[] = [];
    const r = await runInRootfs({
      paths,
      lowerDirs: [lower],
      upperDir: upper,
      workDir: work,
      args: ['id'],
      user: 'bob',
      onOutput: (_s, l) => out.push(l),
    });
    assert.equal(r.exitCode, 0);
    assert.match(out.join(''), /uid=1000\(bob\) gid=1000\(bob\) groups=50\(staff\)/);
    await assert.rejects(
      runInRootfs({ paths, lowerDirs: [lower], upperDir: upper, workDir: work, args: ['id'], user: 'nobody' }),
      /unable to find user nobody/,
    );
  });

  it('kills the process when aborted and leaves nothing behind', async () => {
    const { upper, work } = fresh('c');
    const ac = new AbortController();
    const started = Date.now();
    const p = runInRootfs({
      paths,
      lowerDirs: [lower],
      upperDir: upper,
      workDir: work,
      args: ['sh', '-c', 'echo up; sleep 30'],
      signal: ac.signal,
      onOutput: () => ac.abort(),
    });
    await assert.rejects(p, (e: Error) => (e as { code?: string }).code === 'canceled');
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(readdirSync(join(paths.runRoot, 'oneshot')), []);
    assert.deepEqual(readdirSync(join(paths.runRoot, 'runc')), []);
  });
});
