// Builds with RUN through the real runtime (runc, overlay), driven through the real CLI, and
// runs the results to check what they do.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import { createEngine } from '../../../src/engine/engine.js';
import { registry, runCli, tempRoot } from '../../helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-run-build-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, 'ctx-'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

const base = () => `${registry()}/fixture/busybox:latest`;

function mountsUnder(root: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(root));
}

describe('build with RUN (CLI, runc)', () => {
  it('runs RUN with ENV, ARG/--build-arg, WORKDIR, USER, SHELL, heredocs and a cache mount; the image does what it says', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const dir = context({
        Dockerfile: [
          `FROM ${base()}`,
          'ARG WHO=world',
          'ENV GREETING=hello',
          'WORKDIR /app',
          'COPY a.txt .',
          'RUN echo "$GREETING $WHO" > greeting && cat a.txt',
          'RUN --mount=type=cache,target=/cache echo run >> /cache/count && echo "runs: $(wc -l < /cache/count)"',
          'RUN <<EOF',
          'echo from-heredoc > /app/h.txt',
          'EOF',
          'RUN <<EOF',
          '#!/bin/sh -e',
          'echo "program: $0" > /app/program.txt',
          'EOF',
          'SHELL ["/bin/sh", "-ec"]',
          'RUN test "$(pwd)" = /app && echo "shell ok"',
          'USER nobody',
          'RUN id -u > /tmp/uid',
          'CMD cat /app/greeting /app/h.txt /app/program.txt /tmp/uid',
        ].join('\n'),
        'a.txt': 'A-file\n',
      });
      const b1 = await runCli(['build', '--progress', 'plain', '--build-arg', 'WHO=tester', '-t', 'runs:1', dir], {
        root,
        timeoutMs: 120_000,
      });
      assert.equal(b1.code, 0, b1.stderr);
      assert.match(b1.stderr, /A-file/);
      assert.match(b1.stderr, /runs: 1/);
      assert.match(b1.stderr, /shell ok/);
      const run = await runCli(['run', '--rm', 'runs:1'], { root, timeoutMs: 60_000 });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, 'hello tester\nfrom-heredoc\nprogram: /dev/pipes/EOF\n65534\n');

      // Same inputs: every step CACHED. A different build arg reruns from the first RUN on.
      const b2 = await runCli(['build', '--progress', 'plain', '--build-arg', 'WHO=tester', '-t', 'runs:1', dir], {
        root,
        timeoutMs: 120_000,
      });
      assert.equal(b2.code, 0, b2.stderr);
      assert.match(b2.stderr, /\(14 steps, 14 cached/);
      assert.equal(b2.stdout, b1.stdout, 'same image id');
      const b3 = await runCli(['build', '--progress', 'plain', '--no-cache', '-t', 'runs:2', dir], { root, timeoutMs: 120_000 });
      assert.equal(b3.code, 0, b3.stderr);
      assert.match(b3.stderr, /runs: 2/, 'the cache mount kept its content between builds');
      const run2 = await runCli(['run', '--rm', 'runs:2'], { root, timeoutMs: 60_000 });
      assert.equal(run2.stdout.split('\n')[0], 'hello world');
    } finally {
      cleanup();
    }
  });

  it('RUN --network=none, --mount=type=bind (context) and type=tmpfs; COPY --exclude and --link', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const dir = context({
        Dockerfile: [
          `FROM ${base()}`,
          'RUN --network=none ip -o link | grep -v " lo:" | wc -l > /net-ifaces',
          'RUN --mount=type=bind,source=conf,target=/mnt/conf cat /mnt/conf/app.conf > /copied-via-bind',
          'RUN --mount=type=tmpfs,target=/scratch echo temp > /scratch/x && test -f /scratch/x',
          'COPY --exclude=*.log --link logs/ /logs/',
          'CMD ["sh", "-c", "cat /net-ifaces /copied-via-bind; ls /logs; test ! -e /scratch/x && echo no-scratch"]',
        ].join('\n'),
        'conf/app.conf': 'setting=1\n',
        'logs/keep.txt': 'k\n',
        'logs/drop.log': 'd\n',
      });
      const b = await runCli(['build', '-q', '-t', 'flags:1', dir], { root, timeoutMs: 120_000 });
      assert.equal(b.code, 0, b.stderr);
      const run = await runCli(['run', '--rm', 'flags:1'], { root, timeoutMs: 60_000 });
      assert.equal(run.stdout, '0\nsetting=1\nkeep.txt\nno-scratch\n');
    } finally {
      cleanup();
    }
  });

  it('a failing RUN shows its exit code and last output, tags nothing and leaves nothing behind', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const dir = context({
        Dockerfile: `FROM ${base()}\nRUN echo first-line\nRUN echo before && echo oops-on-stderr >&2 && exit 3\nCMD ["true"]\n`,
      });
      const r = await runCli(['build', '--progress', 'plain', '-t', 'broken:1', dir], { root, timeoutMs: 120_000 });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Dockerfile:3:1: RUN failed with exit code 3: oops-on-stderr/);
      assert.match(r.stderr, /#3 before/);
      const img = await runCli(['image', 'inspect', 'broken:1'], { root });
      assert.notEqual(img.code, 0, 'nothing tagged');
      assert.deepEqual(
        readdirSync(join(root, 'tmp')).filter((n) => !n.startsWith('discard-')),
        [],
      );
      assert.deepEqual(mountsUnder(root), []);
      const runcRoot = join(root, 'run', 'runc');
      assert.deepEqual(
        readdirSync(runcRoot, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name),
        [],
      );
    } finally {
      cleanup();
    }
  });

  it('cancelling during a RUN stops it and leaves no container, mount, temp dir or tag', async () => {
    const { root, cleanup } = tempRoot();
    const engine = await createEngine({ root });
    try {
      const dir = context({ Dockerfile: `FROM ${base()}\nRUN echo started && sleep 30\n` });
      const ac = new AbortController();
      const t0 = Date.now();
      const p = engine.builds.build({
        context: dir,
        tags: ['cancelled:1'],
        signal: ac.signal,
        onOutput: (_i, _s, line) => {
          if (line === 'started') ac.abort();
        },
      });
      await assert.rejects(p, (e: unknown) => isEngineError(e) && e.code === 'canceled');
      assert.ok(Date.now() - t0 < 20_000, 'the sleep did not run to its end');
      await assert.rejects(engine.images.inspect('cancelled:1'));
      assert.deepEqual(
        readdirSync(join(root, 'tmp')).filter((n) => !n.startsWith('discard-')),
        [],
      );
      assert.deepEqual(mountsUnder(root), []);
    } finally {
      await engine.close();
      cleanup();
    }
  });

  it('multi-stage: RUN in a build stage, COPY --from into the final one, --target, -f - from stdin', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const dockerfile = [
        `FROM ${base()} AS build`,
        'WORKDIR /src',
        'COPY src/ ./',
        'RUN cat *.part > /out.txt && echo built >> /out.txt',
        `FROM ${base()} AS via-mount`,
        'RUN --mount=type=bind,from=build,source=/out.txt,target=/in.txt cp /in.txt /copied.txt',
        `FROM ${base()} AS tests`,
        'RUN exit 1',
        `FROM ${base()}`,
        'COPY --from=build /out.txt /srv/out.txt',
        'CMD ["cat", "/srv/out.txt"]',
      ].join('\n');
      const dir = context({ 'src/1.part': 'one\n', 'src/2.part': 'two\n' });
      const r = await runCli(['build', '-q', '-f', '-', '-t', 'ms:1', dir], { root, input: dockerfile, timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      const run = await runCli(['run', '--rm', 'ms:1'], { root, timeoutMs: 60_000 });
      assert.equal(run.stdout, 'one\ntwo\nbuilt\n');
      const t = await runCli(['build', '-q', '-f', '-', '--target', 'build', '-t', 'ms:build', dir], {
        root,
        input: dockerfile,
        timeoutMs: 120_000,
      });
      assert.equal(t.code, 0, t.stderr);
      const run2 = await runCli(['run', '--rm', 'ms:build', 'cat', '/out.txt'], { root, timeoutMs: 60_000 });
      assert.equal(run2.stdout, 'one\ntwo\nbuilt\n');
      const m = await runCli(['build', '-q', '-f', '-', '--target', 'via-mount', '-t', 'ms:mount', dir], {
        root,
        input: dockerfile,
        timeoutMs: 120_000,
      });
      assert.equal(m.code, 0, m.stderr);
      const run3 = await runCli(['run', '--rm', 'ms:mount', 'cat', '/copied.txt'], { root, timeoutMs: 60_000 });
      assert.equal(run3.stdout, 'one\ntwo\nbuilt\n');
      assert.deepEqual(mountsUnder(root), []);
    } finally {
      cleanup();
    }
  });
});
