// A Dockerfile is untrusted input: RUN --mount=type=bind sources and COPY --from sources are
// resolved inside the build context or the source stage's rootfs (`..` and symlinks, absolute
// or relative, stop at that root), and a `rw` bind mount writes to a throw-away copy. Each case
// puts a canary file on the host outside the context and checks that the build neither reads
// it (no RUN output, nothing in the store holds its marker) nor writes next to it. Real parts:
// the fixture busybox image, runc, overlay.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/types.js';
import { registry, tempRoot } from '../helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-buildsec-'));
const marker = `CANARY-${process.pid}-${Date.now().toString(36)}`;
const hostDir = join(tmp, 'host');
const canary = join(hostDir, 'canary.txt');
/** From a context dir (tmp/ctx-*) up past `/` and down to the host dir. */
const upAndOver = `${'../'.repeat(16)}${hostDir.slice(1)}`;
const base = () => `${registry()}/fixture/busybox:latest`;

let engine: Engine;
let root: string;
let cleanup: () => void;
before(async () => {
  mkdirSync(hostDir);
  writeFileSync(canary, `${marker}\n`);
  ({ root, cleanup } = tempRoot());
  engine = await createEngine({ root });
});
after(async () => {
  await engine.close();
  cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

function context(dockerfile: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmp, 'ctx-'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [p, body] of Object.entries(files)) writeFileSync(join(dir, p), body);
  return dir;
}

/** Builds, whatever the outcome; returns what the RUN steps printed and the error, if any. */
async function attempt(dir: string): Promise<{ output: string; error?: unknown }> {
  const lines: string[] = [];
  try {
    await engine.builds.build({ context: dir, onOutput: (_i, _s, l) => lines.push(l) });
    return { output: lines.join('\n') };
  } catch (error) {
    return { output: lines.join('\n'), error };
  }
}

/** The canary was not read (no output, nothing in the store) and nothing was written beside it. */
function assertUntouched(output: string): void {
  assert.ok(!output.includes(marker), `the build read the host canary:\n${output}`);
  let hits = '';
  try {
    hits = execFileSync('grep', ['-rlF', marker, root], { encoding: 'utf8' });
  } catch {
    /* grep exits 1: no file holds the marker */
  }
  assert.equal(hits, '', 'the canary reached the store');
  assert.equal(readFileSync(canary, 'utf8'), `${marker}\n`, 'the canary was written');
  assert.deepEqual(readdirSync(hostDir), ['canary.txt'], 'files appeared beside the canary');
}

const steal = 'cat /m/canary.txt; cp -r /m /stolen; echo pwned > /m/canary.txt; touch /m/new; true';

describe('build sources stay inside their root', () => {
  it('RUN --mount=type=bind,source=../../… cannot reach the host (/etc/shadow, a canary), ro or rw', async () => {
    const shadow = await attempt(context(`FROM ${base()}\nRUN --mount=type=bind,source=../../../../etc,target=/m cat /m/shadow; true\n`));
    assert.doesNotMatch(shadow.output, /^root:/m, 'the host /etc/shadow was read');
    for (const flags of ['', ',rw']) {
      const r = await attempt(context(`FROM ${base()}\nRUN --mount=type=bind,source=${upAndOver}${flags},target=/m ${steal}\n`));
      assert.ok(r.error, 'a source outside the context must fail');
      assertUntouched(r.output);
    }
  });

  it('a symlink in the context pointing out (absolute or relative) is resolved inside the context', async () => {
    for (const link of [hostDir, upAndOver]) {
      for (const flags of ['', ',rw']) {
        const dir = context(`FROM ${base()}\nRUN --mount=type=bind,source=out${flags},target=/m ${steal}\n`);
        symlinkSync(link, join(dir, 'out'));
        const r = await attempt(dir);
        assert.ok(r.error, `out -> ${link} must not be found inside the context`);
        assertUntouched(r.output);
        // Through a symlinked parent as well.
        const dir2 = context(`FROM ${base()}\nRUN --mount=type=bind,source=out/canary.txt${flags},target=/m/canary.txt ${steal}\n`);
        symlinkSync(link, join(dir2, 'out'));
        assertUntouched((await attempt(dir2)).output);
      }
      // COPY and ADD resolve their sources in the context too (a guard: they always did).
      for (const src of ['out', 'out/canary.txt', 'out/*.txt']) {
        const dir = context(`FROM ${base()}\nADD ${src} /stolen/\nRUN cat /stolen/*; true\n`);
        symlinkSync(link, join(dir, 'out'));
        const r = await attempt(dir);
        assert.ok(r.error, `ADD ${src} with out -> ${link} must not be found`);
        assertUntouched(r.output);
      }
    }
  });

  it('a rw bind mount of the context writes to a throw-away copy', async () => {
    const dir = context(`FROM ${base()}\nRUN --mount=type=bind,target=/m,rw cat /m/a.txt && echo changed > /m/a.txt && touch /m/new\n`, {
      'a.txt': 'original\n',
    });
    const r = await attempt(dir);
    assert.equal(r.error, undefined, String(r.error));
    assert.match(r.output, /original/);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'original\n');
    assert.deepEqual(readdirSync(dir).sort(), ['Dockerfile', 'a.txt']);
  });

  it('RUN --mount=from=IMAGE,source=../.. stays inside the image', async () => {
    for (const flags of ['', ',rw']) {
      const r = await attempt(
        context(`FROM ${base()}\nRUN --mount=type=bind,from=${base()},source=${upAndOver}${flags},target=/m ${steal}\n`),
      );
      assert.ok(r.error, 'a source outside the image must fail');
      assertUntouched(r.output);
    }
  });

  it('a symlink made in an earlier stage is resolved in that stage (RUN --mount from= and COPY --from)', async () => {
    const stage = `FROM ${base()} AS a\nRUN ln -s ${hostDir} /abs && ln -s ${upAndOver} /rel\n`;
    for (const link of ['abs', 'rel']) {
      for (const flags of ['', ',rw']) {
        const r = await attempt(
          context(`${stage}FROM ${base()}\nRUN --mount=type=bind,from=a,source=/${link}${flags},target=/m ${steal}\n`),
        );
        assert.ok(r.error, `/${link} of stage a must not lead out of it`);
        assertUntouched(r.output);
      }
      const c = await attempt(context(`${stage}FROM ${base()}\nCOPY --from=a /${link}/canary.txt /stolen\nRUN cat /stolen\n`));
      assert.ok(c.error, `COPY --from=a /${link}/canary.txt must not be found`);
      assertUntouched(c.output);
    }
  });

  it("a RUN's working directory made a symlink out by an earlier RUN is created inside the rootfs, not on the host", async () => {
    const r = await attempt(context(`FROM ${base()}\nWORKDIR /app/made\nRUN cd / && rm -rf /app && ln -s ${hostDir} /app\nRUN pwd\n`));
    assertUntouched(r.output);
  });

  it('inside its root a symlinked source still works (BuildKit follows it there)', async () => {
    const dir = context(
      `FROM ${base()} AS a\nRUN mkdir -p /data && echo in-stage > /data/f && ln -s /data /link\nFROM ${base()}\nRUN --mount=type=bind,source=ln/f,target=/c cat /c\nRUN --mount=type=bind,from=a,source=/link,target=/m cat /m/f\nCOPY --from=a /link/f /copied\nRUN cat /copied\n`,
      {
        f: 'in-context\n',
      },
    );
    symlinkSync('/', join(dir, 'ln'));
    const r = await attempt(dir);
    assert.equal(r.error, undefined, String(r.error));
    assert.match(r.output, /in-context/);
    assert.equal(r.output.match(/in-stage/g)?.length, 2);
  });
});
