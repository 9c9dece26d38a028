// save / load end to end with real parts: images pulled from the fixture registry, archives
// read and written by skopeo (an independent implementation of docker-archive and
// oci-archive), containers run through runc, and hand-made hostile archives.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { encodeHeader, endOfArchive, padding, typeFlag } from '../../../src/engine/fsutil/tar.js';
import { dockuiBin, registry, runCli, tempRoot } from '../../helpers/env.js';

const dig = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

type Ent = { name: string; data?: Buffer; type?: 'file' | 'dir' | 'symlink'; link?: string };

/** A tar made by the project's own writer (independent of the archive reader under test). */
function tar(entries: readonly Ent[]): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    const type = e.type === 'dir' ? typeFlag.dir : e.type === 'symlink' ? typeFlag.symlink : typeFlag.file;
    const data = e.data ?? Buffer.alloc(0);
    out.push(
      encodeHeader({
        name: e.name,
        type,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: type === typeFlag.file ? data.length : 0,
        mtime: 0,
        ...(e.link ? { linkname: e.link } : {}),
      }),
    );
    if (type === typeFlag.file) out.push(data, Buffer.alloc(padding(data.length)));
  }
  out.push(endOfArchive());
  return Buffer.concat(out);
}

/** A one-file layer tar and an image config naming it. */
function layerAndConfig(content = 'hello from a loaded layer\n'): { layer: Buffer; config: Buffer } {
  const layer = tar([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/hello', data: Buffer.from(content) },
  ]);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['cat', '/etc/hello'] },
      rootfs: { type: 'layers', diff_ids: [dig(layer)] },
      history: [{ created_by: 'test' }],
    }),
  );
  return { layer, config };
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What a failed load must not leave: blobs, layers, temp files, image records. */
function assertEmptyStore(root: string): void {
  const list = (d: string) => (existsSync(join(root, d)) ? readdirSync(join(root, d)) : []);
  assert.deepEqual(list('blobs/sha256'), [], 'no blob left');
  assert.deepEqual(list('layers'), [], 'no layer left');
  assert.deepEqual(list('tmp'), [], 'no temp file left');
  const rec = join(root, 'images', 'records.json');
  if (existsSync(rec)) {
    const r = JSON.parse(readFileSync(rec, 'utf8')) as { refs: object; dangling: object };
    assert.deepEqual([Object.keys(r.refs), Object.keys(r.dangling)], [[], []], 'no image record');
  }
}

