// Bounded work for metadata floods: a Dockerfile of 20,000 LABEL/ENV/ARG lines builds in
// linear time and leaves one small cache record per run of metadata steps (it used to store
// the whole, growing config at every step: O(n²) time, gigabytes of cache). Real CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, tempRoot } from '../../helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-bounded-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? bytesUnder(p) : statSync(p).size;
  }
  return n;
}

describe('metadata floods', () => {
  it('20,000 LABEL/ENV/ARG lines build in seconds with a small cache, then all CACHED; the image has them all', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const n = 20_000;
      const lines = ['FROM scratch'];
      for (let i = 0; i < n; i++) lines.push(i % 20 === 0 ? `ENV E${i}=v${i}` : i % 20 === 1 ? `ARG A${i}=a${i}` : `LABEL l${i}="v ${i}"`);
      lines.push('COPY f /f', 'LABEL after=copy');
      const dir = mkdtempSync(join(tmp, 'ctx-'));
      writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
      writeFileSync(join(dir, 'f'), 'f\n');

      const t0 = Date.now();
      const b1 = await runCli(['build', '--progress', 'plain', '-t', 'flood:1', dir], { root, timeoutMs: 60_000 });
      const ms = Date.now() - t0;
      assert.equal(b1.code, 0, b1.stderr.slice(-2000));
      const steps = n + 3;
      assert.match(b1.stderr, new RegExp(`\\(${steps} steps`));
      // Measured 2.0 s for the whole CLI run on a quiet 2-core box; the old builder needed 17.7 s
      // for 4,000 lines. The bound leaves room for a busy machine, not for O(n²).
      assert.ok(ms < 15_000, `build took ${ms} ms`);
      console.log(`# 20,000 metadata lines: ${ms} ms, build-cache ${bytesUnder(join(root, 'build-cache'))} bytes`);
      // One record per run of metadata steps (two runs here) plus the COPY's: the config once each.
      const cache = bytesUnder(join(root, 'build-cache'));
      assert.ok(cache < 16 * 1024 * 1024, `build-cache holds ${cache} bytes`);
      assert.ok(readdirSync(join(root, 'build-cache', 'entries')).length <= 4);

      const b2 = await runCli(['build', '--progress', 'plain', '-t', 'flood:1', dir], { root, timeoutMs: 60_000 });
      assert.equal(b2.code, 0, b2.stderr.slice(-2000));
      assert.match(b2.stderr, new RegExp(`\\(${steps} steps, ${steps} cached`));
      assert.equal(b2.stdout, b1.stdout, 'same image id');

      const ins = await runCli(['inspect', 'flood:1'], { root });
      assert.equal(ins.code, 0, ins.stderr);
      const [img] = JSON.parse(ins.stdout) as { Config: { Labels: Record<string, string>; Env: string[] } }[];
      assert.equal(img!.Config.Labels['l2'], 'v 2');
      assert.equal(img!.Config.Labels[`l${n - 1}`], `v ${n - 1}`);
      assert.equal(img!.Config.Labels['after'], 'copy');
      assert.equal(Object.keys(img!.Config.Labels).length, n - n / 10 + 1);
      assert.ok(img!.Config.Env.includes(`E${n - 20}=v${n - 20}`));
      assert.equal(img!.Config.Env.length, n / 20 + 1); // PATH and every ENV

      // A changed line in the middle rebuilds from there on, and the image says so.
      writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n').replace('LABEL l102="v 102"', 'LABEL l102=changed')}\n`);
      const b3 = await runCli(['build', '--progress', 'plain', '-t', 'flood:2', dir], { root, timeoutMs: 60_000 });
      assert.equal(b3.code, 0, b3.stderr.slice(-2000));
      const ins2 = await runCli(['inspect', 'flood:2'], { root });
      assert.equal((JSON.parse(ins2.stdout) as { Config: { Labels: Record<string, string> } }[])[0]!.Config.Labels['l102'], 'changed');
    } finally {
      cleanup();
    }
  });
});
