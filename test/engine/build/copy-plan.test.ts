// The planned COPY layer (copy-plan.ts) must be byte for byte the layer that copying into an
// upper dir and writing it (copy.ts, layer.ts) makes: same diffID, same gzip digest. Each case
// makes a real context and compares the plan with both real ways (files written from memory
// and files copied); where the plan cannot be exact it must give none. Then a build through
// the builder: a COPY whose layer is in the store writes nothing and gives the same layers.
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ContentHasher } from '../../../src/engine/build/content-hash.js';
import { loadContext } from '../../../src/engine/build/context.js';
import { compressPlanned, materialize, planCopyLayer } from '../../../src/engine/build/copy-plan.js';
import { copyInto, selectSources } from '../../../src/engine/build/copy.js';
import { writeLayer } from '../../../src/engine/build/layer.js';
import { runCli, tempRoot } from '../../helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-copy-plan-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A context with names whose byte order differs from path order, modes, links, sizes, times. */
function richContext(): string {
  const dir = mkdtempSync(join(tmp, 'ctx-'));
  const file = (p: string, body: string | Buffer, mode?: number) => {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
    if (mode !== undefined) chmodSync(join(dir, p), mode);
  };
  file('Dockerfile', 'FROM scratch\n');
  file('a/b', 'under a');
  file('a-b', 'dash');
  file('a.b', 'dot');
  file('A', 'upper case');
  file('empty', '');
  file('block', Buffer.alloc(512, 7));
  file('bin/tool', '#!/bin/sh\necho hi\n', 0o755);
  file('bin/suid', 'suid', 0o4755);
  file('secret', 'only me', 0o600);
  file('deep/er/and/deeper/still/with/a/path/longer/than/one/hundred/bytes/for/the/pax/header/to/show/up/file.txt', 'long');
  file('ünïcode/名前.txt', 'utf-8 names');
  mkdirSync(join(dir, 'emptydir'));
  mkdirSync(join(dir, 'sticky'));
  chmodSync(join(dir, 'sticky'), 0o1777);
  symlinkSync('a-b', join(dir, 'link-rel'));
  symlinkSync('/etc/passwd', join(dir, 'link-abs'));
  symlinkSync('nowhere', join(dir, 'link-dangling'));
  const old = new Date('1999-12-31T23:59:59.999Z');
  utimesSync(join(dir, 'A'), old, old);
  utimesSync(join(dir, 'a'), old, old);
  return dir;
}

/** The planned and the real layer of `COPY src dest` over `parentRoot`. */
async function both(ctxDir: string, src: string, dest: string, parentRoot?: string) {
  const ctx = loadContext({ context: ctxDir });
  const hasher = new ContentHasher(join(tmp, `cache-${++n}`), ctx.dir);
  const sels = selectSources(ctx, [src]);
  hasher.digestOf(sels[0]!.items); // reads (and keeps) the files, as a build's key does
  const clean = dest.replace(/\/$/, '') || '/';
  const plan = planCopyLayer(sels[0]!, clean, parentRoot, ctx.dir, (e) => hasher.contentOf(e));
  // Without the hashed content (a stat cache hit) the plan reads the files: the same layer.
  assert.equal(planCopyLayer(sels[0]!, clean, parentRoot, ctx.dir, () => undefined)?.diffId, plan?.diffId);
  const real = async (fromMemory: boolean) => {
    const upper = mkdtempSync(join(tmp, 'up-'));
    const written = new Map<string, Buffer>();
    await copyInto(upper, ctx, sels, {
      dest,
      parentRoot,
      keepOwners: false,
      extractArchives: false,
      ...(fromMemory ? { contentOf: (e) => hasher.contentOf(e), written } : {}),
    });
    const blob = join(tmp, `blob-${++n}`);
    const layer = await writeLayer(upper, blob, { xattrs: false, contentOf: (rel) => written.get(`/${rel}`) });
    return { layer, written: written.size };
  };
  // Written out from the plan (when the store lacks the layer): the upper dir gives the same layer.
  let fromPlan: Awaited<ReturnType<typeof writeLayer>> | undefined;
  if (plan) {
    const upper = mkdtempSync(join(tmp, 'mat-'));
    materialize(plan, upper);
    fromPlan = await writeLayer(upper, join(tmp, `blob-${++n}`), { xattrs: false });
  }
  return { plan, planned: plan ? compressPlanned(plan) : undefined, memory: await real(true), copied: await real(false), fromPlan };
}