describe('save and load', () => {
  const reg = registry();
  const web = `${reg}/fixture/web:latest`;
  const layers = `${reg}/fixture/layers:latest`;
  const src = tempRoot('dockui-save-');
  const work = tempRoot('dockui-archives-');
  const archive = join(work.root, 'both.tar');
  const ids: Record<string, string> = {};
  after(() => {
    src.cleanup();
    work.cleanup();
  });

  const idOf = async (root: string, ref: string) => {
    const r = await runCli(['inspect', ref], { root });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { Id: string }[])[0]!.Id;
  };

  before(async () => {
    for (const ref of [web, layers]) {
      const r = await runCli(['pull', ref], { root: src.root, timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      ids[ref] = await idOf(src.root, ref);
    }
    const r = await runCli(['save', '-o', archive, web, layers], { root: src.root, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  it('writes a docker-archive that skopeo reads, with each layer tar matching its diff_id', async () => {
    const info = JSON.parse(sh('skopeo', ['inspect', `docker-archive:${archive}:${web}`])) as { Layers: string[]; Architecture: string };
    const cfg = JSON.parse((await runCli(['inspect', web], { root: src.root })).stdout) as { RootFS: { Layers: string[] } }[];
    assert.deepEqual(info.Layers, cfg[0]!.RootFS.Layers);

    const oci = join(work.root, 'oci-copy');
    sh('skopeo', ['copy', '-q', `docker-archive:${archive}:${layers}`, `oci:${oci}`]);
    const idx = JSON.parse(readFileSync(join(oci, 'index.json'), 'utf8')) as { manifests: unknown[] };
    assert.equal(idx.manifests.length, 1);

    // Unpacked by GNU tar: every blob is named by its own sha256 (layers by their diff_id).
    const x = join(work.root, 'x');
    mkdirSync(x);
    sh('tar', ['-xf', archive, '-C', x]);
    const blobs = readdirSync(join(x, 'blobs/sha256'));
    assert.ok(blobs.length >= 7, `blobs: ${blobs.join(' ')}`);
    for (const b of blobs) assert.equal(dig(readFileSync(join(x, 'blobs/sha256', b))), `sha256:${b}`);
    const manifest = JSON.parse(readFileSync(join(x, 'manifest.json'), 'utf8')) as {
      Config: string;
      RepoTags: string[];
      Layers: string[];
    }[];
    assert.deepEqual(
      manifest.map((m) => m.RepoTags),
      [[web], [layers]],
    );
    assert.deepEqual(
      manifest.map((m) => m.Config),
      [web, layers].map((r) => `blobs/sha256/${ids[r]!.slice(7)}`),
    );
    assert.ok(existsSync(join(x, 'oci-layout')));
    // The OCI side of the same archive: skopeo reads it as an OCI layout too.
    const ociInfo = JSON.parse(sh('skopeo', ['inspect', `oci:${x}:latest`])) as { Layers: string[] };
    assert.ok(ociInfo.Layers.length > 0);
  });

  it('saves an image named twice once, and one saved by id without RepoTags', async () => {
    const tag = await runCli(['tag', web, 'example.com/other/web:2'], { root: src.root });
    assert.equal(tag.code, 0, tag.stderr);
    const two = join(work.root, 'two-names.tar');
    const r = await runCli(['save', '-o', two, ids[web]!, 'example.com/other/web:2', web], { root: src.root });
    assert.equal(r.code, 0, r.stderr);
    const mj = JSON.parse(execFileSync('tar', ['-xOf', two, 'manifest.json'], { encoding: 'utf8' })) as { RepoTags: string[] }[];
    assert.deepEqual(
      mj.map((m) => m.RepoTags),
      [['example.com/other/web:2', web]],
    );
    const byId = join(work.root, 'by-id.tar');
    assert.equal((await runCli(['save', '-o', byId, ids[web]!.slice(7, 19)], { root: src.root })).code, 0);
    const dst = tempRoot('dockui-load-id-');
    try {
      const a = await runCli(['load', '-q', '-i', two], { root: dst.root });
      assert.equal(a.stdout, `Loaded image: example.com/other/web:2\nLoaded image: ${web}\n`, a.stderr);
      const b = await runCli(['load', '-q', '-i', byId], { root: dst.root });
      assert.equal(b.stdout, `Loaded image ID: ${ids[web]}\n`, b.stderr);
    } finally {
      dst.cleanup();
    }
  });

  it('streams to stdout when redirected, and refuses a terminal', async () => {
    const out = join(work.root, 'stdout.tar');
    execFileSync('bash', ['-c', `node ${dockuiBin} save ${web} > ${out}`], { env: { ...process.env, DOCKUI_ROOT: src.root } });
    const info = JSON.parse(sh('skopeo', ['inspect', `docker-archive:${out}`])) as { Layers: string[] };
    assert.equal(info.Layers.length, 2);

    // Under a pseudo-terminal (script(1)) stdout is a tty: one line, non-zero exit, no bytes.
    let failed: { status: number; stdout: string } | undefined;
    try {
      execFileSync('script', ['-qec', `node ${dockuiBin} save ${web}`, '/dev/null'], {
        env: { ...process.env, DOCKUI_ROOT: src.root },
        encoding: 'utf8',
      });
    } catch (e) {
      failed = e as { status: number; stdout: string };
    }
    assert.ok(failed, 'save to a terminal must fail');
    assert.equal(failed.status, 1);
    assert.match(failed.stdout, /refusing to write an image archive to a terminal/);
    assert.equal(failed.stdout.trim().split('\n').length, 1);
  });

  it('save of an unknown image fails with one line and leaves no file', async () => {
    const out = join(work.root, 'nope.tar');
    const r = await runCli(['save', '-o', out, web, 'no/such:image'], { root: src.root });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'dockui: no such image: no/such:image\n');
    assert.equal(existsSync(out), false);
    assert.deepEqual(
      readdirSync(work.root).filter((n) => n.startsWith('nope')),
      [],
    );
  });

  it('loads the archive into a fresh root: same ids, and the loaded image runs', async () => {
    const dst = tempRoot('dockui-load-');
    try {
      const r = await runCli(['load', '-i', archive], { root: dst.root, timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `Loaded image: ${web}\nLoaded image: ${layers}\n`);
      for (const ref of [web, layers]) assert.equal(await idOf(dst.root, ref), ids[ref]);
      const run = await runCli(['run', '--rm', layers, 'cat', '/etc/motd'], { root: dst.root, timeoutMs: 120_000 });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, 'motd from layer 3\n');
      const check = await runCli(['system', 'check'], { root: dst.root });
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.deepEqual(readdirSync(join(dst.root, 'tmp')), []);

      // Again, from stdin and gzip-compressed, quietly: layers exist, records are rewritten.
      writeFileSync(join(work.root, 'both.tar.gz'), gzipSync(readFileSync(archive)));
      const again = execFileSync('bash', ['-c', `node ${dockuiBin} load -q < ${join(work.root, 'both.tar.gz')}`], {
        env: { ...process.env, DOCKUI_ROOT: dst.root },
        encoding: 'utf8',
      });
      assert.equal(again, `Loaded image: ${web}\nLoaded image: ${layers}\n`);
      // From a pipe given as a file (a FIFO: spooled, not opened twice).
      const fifo = execFileSync('bash', ['-c', `node ${dockuiBin} load -q -i <(cat ${archive})`], {
        env: { ...process.env, DOCKUI_ROOT: dst.root },
        encoding: 'utf8',
      });
      assert.equal(fifo, `Loaded image: ${web}\nLoaded image: ${layers}\n`);
      assert.equal(await idOf(dst.root, layers), ids[layers]);
    } finally {
      dst.cleanup();
    }
  });

  it('an interrupted load (SIGINT between layers) leaves no blob, temp file or record', async () => {
    const big = `${reg}/fixture/big:latest`;
    const pulled = await runCli(['pull', big], { root: src.root, timeoutMs: 120_000 });
    assert.equal(pulled.code, 0, pulled.stderr);
    const bigTar = join(work.root, 'big.tar');
    assert.equal((await runCli(['save', '-o', bigTar, big], { root: src.root, timeoutMs: 120_000 })).code, 0);
    const dst = tempRoot('dockui-load-int-');
    try {
      const child = spawn(process.execPath, [dockuiBin, 'load', '-i', bigTar], {
        env: { ...process.env, DOCKUI_ROOT: dst.root },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      let sent = false;
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The first (small) layer is in; the big ones are still being unpacked and compressed.
        if (!sent && /Loaded layer/.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
      assert.equal(code, 130, stderr);
      assert.match(stderr, /dockui: canceled\n$/);
      assert.equal(stdout, '');
      assert.deepEqual(readdirSync(join(dst.root, 'blobs/sha256')), []);
      assert.deepEqual(readdirSync(join(dst.root, 'tmp')), []);
      assert.deepEqual((await runCli(['images', '-q'], { root: dst.root })).stdout, '');
      // Layers unpacked before the interrupt are complete, verified and unreferenced: gc takes them.
      const prune = await runCli(['system', 'prune', '-f'], { root: dst.root });
      assert.equal(prune.code, 0, prune.stderr);
      assert.deepEqual(readdirSync(join(dst.root, 'layers')), []);
    } finally {
      dst.cleanup();
    }
  });

  it('loads archives written by skopeo: docker-archive (symlinked layers) and oci-archive', async () => {
    const dst = tempRoot('dockui-load-skopeo-');
    const dockerTar = join(work.root, 'skopeo-docker.tar');
    const ociTar = join(work.root, 'skopeo-oci.tar');
    try {
      sh('skopeo', [
        'copy',
        '-q',
        '--src-tls-verify=false',
        `docker://${layers}`,
        `docker-archive:${dockerTar}:example.com/skopeo/layers:v1`,
      ]);
      sh('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${web}`, `oci-archive:${ociTar}:example.com/skopeo/web:oci`]);
      const a = await runCli(['load', '-i', dockerTar], { root: dst.root, timeoutMs: 120_000 });
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, 'Loaded image: example.com/skopeo/layers:v1\n');
      assert.equal(await idOf(dst.root, 'example.com/skopeo/layers:v1'), ids[layers]);
      const b = await runCli(['load', '-i', ociTar], { root: dst.root, timeoutMs: 120_000 });
      assert.equal(b.code, 0, b.stderr);
      assert.equal(b.stdout, 'Loaded image: example.com/skopeo/web:oci\n');
      assert.equal(await idOf(dst.root, 'example.com/skopeo/web:oci'), ids[web]);
      const run = await runCli(['run', '--rm', 'example.com/skopeo/layers:v1', 'cat', '/etc/motd'], { root: dst.root, timeoutMs: 120_000 });
      assert.equal(run.stdout, 'motd from layer 3\n', run.stderr);
    } finally {
      dst.cleanup();
    }
  });
});

describe('load refuses broken and hostile archives with one line, leaving nothing', () => {
  const work = tempRoot('dockui-hostile-');
  after(() => work.cleanup());
  let n = 0;

  async function refused(archive: Buffer | string, pattern: RegExp): Promise<void> {
    const root = tempRoot('dockui-hostile-root-');
    try {
      let file: string;
      if (typeof archive === 'string') file = archive;
      else {
        file = join(work.root, `a${n++}.tar`);
        writeFileSync(file, archive);
      }
      const r = await runCli(['load', '-i', file], { root: root.root });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /internal error/);
      assertEmptyStore(root.root);
    } finally {
      root.cleanup();
    }
  }

  const good = () => {
    const { layer, config } = layerAndConfig();
    return { layer, config, manifest: [{ Config: 'config.json', RepoTags: ['hostile/x:1'], Layers: ['layer.tar'] }] };
  };

  it('accepts the well-formed version of these archives (the control)', async () => {
    const { layer, config, manifest } = good();
    const root = tempRoot('dockui-control-');
    try {
      const file = join(work.root, 'good.tar');
      writeFileSync(
        file,
        tar([
          { name: 'layer.tar', data: layer },
          { name: 'config.json', data: config },
          { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
        ]),
      );
      const r = await runCli(['load', '-i', file], { root: root.root });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Loaded image: hostile/x:1\n');
      const ins = JSON.parse((await runCli(['inspect', 'hostile/x:1'], { root: root.root })).stdout) as {
        Id: string;
        RootFS: { Layers: string[] };
      }[];
      assert.equal(ins[0]!.Id, dig(config));
      assert.deepEqual(ins[0]!.RootFS.Layers, [dig(layer)]);
      assert.equal(
        readFileSync(join(root.root, 'layers', dig(layer).slice(7), 'diff', 'etc', 'hello'), 'utf8'),
        'hello from a loaded layer\n',
      );
      // Untagged: the id is printed.
      const untagged = join(work.root, 'untagged.tar');
      writeFileSync(
        untagged,
        tar([
          { name: 'layer.tar', data: layer },
          { name: 'config.json', data: config },
          { name: 'manifest.json', data: Buffer.from(JSON.stringify([{ ...manifest[0], RepoTags: null }])) },
        ]),
      );
      const u = await runCli(['load', '-q', '-i', untagged], { root: root.root });
      assert.equal(u.stdout, `Loaded image ID: ${dig(config)}\n`, u.stderr);
      // The name moves to a different image: said as docker says it.
      const other = layerAndConfig('another layer\n');
      const moved = join(work.root, 'moved.tar');
      writeFileSync(
        moved,
        tar([
          { name: 'l.tar', data: other.layer },
          { name: 'c.json', data: other.config },
          {
            name: 'manifest.json',
            data: Buffer.from(JSON.stringify([{ Config: 'c.json', RepoTags: ['hostile/x:1'], Layers: ['l.tar'] }])),
          },
        ]),
      );
      const m = await runCli(['load', '-q', '-i', moved], { root: root.root });
      assert.equal(
        m.stdout,
        `The image hostile/x:1 already exists, renaming the old one with ID ${dig(config)} to empty string\nLoaded image: hostile/x:1\n`,
        m.stderr,
      );
    } finally {
      root.cleanup();
    }
  });

  it('a missing file, a directory, bytes that are not a tar, an empty stdin', async () => {
    await refused(join(work.root, 'does-not-exist.tar'), /^dockui: no such file: .*does-not-exist\.tar$/m);
    await refused(work.root, /is a directory, not an image archive/);
    await refused(
      Buffer.from('this is not a tar archive at all, just text\n'.repeat(40)),
      /is not a valid image archive: it is not a tar archive/,
    );
    await refused(tar([{ name: 'readme', data: Buffer.from('hi') }]), /neither manifest\.json .* nor index\.json/);
    const root = tempRoot('dockui-stdin-');
    try {
      const r = await runCli(['load'], { root: root.root, input: '' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^dockui: stdin is not a valid image archive: it is empty\n$/);
      assertEmptyStore(root.root);
    } finally {
      root.cleanup();
    }
  });

  it('a ../ entry or an absolute path in the archive', async () => {
    const { layer, config, manifest } = good();
    const m = Buffer.from(JSON.stringify(manifest));
    await refused(
      tar([
        { name: '../evil', data: Buffer.from('x') },
        { name: 'layer.tar', data: layer },
        { name: 'config.json', data: config },
        { name: 'manifest.json', data: m },
      ]),
      /entry "\.\.\/evil" points outside the archive/,
    );
    await refused(
      tar([
        { name: 'a/../../evil', data: Buffer.from('x') },
        { name: 'manifest.json', data: m },
      ]),
      /points outside the archive/,
    );
    await refused(
      tar([
        { name: '/etc/evil', data: Buffer.from('x') },
        { name: 'manifest.json', data: m },
      ]),
      /has an absolute path/,
    );
  });

  it('manifest.json pointing outside the archive, at a missing layer, or through an escaping symlink', async () => {
    const { layer, config } = good();
    const mk = (layers: string[]) => Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: ['hostile/x:1'], Layers: layers }]));
    await refused(
      tar([
        { name: 'config.json', data: config },
        { name: 'manifest.json', data: mk(['missing.tar']) },
      ]),
      /"missing\.tar" is not in the archive/,
    );
    await refused(
      tar([
        { name: 'layer.tar', data: layer },
        { name: 'config.json', data: config },
        { name: 'manifest.json', data: mk(['../../etc/passwd']) },
      ]),
      /points outside the archive/,
    );
    await refused(
      tar([
        { name: 'layer.tar', data: layer },
        { name: 'config.json', data: config },
        { name: 'manifest.json', data: mk(['/etc/passwd']) },
      ]),
      /points outside the archive/,
    );
    await refused(
      tar([
        { name: 'l/layer.tar', type: 'symlink', link: '../../outside.tar' },
        { name: 'config.json', data: config },
        { name: 'manifest.json', data: mk(['l/layer.tar']) },
      ]),
      /points outside the archive/,
    );
    await refused(
      tar([
        { name: 'layer.tar', data: layer },
        { name: 'config.json', data: config },
        { name: 'manifest.json', data: mk(['layer.tar', 'layer.tar']) },
      ]),
      /config lists 1 layers but manifest\.json 2/,
    );
    await refused(
      tar([
        { name: 'layer.tar', data: layer },
        { name: 'manifest.json', data: mk(['layer.tar']) },
      ]),
      /"config\.json" is not in the archive/,
    );
  });

  it('a corrupted layer (one byte changed) is refused before anything is written', async () => {
    const { layer, config, manifest } = good();
    const bad = Buffer.from(layer);
    bad[512 * 2 + 3] = bad[512 * 2 + 3]! ^ 0x20; // inside etc/hello's data
    await refused(
      tar([
        { name: 'layer.tar', data: bad },
        { name: 'config.json', data: config },
        { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
      ]),
      /layer "layer\.tar" does not match its diff_id sha256:[0-9a-f]{64}/,
    );
    // The same, gzip-compressed in the archive.
    await refused(
      tar([
        { name: 'layer.tar', data: gzipSync(bad) },
        { name: 'config.json', data: config },
        { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
      ]),
      /does not match its diff_id/,
    );
  });

  it('a layer whose content climbs out of the root is refused by the unpack, leaving nothing', async () => {
    const layer = tar([{ name: '../../escape', data: Buffer.from('x') }]);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [dig(layer)] } }));
    await refused(
      tar([
        { name: 'layer.tar', data: layer },
        { name: 'config.json', data: config },
        {
          name: 'manifest.json',
          data: Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: ['x/y:1'], Layers: ['layer.tar'] }])),
        },
      ]),
      /layer refused: entry "\.\.\/\.\.\/escape"/,
    );
  });

  it('huge or malformed JSON, bad tags', async () => {
    const { layer, config } = good();
    const huge = Buffer.from(`[${'"x",'.repeat(6 << 20)}"x"]`);
    await refused(tar([{ name: 'manifest.json', data: huge }]), /manifest\.json "manifest\.json" is too large/);
    await refused(tar([{ name: 'manifest.json', data: Buffer.from('{not json') }]), /manifest\.json is not JSON/);
    await refused(tar([{ name: 'manifest.json', data: Buffer.from('{}') }]), /manifest\.json is not a non-empty list/);
    const withTag = (t: string) => Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: [t], Layers: ['layer.tar'] }]));
    await refused(
      tar([
        { name: 'layer.tar', data: layer },
        { name: 'config.json', data: config },
        { name: 'manifest.json', data: withTag('Bad Name!') },
      ]),
      /invalid RepoTag "Bad Name!"/,
    );
    await refused(
      tar([
        { name: 'layer.tar', data: layer },
        { name: 'config.json', data: Buffer.from('[1,2]') },
        { name: 'manifest.json', data: withTag('a/b:1') },
      ]),
      /image config "config\.json" is malformed/,
    );
  });

  it('an oci-archive with a zstd layer loads as it is, and saves back as a plain tar', async () => {
    const { layer, config } = good();
    const zst = execFileSync('zstd', ['-c', '-q'], { input: layer });
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: dig(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: dig(zst), size: zst.length }],
      }),
    );
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: dig(manifest),
            size: manifest.length,
            annotations: { 'org.opencontainers.image.ref.name': 'zstd/x:1' },
          },
        ],
      }),
    );
    const file = join(work.root, 'zstd.tar');
    writeFileSync(
      file,
      tar([
        ...[zst, config, manifest].map((b) => ({ name: `blobs/sha256/${dig(b).slice(7)}`, data: b })),
        { name: 'index.json', data: index },
      ]),
    );
    // A zstd layer that inflates to something else than its diff_id, and a truncated one (in a
    // docker-archive, where the blob has no digest of its own to check first).
    const other = execFileSync('zstd', ['-c', '-q'], { input: layerAndConfig('other\n').layer });
    const dockerMj = Buffer.from(JSON.stringify([{ Config: 'c.json', RepoTags: ['zstd/bad:1'], Layers: ['l.tar.zst'] }]));
    await refused(
      tar([
        { name: 'l.tar.zst', data: other },
        { name: 'c.json', data: config },
        { name: 'manifest.json', data: dockerMj },
      ]),
      /layer "l\.tar\.zst" does not match its diff_id/,
    );
    await refused(
      tar([
        { name: 'l.tar.zst', data: zst.subarray(0, zst.length - 5) },
        { name: 'c.json', data: config },
        { name: 'manifest.json', data: dockerMj },
      ]),
      /layer "l\.tar\.zst" is damaged \(zstd: /,
    );
    const a = tempRoot('dockui-zstd-');
    const b = tempRoot('dockui-zstd2-');
    try {
      const r = await runCli(['load', '-i', file], { root: a.root });
      assert.equal(r.stdout, 'Loaded image: zstd/x:1\n', r.stderr);
      const ins = JSON.parse((await runCli(['inspect', 'zstd/x:1'], { root: a.root })).stdout) as { Id: string; RepoDigests: string[] }[];
      assert.equal(ins[0]!.Id, dig(config));
      assert.deepEqual(ins[0]!.RepoDigests, [`zstd/x@${dig(manifest)}`], 'the archive manifest is kept');
      const saved = join(work.root, 'zstd-saved.tar');
      const s = await runCli(['save', '-o', saved, 'zstd/x:1'], { root: a.root });
      assert.equal(s.code, 0, s.stderr);
      assert.deepEqual(execFileSync('tar', ['-xOf', saved, `blobs/sha256/${dig(layer).slice(7)}`]), layer);
      const back = await runCli(['load', '-q', '-i', saved], { root: b.root });
      assert.equal(back.stdout, 'Loaded image: zstd/x:1\n', back.stderr);
      const ins2 = JSON.parse((await runCli(['inspect', 'zstd/x:1'], { root: b.root })).stdout) as { Id: string }[];
      assert.equal(ins2[0]!.Id, dig(config));
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it('an oci-archive whose blob does not match its digest', async () => {
    const { layer, config } = good();
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: dig(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: dig(layer), size: layer.length }],
      }),
    );
    const index = (m: Buffer) =>
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          manifests: [
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: dig(m),
              size: m.length,
              annotations: { 'io.containerd.image.name': 'oci/x:1' },
            },
          ],
        }),
      );
    const blob = (b: Buffer, data = b) => ({ name: `blobs/sha256/${dig(b).slice(7)}`, data });
    const bad = Buffer.from(layer);
    bad[512 * 2] = bad[512 * 2]! ^ 1;
    await refused(
      tar([
        blob(layer, bad),
        blob(config),
        blob(manifest),
        { name: 'index.json', data: index(manifest) },
        { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
      ]),
      /layer sha256:[0-9a-f]{64} does not match its digest/,
    );
    await refused(tar([{ name: 'index.json', data: Buffer.from('{"schemaVersion":2,"manifests":[]}') }]), /index\.json lists no images/);
    // The control: the same archive intact loads under its annotated name.
    const root = tempRoot('dockui-oci-control-');
    try {
      const file = join(work.root, 'oci-good.tar');
      writeFileSync(file, tar([blob(layer), blob(config), blob(manifest), { name: 'index.json', data: index(manifest) }]));
      const r = await runCli(['load', '-i', file], { root: root.root });
      assert.equal(r.stdout, 'Loaded image: oci/x:1\n', r.stderr);
    } finally {
      root.cleanup();
    }
  });
});
