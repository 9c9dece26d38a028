// The real dockui binary: login / pull / logout / push against the fixture registries, plain
// progress lines off a terminal, bars on one, and Ctrl-C during a pull.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pullPrinter } from '../../../src/cli/progress.js';
import { openStore } from '../../../src/engine/store/index.js';
import { dockuiBin, registry, runCli, tempRoot } from '../../helpers/env.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { assertStoreSound } from './store-sound.js';

const home = mkdtempSync(join(tmpdir(), 'dockui-cli-home-'));
const env = { DOCKER_CONFIG: join(home, '.docker') };
after(() => rmSync(home, { recursive: true, force: true }));

describe('dockui login / pull / logout / push', () => {
  it('logs in, pulls with plain progress lines, logs out', async () => {
    const t = tempRoot();
    try {
      const auth = registry('auth');
      const bad = await runCli(['login', '-u', 'tester', '--password-stdin', auth], {
        root: t.root,
        input: 'wrong\n',
        env,
      });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^dockui: .*refused the credentials/);
      assert.equal(bad.stderr.trim().split('\n').length, 1);

      const ok = await runCli(['login', '-u', 'tester', '--password-stdin', auth], {
        root: t.root,
        input: 'secret\n',
        env,
      });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /Login Succeeded/);
      const cfg = JSON.parse(readFileSync(join(home, '.docker/config.json'), 'utf8')) as {
        auths: Record<string, { auth: string }>;
      };
      assert.equal(Buffer.from(cfg.auths[auth]!.auth, 'base64').toString(), 'tester:secret');

      const pull = await runCli(['pull', `${auth}/fixture/layers`], { root: t.root, env });
      assert.equal(pull.code, 0, pull.stderr);
      assert.match(pull.stdout, /^latest: Pulling from fixture\/layers$/m);
      assert.match(pull.stdout, /^[0-9a-f]{12}: Pull complete$/m);
      assert.match(pull.stdout, /^Digest: sha256:[0-9a-f]{64}$/m);
      assert.match(pull.stdout, /^Status: Downloaded newer image for 127\.0\.0\.1:\d+\/fixture\/layers:latest$/m);
      assert.ok(!pull.stdout.includes('\u001b['), 'no terminal escapes off a terminal');
      const again = await runCli(['pull', `${auth}/fixture/layers`], { root: t.root, env });
      assert.match(again.stdout, /Status: Image is up to date/);
      assert.match(again.stdout, /Already exists/);

      const out = await runCli(['logout', auth], { root: t.root, env });
      assert.match(out.stdout, new RegExp(`Removing login credentials for ${auth.replace(/\./g, '\\.')}`));
      const denied = await runCli(['pull', `${auth}/fixture/web`], { root: t.root, env });
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /requires a login \(run 'dockui login/);
      const notIn = await runCli(['logout', auth], { root: t.root, env });
      assert.match(notIn.stdout, /Not logged in/);
    } finally {
      t.cleanup();
    }
  });

  it('pulls quietly, by platform, and refuses bad input with one line', async () => {
    const t = tempRoot();
    try {
      const q = await runCli(['pull', '-q', '--platform', 'linux/arm64/v8', `${registry('plain')}/fixture/multiarch`], {
        root: t.root,
        env,
      });
      assert.equal(q.code, 0, q.stderr);
      assert.equal(q.stdout, `${registry('plain')}/fixture/multiarch:latest\n`);
      const rec = await (await openStore(t.root)).getImage(`${registry('plain')}/fixture/multiarch`);
      assert.equal(rec?.platform, 'linux/arm64');
      for (const [args, re] of [
        [['pull', 'Not/Valid'], /invalid reference format/],
        [['pull', `${registry('plain')}/fixture/nope`], /not found/],
        [['pull'], /exactly one image reference/],
        [['push', `${registry('plain')}/never/pulled:v1`], /no such image/],
        [['login', '-u', 'x'], /password/],
      ] as const) {
        const r = await runCli(args, { root: t.root, env });
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, re);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
    } finally {
      t.cleanup();
    }
  });

  it('pushes a pulled image under a new name', async () => {
    const t = tempRoot();
    try {
      const src = `${registry('plain')}/fixture/busybox`;
      assert.equal((await runCli(['pull', '-q', src], { root: t.root, env })).code, 0);
      const store = await openStore(t.root);
      const name = `${registry('plain')}/cli-push/busybox:v${Date.now()}`;
      await store.tagImage(src, name);
      const r = await runCli(['push', name], { root: t.root, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^The push refers to repository \[127\.0\.0\.1:\d+\/cli-push\/busybox\]$/m);
      assert.match(r.stdout, /: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    } finally {
      t.cleanup();
    }
  });

  it('cancels a pull on Ctrl-C: exit 130, one line, a sound store, no record', async () => {
    const proxy = await startFaultProxy(registry('plain'));
    const t = tempRoot();
    try {
      proxy.add({ path: /\/blobs\//, fault: { kind: 'throttle', bytesPerSec: 100_000 }, times: Infinity });
      const ref = `${proxy.addr}/fixture/layers`;
      const child = spawn(process.execPath, [dockuiBin, 'pull', ref], {
        env: { ...process.env, ...env, DOCKUI_ROOT: t.root },
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      let sent = false;
      const code = await new Promise<number | null>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          // One Ctrl-C: a second one exits at once, by design.
          if (!sent && /Downloading/.test(stdout)) sent = child.kill('SIGINT');
        });
        child.on('close', (c) => resolve(c));
      });
      assert.equal(code, 130, stderr);
      assert.equal(stderr, 'dockui: canceled\n');
      const store = await openStore(t.root);
      assert.equal(await store.getImage(ref), undefined);
      await assertStoreSound(store);
    } finally {
      await proxy.close();
      t.cleanup();
    }
  });
});

describe('two pulls at once', () => {
  it('two dockui processes pulling the same image into one root both succeed', async () => {
    const proxy = await startFaultProxy(registry('plain'));
    const t = tempRoot();
    try {
      // Throttled so that the two pulls overlap in every layer.
      proxy.add({ path: /\/blobs\//, fault: { kind: 'throttle', bytesPerSec: 2_000_000 }, times: Infinity });
      const ref = `${proxy.addr}/fixture/layers`;
      const [a, b] = await Promise.all([
        runCli(['pull', '-q', ref], { root: t.root, env }),
        runCli(['pull', '-q', ref], { root: t.root, env }),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const store = await openStore(t.root);
      assert.equal((await store.listImages()).length, 1);
      assert.equal((await store.imageLayers(ref)).length, 3);
      await assertStoreSound(store);
    } finally {
      await proxy.close();
      t.cleanup();
    }
  });
});

describe('progress output', () => {
  it('draws bars in place on a terminal', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const p = pullPrinter(Object.assign(out, { columns: 100 }), { tty: true });
    const digest = `sha256:${'ab'.repeat(32)}`;
    p.update({
      ref: 'x',
      layers: [{ digest, phase: 'downloading', current: 5_000_000, total: 10_000_000 }],
      current: 5,
      total: 10,
    });
    p.update({
      ref: 'x',
      layers: [{ digest, phase: 'done', current: 10_000_000, total: 10_000_000 }],
      current: 10,
      total: 10,
    });
    assert.match(text, /ababababab: Downloading \[=+>\s+\] 5\.00MB\/10\.0MB/);
    assert.ok(text.includes('\u001b[1A\u001b[2Kabababababab: Pull complete'), JSON.stringify(text));
  });
});
