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
  sig: 'SIGINT' | 'SIGTERM',
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

function assertNothingLeft(root: string): void {
  assert.deepEqual(
    readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.includes(root)),
    [],
    'a mount is left',
  );
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
