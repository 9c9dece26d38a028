import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
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
import { parseChmod } from '../../../src/engine/build/chmod.js';
import { loadContext } from '../../../src/engine/build/context.js';
import { copyInto, dirTree, selectSources, type CopyOptions } from '../../../src/engine/build/copy.js';
import { resolveChown } from '../../../src/engine/build/rootfs.js';
import { isEngineError } from '../../../src/engine/define.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-copy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, 't-'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

function ctx() {
  const dir = tree({
    Dockerfile: 'FROM scratch\n',
    '.dockerignore': 'secret.txt\n',
    'a.txt': 'A',
    'b.txt': 'B',
    'c.md': 'C',
    'secret.txt': 'S',
    'src/main.js': 'main',
    'src/lib/util.js': 'util',
    'data.tar': '',
  });
  utimesSync(join(dir, 'a.txt'), new Date('2020-01-02T03:04:05Z'), new Date('2020-01-02T03:04:05Z'));
  symlinkSync('src', join(dir, 'srclink'));
  const payload = tree({ 'inner/x.txt': 'from tar' });
  execFileSync('tar', ['-C', payload, '-czf', join(dir, 'data.tar'), '.']);
  return loadContext({ context: dir });
}

async function copy(sources: string[], dest: string, extra: Partial<CopyOptions> = {}, parentRoot?: string) {
  const c = ctx();
  const upper = mkdtempSync(join(tmp, 'up-'));
  const sel = selectSources(c, sources);
  await copyInto(upper, c, sel, { dest, parentRoot, keepOwners: false, extractArchives: false, ...extra });
  return upper;
}

const list = (d: string): string[] => execFileSync('find', ['.', '-mindepth', '1'], { cwd: d, encoding: 'utf8' }).trim().split('\n').sort();

describe('COPY semantics', () => {
  it('copies a file to a file path, and into a directory with a trailing slash', async () => {
    assert.deepEqual(list(await copy(['a.txt'], '/x/renamed')), ['./x', './x/renamed']);
    const up = await copy(['a.txt'], '/x/');
    assert.deepEqual(list(up), ['./x', './x/a.txt']);
    assert.equal(lstatSync(join(up, 'x/a.txt')).mtime.toISOString(), '2020-01-02T03:04:05.000Z', 'mtime kept');
  });

  it('copies the contents of a directory, not the directory itself', async () => {
    assert.deepEqual(list(await copy(['src'], '/app')), ['./app', './app/lib', './app/lib/util.js', './app/main.js']);
  });

  it('expands wildcards per path component and follows a top-level symlink', async () => {
    assert.deepEqual(list(await copy(['*.txt'], '/d/')), ['./d', './d/a.txt', './d/b.txt']);
    assert.deepEqual(list(await copy(['src/*.js'], '/d/')), ['./d', './d/main.js']);
    assert.deepEqual(list(await copy(['srclink'], '/l')), ['./l', './l/lib', './l/lib/util.js', './l/main.js']);
  });

  it('needs a trailing slash for several sources', async () => {
    await assert.rejects(copy(['a.txt', 'b.txt'], '/d'), /must be a directory and end with a \//);
    assert.deepEqual(list(await copy(['a.txt', 'c.md'], '/d/')), ['./d', './d/a.txt', './d/c.md']);
  });

  it('names a missing or ignored source', async () => {
    await assert.rejects(
      copy(['nope.txt'], '/'),
      (e: unknown) => isEngineError(e) && e.code === 'not_found' && /"nope.txt"/.test(e.message),
    );
    await assert.rejects(copy(['secret.txt'], '/'), /COPY source not found: "secret.txt"/);
    await assert.rejects(copy(['*.none'], '/'), /COPY source not found/);
  });

  it('applies --chown and --chmod, and keeps existing parents as they are below', async () => {
    const parent = mkdtempSync(join(tmp, 'parent-'));
    mkdirSync(join(parent, 'srv'), { mode: 0o700 });
    writeFileSync(join(parent, 'etc-passwd'), '');
    mkdirSync(join(parent, 'etc'));
    writeFileSync(join(parent, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\napp:x:1234:1234::/home/app:/bin/sh\n');
    writeFileSync(join(parent, 'etc/group'), 'root:x:0:\nstaff:x:50:\n');
    const chown = resolveChown(parent, 'app:staff');
    assert.deepEqual(chown, { uid: 1234, gid: 50 });
    assert.deepEqual(resolveChown(parent, '7'), { uid: 7, gid: 7 });
    assert.throws(() => resolveChown(parent, 'ghost'), /unable to find user ghost/);
    const up = await copy(['src'], '/srv/app/', { chown, chmod: parseChmod('0640') }, parent);
    const srv = lstatSync(join(up, 'srv'));
    assert.equal(srv.mode & 0o7777, 0o700, 'an existing parent keeps its mode');
    const f = lstatSync(join(up, 'srv/app/main.js'));
    assert.equal(f.uid, 1234);
    assert.equal(f.gid, 50);
    assert.equal(f.mode & 0o7777, 0o640);
  });

  it('ADD extracts a local tar; COPY copies it as a file', async () => {
    assert.deepEqual(list(await copy(['data.tar'], '/opt/', { extractArchives: true })), ['./opt', './opt/inner', './opt/inner/x.txt']);
    assert.deepEqual(list(await copy(['data.tar'], '/opt/')), ['./opt', './opt/data.tar']);
  });

  it('copies from a plain directory tree (COPY --from), symlinks as symlinks', async () => {
    const root = tree({ 'app/bin/tool': 'tool', 'app/etc/conf': 'c', 'other/x': 'x' });
    symlinkSync('tool', join(root, 'app/bin/alias'));
    const t = dirTree(root, ['app/bin']);
    const upper = mkdtempSync(join(tmp, 'up-'));
    await copyInto(upper, t, selectSources(t, ['/app/bin']), {
      dest: '/usr/local/bin/',
      parentRoot: undefined,
      keepOwners: true,
      extractArchives: false,
    });
    assert.deepEqual(readdirSync(join(upper, 'usr/local/bin')).sort(), ['alias', 'tool']);
    assert.equal(readlinkSync(join(upper, 'usr/local/bin/alias')), 'tool');
    assert.equal(readFileSync(join(upper, 'usr/local/bin/tool'), 'utf8'), 'tool');
  });
});
