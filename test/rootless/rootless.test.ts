// Rootless dockui as a real ordinary user (dockuitest, made by scripts/rootless-user.sh with a
// subuid/subgid range): the real CLI through `runuser`, in dockui's user namespace. Pull from
// the fixture registry, build examples/hello, run -d with a port published on 127.0.0.1, exec,
// logs, ps, stop, rm, rmi, a volume, and a cgroup limit refused in one line. And overlay in the
// user namespace: a build whose RUN deletes a file (a whiteout) and replaces a directory (an
// opaque dir, user.overlay.opaque with userxattr) under a COPY, run, saved, removed and loaded.
// And /dev/net/tun the user cannot open, or missing (in a private mount namespace made by root,
// where the user's pause process is made): one line saying what to change; --network none works.
// And a state directory that is not the user's (--root of root's): one line, no internal error.
// And an image holding device nodes: pulled with them left out, and a note saying so.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dockuiBin, registry, repoRoot, type CliResult } from '../helpers/env.js';

const user = 'dockuitest';
const base = mkdtempSync(join(tmpdir(), 'dockui-rootless-'));
const home = join(base, 'home');
const run = join(base, 'run');
const ctx = join(base, 'hello');
cpSync(join(repoRoot, 'examples/hello'), ctx, { recursive: true });
function cli(args: readonly string[], cwd = ctx): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'runuser',
      ['-u', user, '--', 'env', `HOME=${home}`, `XDG_RUNTIME_DIR=${run}`, 'PATH=/usr/local/bin:/usr/bin:/bin', dockuiBin, ...args],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('rootless dockui (as dockuitest)', () => {
  const image = `${registry('plain')}/fixture/busybox`;
  after(async () => {
    await cli(['rm', '-f', 'rl-web']);
    await cli(['system', 'prune', '-a', '-f', '--volumes']);
    // the pause process is the user's: ended by its pid, then the tree (all the user's files) goes
    const r = spawn('sh', ['-c', `kill $(cat ${join(run, 'dockui-userns.pid')}) 2>/dev/null; rm -rf ${base}`]);
    await new Promise((res) => r.on('close', res));
  });

  it('runs every verb of a container life cycle as an ordinary user', async () => {
    mkdirSync(home);
    mkdirSync(run, { mode: 0o700 });
    execFileSync('chown', ['-R', `${user}:`, base]);
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await cli(['tag', image, 'busybox:static'])).code, 0);
    const build = await cli(['build', '-q', '-t', 'rl-hello', '.']);
    assert.equal(build.code, 0, build.stderr);
    const up = await cli(['run', '-d', '--name', 'rl-web', '-p', '127.0.0.1:18050:8080', 'rl-hello']);
    assert.equal(up.code, 0, up.stderr);
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      body = await fetch('http://127.0.0.1:18050/')
        .then((r) => r.text())
        .catch(() => '');
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(body, /<|\w/, 'the published port serves the page');
    const exec = await cli(['exec', 'rl-web', 'id', '-u']);
    assert.equal(exec.stdout.trim(), '0', exec.stderr);
    const ps = await cli(['ps']);
    assert.match(ps.stdout, /rl-web/);
    assert.match(ps.stdout, /127\.0\.0\.1:18050->8080\/tcp/);
    assert.equal((await cli(['stop', '-t', '1', 'rl-web'])).code, 0);
    const logs = await cli(['logs', 'rl-web']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal((await cli(['rm', 'rl-web'])).code, 0);
    assert.equal((await cli(['rmi', 'rl-hello'])).code, 0);
    const vol = await cli(['run', '--rm', '--network', 'none', '-v', 'rl-vol:/data', image, 'sh', '-c', 'echo kept > /data/f']);
    assert.equal(vol.code, 0, vol.stderr);
    const back = await cli(['run', '--rm', '-v', 'rl-vol:/data', image, 'cat', '/data/f']);
    assert.equal(back.stdout.trim(), 'kept', back.stderr);
    assert.equal((await cli(['volume', 'rm', 'rl-vol'])).code, 0);
    const limit = await cli(['run', '--rm', '--memory', '10m', image, 'true']);
    assert.notEqual(limit.code, 0);
    assert.equal(limit.stderr.trim().split('\n').length, 1, limit.stderr);
    assert.match(limit.stderr, /cgroup v2 with delegation/);
    assert.doesNotMatch(limit.stderr, /internal error/);
    assert.equal((await cli(['ps', '-a', '-q'])).stdout.trim(), '', 'nothing left behind');
  });

  it('builds, runs, saves and loads layers that delete a file and replace a directory', async () => {
    const dir = join(base, 'overlay');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        `FROM ${image}`,
        'RUN mkdir -p /data/old && echo a > /data/old/a && echo keep > /data/keep && echo gone > /gone',
        'RUN rm /gone && rm -rf /data && mkdir /data && echo fresh > /data/fresh',
        'COPY f.txt /data/copied',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'f.txt'), 'copied\n');
    execFileSync('chown', ['-R', `${user}:`, dir]);
    const build = await cli(['build', '-q', '-t', 'rl-overlay', '.'], dir);
    assert.equal(build.code, 0, build.stderr);
    const look = ['run', '--rm', '--network', 'none', 'rl-overlay', 'sh', '-c', 'ls /data; test -e /gone && echo GONE-IS-THERE; true'];
    const seen = await cli(look);
    assert.equal(seen.code, 0, seen.stderr);
    assert.equal(seen.stdout, 'copied\nfresh\n', 'the whiteout hides /gone, the opaque /data hides old and keep');
    // The layers as a tar (.wh.gone, data/.wh..wh..opq) and back through the unpacker.
    const tar = join(dir, 'image.tar');
    assert.equal((await cli(['save', '-o', tar, 'rl-overlay'], dir)).code, 0);
    assert.equal((await cli(['rmi', 'rl-overlay'])).code, 0);
    assert.equal((await cli(['image', 'prune', '-a', '-f'])).code, 0);
    const load = await cli(['load', '-i', tar], dir);
    assert.equal(load.code, 0, load.stderr);
    const again = await cli(look);
    assert.equal(again.stdout, 'copied\nfresh\n', again.stderr);
    assert.equal((await cli(['rmi', 'rl-overlay'])).code, 0);
  });

  for (const [what, hide, want] of [
    [
      'not openable',
      (d: string) => `mknod ${d}/tun c 10 200 && chmod 0600 ${d}/tun && mount --bind ${d}/tun /dev/net/tun`,
      /your user cannot open it \(as root: chmod 0666 \/dev\/net\/tun\)/,
    ],
    ['missing', () => 'mount -t tmpfs tmpfs /dev/net', /it is missing \(as root: mkdir -p \/dev\/net && mknod/],
  ] as const)
    it(`says in one line what to change when /dev/net/tun is ${what}`, async () => {
      const d = mkdtempSync(join(base, 'tun-'));
      mkdirSync(join(d, 'home'));
      mkdirSync(join(d, 'run'), { mode: 0o700 });
      execFileSync('chown', ['-R', `${user}:`, d]);
      const as = `runuser -u ${user} -- env HOME=${d}/home XDG_RUNTIME_DIR=${d}/run PATH=/usr/local/bin:/usr/bin:/bin ${dockuiBin}`;
      const script = [
        hide(d),
        `${as} pull -q ${image} >/dev/null`,
        `${as} run --rm ${image} true 2>${d}/err; echo "default=$?"`,
        `${as} run --rm --network none ${image} true; echo "none=$?"`,
        `${as} ps -a -q`,
        `${as} system prune -a -f >/dev/null`,
        `kill $(cat ${d}/run/dockui-userns.pid)`,
      ].join('; ');
      // The user's namespace (and so every command's) is made inside this private mount namespace.
      const out = execFileSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8', cwd: '/' });
      assert.equal(out, 'default=125\nnone=0\n', 'refused, --network none runs, nothing left');
      const err = execFileSync('cat', [join(d, 'err')], { encoding: 'utf8' });
      assert.equal(err.trim().split('\n').length, 1, err);
      assert.match(err, /^dockui: the default network needs \/dev\/net\/tun: /);
      assert.match(err, want);
      assert.match(err, /or use --network none\|host$/m);
    });

  it('pulls an image holding device nodes: they are left out, and the pull says so', async () => {
    // Made by root (who can make device nodes): an imported layer with a char and a block device.
    const work = mkdtempSync(join(tmpdir(), 'dockui-rootless-dev-'));
    const ref = `${registry('plain')}/rootless/devnodes:${process.pid}`;
    try {
      execFileSync('python3', [
        '-c',
        `import tarfile, io
with tarfile.open('${work}/dev.tar', 'w') as t:
    d = tarfile.TarInfo('d'); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)
    for name, typ, ma, mi in [('d/null', tarfile.CHRTYPE, 1, 3), ('d/loop0', tarfile.BLKTYPE, 7, 0)]:
        i = tarfile.TarInfo(name); i.type = typ; i.devmajor = ma; i.devminor = mi; i.mode = 0o666; t.addfile(i)
    f = tarfile.TarInfo('hello.txt'); f.size = 3; t.addfile(f, io.BytesIO(b'hi\\n'))`,
      ]);
      const env = { ...process.env, DOCKUI_ROOT: join(work, 'root'), DOCKUI_RUNROOT: join(work, 'run') };
      execFileSync(dockuiBin, ['import', join(work, 'dev.tar'), ref], { env });
      execFileSync(dockuiBin, ['push', ref], { env });
      const pull = await cli(['pull', ref]);
      assert.equal(pull.code, 0, pull.stderr);
      assert.match(
        pull.stdout,
        /^Note: 2 device nodes left out \(d\/loop0, d\/null\): rootless, they cannot be made; containers get the runtime's \/dev$/m,
      );
      assert.match((await cli(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, new RegExp(`^${ref}$`, 'm'));
      assert.equal((await cli(['rmi', ref])).code, 0);
    } finally {
      execFileSync('rm', ['-rf', work]);
    }
  });

  it("says in one line that another user's state directory cannot be used", async () => {
    const theirs = mkdtempSync(join(tmpdir(), 'dockui-rootless-theirs-'));
    mkdirSync(join(theirs, 'run'), { mode: 0o700 }); // root's, as /var/lib/dockui would be
    try {
      for (const verb of [['ps'], ['images'], ['run', '--rm', image, 'true']]) {
        const r = await cli(['--root', theirs, ...verb]);
        assert.notEqual(r.code, 0, verb.join(' '));
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, /^dockui: cannot \w+ \/.*: permission denied$/m, r.stderr);
        assert.doesNotMatch(r.stderr, /internal error/);
      }
    } finally {
      execFileSync('rm', ['-rf', theirs]);
    }
  });
});
