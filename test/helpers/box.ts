// A running fixture/busybox container (`sleep 1000`) on a private root and run root, made in the
// calling describe's before() and removed with its folders in its after(): the exec tests' target.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { registry, runCli, tempRoot } from './env.js';

export function runningBox(prefix: string, box: string) {
  const t = tempRoot(prefix);
  const root = join(t.root, 'root');
  const runRoot = join(t.root, 'run');
  const cli = (...a: string[]) => runCli(['--root', root, '--runroot', runRoot, ...a], { root });
  /** `dockui top BOX`'s output. */
  const top = async () => {
    const r = await cli('top', box);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  before(async () => {
    const image = `${registry()}/fixture/busybox`;
    for (const a of [
      ['pull', '-q', image],
      ['run', '-d', '--name', box, image, 'sleep', '1000'],
    ]) {
      const r = await cli(...a);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    await cli('rm', '-f', box);
    t.cleanup();
  });
  return { dir: t.root, root, runRoot, cli, top, box };
}