function assertSame(r: Awaited<ReturnType<typeof both>>): void {
  assert.ok(r.plan && r.planned, 'a plan is made');
  assert.equal(r.memory.layer.diffId, r.copied.layer.diffId, 'files written from memory make the same layer as copied ones');
  assert.equal(r.memory.layer.digest, r.copied.layer.digest);
  assert.ok(r.memory.written > 0, 'files were written from memory');
  assert.equal(r.plan.diffId, r.copied.layer.diffId, 'planned diffID');
  assert.equal(r.planned.digest, r.copied.layer.digest, 'planned gzip digest');
  assert.equal(r.planned.gz.length, r.copied.layer.size);
  assert.equal(r.plan.entries, r.copied.layer.entries);
  assert.equal(r.plan.contentSize, r.copied.layer.contentSize);
  assert.equal(r.fromPlan?.diffId, r.plan.diffId, 'the upper dir written from the plan makes the planned layer');
}

describe('planned COPY layer', () => {
  it('is the real layer for COPY . / and COPY . /app (new), with every kind of entry', async () => {
    const dir = richContext();
    assertSame(await both(dir, '.', '/'));
    assertSame(await both(dir, '.', '/app'));
    assertSame(await both(dir, '.', '/app/'));
    assertSame(await both(dir, 'bin', '/tools'));
  });

  it('is the real layer over an existing destination directory (its owner and mode kept)', async () => {
    const dir = richContext();
    const parent = mkdtempSync(join(tmp, 'parent-'));
    mkdirSync(join(parent, 'app'));
    chmodSync(join(parent, 'app'), 0o750);
    const { lchownSync } = await import('node:fs');
    lchownSync(join(parent, 'app'), 1000, 1001);
    const r = await both(dir, '.', '/app', parent);
    assertSame(r);
    assert.ok(r.plan!.tar.includes(Buffer.from('0001750\0')), 'mode 0750 of the existing directory');
  });

  it('gives no plan where it cannot be exact, and the copy still works there', async () => {
    const dir = richContext();
    // a deeper destination: its parents would get the time of the copy
    assert.equal((await both(dir, '.', '/srv/app')).plan, undefined);
    // a setgid directory: its children take its group
    mkdirSync(join(dir, 'shared'));
    chmodSync(join(dir, 'shared'), 0o2775);
    writeFileSync(join(dir, 'shared/f'), 'f');
    assert.equal((await both(dir, '.', '/app')).plan, undefined);
    const parent = mkdtempSync(join(tmp, 'parent-'));
    mkdirSync(join(parent, 'app'));
    chmodSync(join(parent, 'app'), 0o2755);
    assert.equal((await both(dir, 'bin', '/app', parent)).plan, undefined);
    // a destination that is a file in the image: the real copy fails with its own message
    writeFileSync(join(parent, 'file'), 'x');
    assert.equal((await both(dir, 'bin', '/file', parent).catch(() => ({ plan: undefined }))).plan, undefined);
    // a file too big to keep in memory
    const big = mkdtempSync(join(tmp, 'big-'));
    writeFileSync(join(big, 'big'), Buffer.alloc(300 << 10, 1));
    writeFileSync(join(big, 'small'), 's');
    writeFileSync(join(big, 'Dockerfile'), 'FROM scratch\n');
    const r = await both(big, '.', '/');
    assert.equal(r.plan, undefined);
    assert.equal(r.memory.layer.diffId, r.copied.layer.diffId);
  });

  it('a build whose COPY layer is in the store writes nothing and stacks the same layers (CLI)', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const dir = richContext();
      // (no WORKDIR: its layer holds the time it was made, so two builds may differ there)
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
      const env = { DOCKUI_BUILD_TRACE: '1' };
      const first = await runCli(['build', '-q', '-t', 'plan:1', dir], { root, env });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /copy: files written \(planned\)/);
      const layers = readdirSync(join(root, 'layers')).sort();
      const second = await runCli(['build', '-q', '--no-cache', '-t', 'plan:2', dir], { root, env });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /copy: its layer is in the store already, nothing written/);
      assert.doesNotMatch(second.stderr, /copy: files written/);
      assert.deepEqual(readdirSync(join(root, 'layers')).sort(), layers, 'no layer added');
      const diffIds = async (ref: string) => {
        const r = await runCli(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref], { root });
        assert.equal(r.code, 0, r.stderr);
        return JSON.parse(r.stdout) as string[];
      };
      const want = await diffIds('plan:1');
      assert.equal(want.length, 1);
      assert.deepEqual(await diffIds('plan:2'), want);
      // The stored layer holds the copy.
      const diff = join(root, 'layers', want[0]!.slice('sha256:'.length), 'diff');
      assert.equal(readFileSync(join(diff, 'app/bin/tool'), 'utf8'), '#!/bin/sh\necho hi\n');
      assert.equal(readlinkSync(join(diff, 'app/link-rel')), 'a-b');
    } finally {
      cleanup();
    }
  });
});
