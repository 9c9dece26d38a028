// The runtime against hostile images and containers (issue 11): links in an image or planted by
// a running container must never make dockui read or write the host's files; real runc, conmon
// and images built from the fixture busybox.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setupFixture, type Fixture } from '../engine/runtime/cli-helpers.js';

/** Every file name under `dir`, recursively (relative paths). */
function walk(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, base), { withFileTypes: true })) {
    const rel = join(base, e.name);
    out.push(rel);
    if (e.isDirectory()) out.push(...walk(dir, rel));
  }
  return out;
}

describe('runtime security', () => {
  let f: Fixture;
  let canary: string;
  before(async () => {
    f = await setupFixture('dockui-runsec-', ['busybox']);
    // A host directory no container may see: its file's name is the proof of a leak.
    canary = mkdtempSync(join(tmpdir(), 'dockui-canary-'));
    writeFileSync(join(canary, 'host-secret-canary'), 'secret\n');
  });
  after(async () => {
    await f.cleanup();
    rmSync(canary, { recursive: true, force: true });
  });

  it('fills a VOLUME that is a link in the image from inside the rootfs, never from the host', async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'dockui-runsec-ctx-'));
    const up = '../'.repeat(12);
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        `FROM ${f.busybox}`,
        // absolute and relative links to the host canary (absent from the image), and to /etc
        // (present in both: the image's must fill the volume, not the host's).
        `RUN ln -s ${canary} /abs && mkdir -p /a/b && ln -s ${up}${canary.slice(1)} /a/b/rel && ln -s /etc /etcl`,
        'VOLUME /abs',
        'VOLUME /a/b/rel',
        'VOLUME /etcl',
        '',
      ].join('\n'),
    );
    await f.ok(['build', '-q', '-t', 'hostile-volume', ctx]);
    rmSync(ctx, { recursive: true, force: true });
    const out = await f.ok([
      'run',
      '--name',
      'hv',
      'hostile-volume',
      'sh',
      '-c',
      `ls -A /abs /a/b/rel; ls /etcl | grep -c debian_version || true`,
    ]);
    assert.doesNotMatch(out, /host-secret-canary/);
    const vols = join(f.root, 'volumes');
    const names = readdirSync(vols).filter((n) => /^[0-9a-f]{64}$/.test(n));
    assert.equal(names.length, 3);
    const files = names.flatMap((n) => walk(join(vols, n, '_data')));
    assert.ok(!files.some((p) => p.includes('host-secret-canary')), `host canary copied into a volume: ${files.join(' ')}`);
    assert.ok(!files.includes('debian_version'), 'the host /etc was copied into a volume');
    assert.ok(files.includes('passwd') || files.includes('group'), `the image's /etc fills its volume: ${files.join(' ')}`);
    assert.deepEqual(readdirSync(canary), ['host-secret-canary'], 'nothing made in the host canary');
    await f.ok(['rm', '-v', 'hv']);
  });
});
