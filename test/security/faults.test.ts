// A hostile or broken registry, and the user's Ctrl-C, against a real `dockui pull`: the real
// binary, the real fixture registry behind test/helpers/fault-proxy.ts (a real TCP proxy that
// injects what the registry will not do on demand: trickles, throttling).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/engine/store/index.js';
import { assertStoreSound } from '../engine/registry/store-sound.js';
import { dockuiBin, registry, runCli, tempRoot } from '../helpers/env.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';

const port = 24210; // this suite's own port

/** The digest of the (only) layer of fixture/busybox, asked of the registry itself. */
async function busyboxLayer(): Promise<string> {
  const r = await fetch(`http://${registry('plain')}/v2/fixture/busybox/manifests/latest`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  const m = (await r.json()) as { layers: { digest: string }[] };
  return m.layers[0]!.digest;
}

/** What a pull must not leave: lock files, unpack dirs, temp files (resumable ingests may stay). */
function strayTemp(root: string): string[] {
  return readdirSync(join(root, 'tmp')).filter((n) => !/^ingest-[0-9a-f]{64}$/.test(n));
}

async function assertClean(root: string): Promise<void> {
  assert.deepEqual(strayTemp(root), []);
  await assertStoreSound(await openStore(root));
}

/** Starts a pull, sends `sig` once it has stored some bytes, and times the exit from there. */
function pullAndSignal(
  ref: string,
  root: string,
  sig: NodeJS.Signals,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dockuiBin, 'pull', ref], {
      env: { ...process.env, DOCKUI_ROOT: root, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let sentAt = 0;
    const poll = setInterval(() => {
      let bytes = 0;
      try {
        for (const n of readdirSync(join(root, 'tmp')))
          if (n.startsWith('ingest-') && !n.includes('.')) bytes += statSync(join(root, 'tmp', n)).size;
      } catch {
        // not made yet
      }
      if (bytes > 0 && !sentAt) {
        sentAt = Date.now();
        child.kill(sig);
      }
    }, 20);
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ code, stderr, ms: sentAt ? Date.now() - sentAt : -1 });
    });
  });
}

describe('registry faults and signals', () => {
  let proxy: FaultProxy;
  let layerPath: RegExp;
  before(async () => {
    proxy = await startFaultProxy(registry('plain'), port);
    layerPath = new RegExp(`/blobs/${await busyboxLayer()}$`);
  });
  after(() => proxy.close());

  it('gives up on a trickling registry at the request deadline (the stall detector never fires)', async () => {
    const t = tempRoot('dockui-faults-');
    try {
      proxy.clear();
      proxy.add({ path: layerPath, fault: { kind: 'trickle', everyMs: 200, after: 1000 }, times: Infinity });
      const start = Date.now();
      const r = await runCli(['pull', '-q', `${proxy.addr}/fixture/busybox`], {
        root: t.root,
        // The stall window (30 s) is far longer than the deadline: this one is the deadline's;
        // two attempts of 3 s each, neither bringing the minimum rate's worth of progress.
        env: {
          DOCKUI_REGISTRY_DEADLINE_MS: '3000',
          DOCKUI_REGISTRY_ATTEMPTS: '2',
          DOCKUI_REGISTRY_RETRY_BASE_MS: '50',
        },
      });
      const ms = Date.now() - start;
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^dockui: .*did not finish answering within 3000 ms.*\n$/);
      assert.ok(ms < 15_000, `took ${ms} ms`);
      assert.ok(proxy.log.filter((l) => l.fault === 'trickle').length >= 2, 'retried');
      await assertClean(t.root);
    } finally {
      t.cleanup();
    }
  });

  it('gives up on a trickle within a stall window by the minimum rate, with the default deadline', async () => {
    const t = tempRoot('dockui-faults-');
    try {
      proxy.clear();
      proxy.add({ path: layerPath, fault: { kind: 'trickle', everyMs: 250 }, times: Infinity });
      const start = Date.now();
      const r = await runCli(['pull', '-q', `${proxy.addr}/fixture/busybox`], {
        root: t.root,
        env: { DOCKUI_REGISTRY_TIMEOUT_MS: '1500', DOCKUI_REGISTRY_ATTEMPTS: '2', DOCKUI_REGISTRY_RETRY_BASE_MS: '50' },
      });
      const ms = Date.now() - start;
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^dockui: .*under 1024 bytes\/s for 1500 ms.*\n$/);
      assert.ok(ms < 15_000, `took ${ms} ms`);
      await assertClean(t.root);
    } finally {
      t.cleanup();
    }
  });

  for (const [sig, code, fault] of [
    ['SIGINT', 130, 'throttle'],
    ['SIGTERM', 143, 'throttle'],
    ['SIGTERM', 143, 'trickle'],
  ] as const) {
    it(`stops within 1 s of ${sig} (${fault}d transfer), one line, exit ${code}, nothing half-written`, async () => {
      const t = tempRoot('dockui-faults-');
      try {
        proxy.clear();
        proxy.add({
          path: /\/blobs\//,
          fault: fault === 'throttle' ? { kind: 'throttle', bytesPerSec: 1_000_000 } : { kind: 'trickle', everyMs: 100, after: 4096 },
          times: Infinity,
        });
        const r = await pullAndSignal(`${proxy.addr}/fixture/big`, t.root, sig);
        assert.equal(r.code, code, r.stderr);
        assert.equal(r.stderr, 'dockui: canceled\n');
        assert.ok(r.ms >= 0 && r.ms < 1000, `exited ${r.ms} ms after ${sig}`);
        await assertClean(t.root);
        const c = await runCli(['system', 'check'], { root: t.root });
        assert.equal(c.code, 0, c.stdout + c.stderr);
      } finally {
        t.cleanup();
      }
    });
  }
});
