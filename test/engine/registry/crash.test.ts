// Crash safety: `kill -9` of a pulling `dockui pull` (the real binary) at 20+ points spread
// over a pull of fixture/big, each followed by the store's check; then the same pull completes
// and gives the same image as an undisturbed pull. The fault proxy throttles the blobs so the
// pull lasts long enough for the kill points to land in every phase (manifest, config, each
// layer's download and unpack, commit, record).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/engine/store/index.js';
import { dockuiBin, registry, runCli, tempRoot } from '../../helpers/env.js';
import { type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy.js';
import { assertStoreSound } from './store-sound.js';

/**
 * Runs a pull and kills it `delayMs` after it has moved the store forward (so that the kill
 * points follow the pull instead of the machine's start-up time), or at `delayMs` when `early`.
 */
function pullAndKill(
  ref: string,
  root: string,
  delayMs: number,
  early: boolean,
): Promise<{ killed: boolean; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = progressOf(root);
    const child = spawn(process.execPath, [dockuiBin, 'pull', '-q', ref], {
      env: { ...process.env, DOCKUI_ROOT: root },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    const kill = () => {
      killed = child.kill('SIGKILL');
    };
    const poll = setInterval(() => {
      const now = progressOf(root);
      if (!timer && now.blobs + now.partial > start.blobs + start.partial) timer = setTimeout(kill, delayMs);
    }, 10);
    if (early) timer = setTimeout(kill, delayMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      resolve({ killed: killed && signal === 'SIGKILL', code, stderr });
    });
  });
}

/** Bytes of partial downloads and complete blobs: how far the pulls have got. */
function progressOf(root: string): { blobs: number; partial: number } {
  const size = (dir: string, f: (n: string) => boolean) => {
    try {
      return readdirSync(dir)
        .filter(f)
        .reduce((a, n) => a + statSync(join(dir, n)).size, 0);
    } catch {
      return 0;
    }
  };
  // Only resumable partials (ingest-<hex>): lock and lock-break files come and go without progress.
  return {
    blobs: size(join(root, 'blobs/sha256'), () => true),
    partial: size(join(root, 'tmp'), (n) => /^ingest-[0-9a-f]{64}$/.test(n)),
  };
}

describe('crash safety of pull', () => {
  let proxy: FaultProxy;
  before(async () => {
    proxy = await startFaultProxy(registry('plain'));
  });
  after(() => proxy.close());

  it('survives kill -9 at 20+ points and then completes the same pull', { timeout: 240_000 }, async (t) => {
    const ref = `${proxy.addr}/fixture/big:latest`;
    const probe = await fetch(`http://${registry('plain')}/v2/fixture/big/tags/list`).catch(() => undefined);
    if (!probe?.ok) {
      t.skip('fixture/big is not seeded (bash ../shared/fixtures/registry.sh seed 127.0.0.1:5000 --big)');
      return;
    }
    // ~135 MB at 12 MB/s per connection, 3 at a time: a pull of several seconds.
    proxy.add({ path: /\/blobs\//, fault: { kind: 'throttle', bytesPerSec: 12_000_000 }, times: Infinity });
    const r = tempRoot();
    const clean = tempRoot();
    try {
      const store = await openStore(r.root);
      const points: { ms: number; blobs: number; partial: number }[] = [];
      let kills = 0;
      for (let i = 0; kills < 22 && i < 60; i++) {
        // The first kills land in start-up and the manifest/config phase; later ones at 0–400 ms
        // after the attempt made progress, so each attempt moves the pull a little further.
        const early = i < 3;
        const ms = early ? 150 + i * 150 : (i * 137) % 400;
        const res = await pullAndKill(ref, r.root, ms, early);
        if (!res.killed) {
          assert.equal(res.code, 0, `a pull that was not killed failed: ${res.stderr}`);
          break;
        }
        kills++;
        points.push({ ms, ...progressOf(r.root) });
        await assertStoreSound(store);
      }
      assert.ok(kills >= 20, `only ${kills} kills landed during the pull`);
      // The kills were spread: progress grew across them rather than all landing at one spot.
      const distinct = new Set(points.map((p) => p.blobs + p.partial)).size;
      assert.ok(distinct >= 10, `kill points not spread: ${JSON.stringify(points)}`);

      proxy.clear();
      const done = await runCli(['pull', '-q', ref], { root: r.root, timeoutMs: 120_000 });
      assert.equal(done.code, 0, done.stderr);
      await assertStoreSound(store);
      const undisturbed = await runCli(['pull', '-q', ref], { root: clean.root, timeoutMs: 120_000 });
      assert.equal(undisturbed.code, 0, undisturbed.stderr);
      const a = await store.getImage(ref);
      const b = await (await openStore(clean.root)).getImage(ref);
      assert.equal(a?.manifestDigest, b?.manifestDigest);
      assert.equal(a?.configDigest, b?.configDigest);
      assert.deepEqual(
        (await store.imageLayers(ref)).map((l) => l.diffId),
        (await (await openStore(clean.root)).imageLayers(ref)).map((l) => l.diffId),
      );
    } finally {
      r.cleanup();
      clean.cleanup();
    }
  });
});
