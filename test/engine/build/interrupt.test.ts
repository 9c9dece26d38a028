// SIGINT/SIGTERM to a real `dockui build` (bin/dockui.js): it stops within a second — during
// a RUN (runc, overlay) and in the middle of a flood of metadata steps — with one error line
// and the shell's exit code (130/143), and leaves no overlay mount, runc container, temp dir,
// tag or cache record behind.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findBuildLeftovers } from '../../../src/engine/build/leftovers.js';
import { dockuiBin, registry, runCli, tempRoot } from '../../helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-interrupt-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function context(dockerfile: string): string {
  const dir = mkdtempSync(join(tmp, 'ctx-'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

const flood = (() => {
  const lines = ['FROM scratch'];
  for (let i = 0; i < 100_000; i++) lines.push(i % 20 === 0 ? `ENV E${i}=v${i}` : `LABEL l${i}=v${i}`);
  return `${lines.join('\n')}\nLABEL last=1\n`;
})();

/**
 * Starts a build, sends `sig` once stderr matches `when`, and waits for the exit. Returns the
 * exit code, how long the exit took after the signal, and the stderr written after it.
 */
function interrupt(
  root: string,
  dir: string,
  sig: 'SIGINT' | 'SIGTERM' | 'SIGKILL',
  when: RegExp,
): Promise<{ code: number | null; ms: number; after: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dockuiBin, 'build', '--progress', 'plain', '-t', 'stopped:1', dir], {
      env: { ...process.env, DOCKUI_ROOT: root },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    let sentAt = 0;
    let mark = 0;
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (sentAt === 0 && when.test(err)) {
        mark = err.lastIndexOf('\n') + 1; // from the start of the line being written
        sentAt = Date.now();
        child.kill(sig);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      if (sentAt === 0) reject(new Error(`never saw ${String(when)}:\n${err.slice(-2000)}`));
      else resolve({ code, ms: Date.now() - sentAt, after: err.slice(mark) });
    });
  });
}

function mountsUnder(root: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(root));
}

function assertNothingLeft(root: string): void {
  assert.deepEqual(mountsUnder(root), [], 'a mount is left');
  assert.deepEqual(
    readdirSync(join(root, 'tmp')).filter((n) => !n.startsWith('discard-')),
    [],
    'a temp dir is left',
  );
  const runcRoot = join(root, 'run', 'runc');
  if (existsSync(runcRoot)) {
    const list = execFileSync('runc', ['--root', runcRoot, 'list', '-q'], { encoding: 'utf8' });
    assert.equal(list.trim(), '', 'a runc container is left');
  }
  const entries = join(root, 'build-cache', 'entries');
  if (existsSync(entries))
    assert.deepEqual(
      readdirSync(entries).filter((n) => n.endsWith('.tmp')),
      [],
    );
}

describe('interrupting a build (CLI)', () => {
  const cases = [
    {
      what: 'during a RUN',
      sig: 'SIGINT',
      code: 130,
      dockerfile: () => `FROM ${registry()}/fixture/busybox:latest\nRUN echo started && sleep 30\n`,
      when: /#2 started\n/,
    },
    {
      what: 'during a RUN',
      sig: 'SIGTERM',
      code: 143,
      dockerfile: () => `FROM ${registry()}/fixture/busybox:latest\nRUN echo started && sleep 30\n`,
      when: /#2 started\n/,
    },
    { what: 'in a flood of 100,000 metadata steps', sig: 'SIGINT', code: 130, dockerfile: () => flood, when: /#2000 / },
    { what: 'in a flood of 100,000 metadata steps', sig: 'SIGTERM', code: 143, dockerfile: () => flood, when: /#2000 / },
  ] as const;
  for (const c of cases) {
    it(`${c.sig} ${c.what}: exits ${c.code} within a second, one line, nothing left`, async () => {
      const { root, cleanup } = tempRoot();
      try {
        const dir = context(c.dockerfile());
        const r = await interrupt(root, dir, c.sig, c.when);
        assert.equal(r.code, c.code, r.after.slice(-2000));
        console.log(`# ${c.sig} ${c.what}: stopped ${r.ms} ms after the signal`);
        assert.ok(r.ms < 1000, `took ${r.ms} ms to stop`);
        // Only progress lines of the step running when the signal came, then the one error line.
        const lines = r.after.split('\n').filter((l) => l !== '');
        assert.equal(lines[lines.length - 1], 'dockui: canceled');
        assert.deepEqual(
          lines.slice(0, -1).filter((l) => !/^#\d+ (\[|DONE|started)/.test(l)),
          [],
        );
        assertNothingLeft(root);
        const ins = await runCli(['inspect', 'stopped:1'], { root });
        assert.notEqual(ins.code, 0, 'the tag was written');
      } finally {
        cleanup();
      }
    });
  }
});

describe('a build killed with SIGKILL during a RUN', () => {
  it('leaves a container and an overlay mount that the next build removes, never those of a live build', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const base = `${registry()}/fixture/busybox:latest`;
      const dir = context(`FROM ${base}\nRUN --mount=type=tmpfs,target=/t echo started && sleep 30\n`);
      const killed = await interrupt(root, dir, 'SIGKILL', /#2 started\n/);
      assert.equal(killed.code, null);
      const paths = { root, runRoot: join(root, 'run') };
      const left = findBuildLeftovers(paths);
      assert.ok(
        left.some((l) => l.kind === 'run' && l.mounts.length > 0),
        `the kill left no mounted RUN: ${JSON.stringify(left)}`,
      );
      assert.ok(mountsUnder(root).length > 0);

      // A live build's RUN is not a leftover: the next build leaves it alone.
      const liveDir = context(`FROM ${base}\nRUN echo started && sleep 2 && echo finished\n`);
      const live = runCli(['build', '--progress', 'plain', liveDir], { root, timeoutMs: 60_000 });
      for (let i = 0; i < 200 && !readdirSync(join(root, 'run', 'oneshot')).some((n) => !left.some((l) => l.path.endsWith(n))); i++)
        await new Promise((r) => setTimeout(r, 50));
      const next = await runCli(['build', '-q', context('FROM scratch\nLABEL next=1\n')], { root });
      assert.equal(next.code, 0, next.stderr);
      const l = await live;
      assert.equal(l.code, 0, l.stderr);
      assert.match(l.stderr, /finished/);

      assert.deepEqual(findBuildLeftovers(paths), []);
      assert.deepEqual(mountsUnder(root), []);
      assert.equal(execFileSync('runc', ['--root', join(root, 'run', 'runc'), 'list', '-q'], { encoding: 'utf8' }).trim(), '');
      assert.deepEqual(readdirSync(join(root, 'run', 'oneshot')), []);
      assert.deepEqual(
        readdirSync(join(root, 'tmp')).filter((n) => !n.startsWith('discard-')),
        [],
      );
    } finally {
      cleanup();
    }
  });
});
