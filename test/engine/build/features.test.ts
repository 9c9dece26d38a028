// Builder features checked end to end through the CLI and real runc: secret mounts, WORKDIR's
// directory, FROM --platform, COPY/ADD --link, symbolic --chmod. Each result is run to check it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore } from '../../../src/engine/store/index.js';
import { registry, runCli, tempRoot } from '../../helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-build-features-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, 'ctx-'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const base = () => `${registry()}/fixture/busybox:latest`;

function mountsUnder(root: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(root));
}

/** Files under dir whose content holds needle (grep -r; binary gzip layers are checked unpacked in the store's layer dirs). */
function filesHolding(dir: string, needle: string): string[] {
  try {
    return execFileSync('grep', ['-rlF', '--', needle, dir], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch (e) {
    if ((e as { status?: number }).status === 1) return [];
    throw e;
  }
}

describe('build features (CLI, runc)', () => {
  it('RUN --mount=type=secret: visible to that RUN only, read-only, in no layer, keyed on its id only; a missing required one fails with its line', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const value = `s3cr3t-${process.pid}-${Date.now()}`;
      const other = `0th3r-${process.pid}-${Date.now()}`;
      const secretFile = join(tmp, `token-${process.pid}`);
      writeFileSync(secretFile, value);
      const dir = context({
        Dockerfile: [
          `FROM ${base()}`,
          'RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -c1-64 > /secret-sum && stat -c "%a %u" /run/secrets/token > /secret-stat' +
            ' && (echo x > /run/secrets/token 2>/dev/null && echo writable || echo read-only) > /secret-ro',
          'RUN --mount=type=secret,id=token,target=/etc/app/key,mode=0440,uid=65534,gid=65534 stat -c "%a %u %g" /etc/app/key > /custom-stat && wc -c < /etc/app/key > /custom-len',
          'RUN --mount=type=secret,id=fromenv,env=API_KEY printf %s "$API_KEY" | sha256sum | cut -c1-64 > /env-sum',
          'RUN --mount=type=secret,id=absent echo "absent: $(ls /run/secrets 2>/dev/null | wc -l)" > /absent',
          'RUN ls /run/secrets /etc/app 2>/dev/null | wc -l > /after && echo "env: ${API_KEY:-unset}" >> /after',
          'CMD ["sh", "-c", "cat /secret-sum /secret-stat /secret-ro /custom-stat /custom-len /env-sum /absent /after"]',
        ].join('\n'),
      });
      const env = { MY_API: other };
      const args = ['build', '--progress', 'plain'];
      const secrets = ['--secret', `id=token,src=${secretFile}`, '--secret', 'id=fromenv,env=MY_API'];
      const b1 = await runCli([...args, ...secrets, '-t', 'sec:1', dir], { root, env, timeoutMs: 120_000 });
      assert.equal(b1.code, 0, b1.stderr);
      const run = await runCli(['run', '--rm', 'sec:1'], { root, timeoutMs: 60_000 });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.stdout,
        `${sha(value)}\n400 0\nread-only\n440 65534 65534\n${value.length}\n${sha(other)}\nabsent: 0\n0\nenv: unset\n`,
      );

      // Nowhere in the store, the cache or the temp dirs; no mount, no temp dir left.
      assert.deepEqual(filesHolding(root, value), []);
      assert.deepEqual(filesHolding(root, other), []);
      assert.deepEqual(
        readdirSync(join(root, 'tmp')).filter((n) => !n.startsWith('discard-')),
        [],
      );
      assert.deepEqual(mountsUnder(root), []);

      // Another value under the same id: every step CACHED (BuildKit keys on the id only).
      const secretFile2 = join(tmp, `token2-${process.pid}`);
      writeFileSync(secretFile2, 'different');
      const b2 = await runCli(
        [...args, '--secret', `id=token,src=${secretFile2}`, '--secret', 'id=fromenv,env=MY_API', '-t', 'sec:2', dir],
        { root, env, timeoutMs: 120_000 },
      );
      assert.equal(b2.code, 0, b2.stderr);
      assert.equal(b2.stdout, b1.stdout, 'same image id');
      assert.doesNotMatch(b2.stderr, /DONE/);

      // required=true and not given: one clear line naming the Dockerfile line; nothing tagged.
      const bad = context({
        Dockerfile: `FROM ${base()}\nRUN echo hi\nRUN --mount=type=secret,id=npmrc,required=true cat /run/secrets/npmrc\n`,
      });
      const b3 = await runCli(['build', '--progress', 'plain', '-t', 'sec:bad', bad], { root, timeoutMs: 120_000 });
      assert.equal(b3.code, 1);
      assert.match(b3.stderr, /Dockerfile:3:1: secret "npmrc" is required but was not given \(dockui build --secret id=npmrc,src=FILE\)/);
      assert.notEqual((await runCli(['image', 'inspect', 'sec:bad'], { root })).code, 0);
      // A --secret whose file is missing fails before the build.
      const b4 = await runCli(['build', '--secret', `id=x,src=${join(tmp, 'no-such-file')}`, bad], { root });
      assert.equal(b4.code, 1);
      assert.match(b4.stderr, /--secret id=x: cannot read .*no-such-file: ENOENT/);
      // An ssh mount that is required but not given (build --ssh) fails clearly, before the RUN.
      const ssh = context({ Dockerfile: `FROM ${base()}\nRUN --mount=type=ssh,required=true true\n` });
      const b5 = await runCli(['build', ssh], { root, timeoutMs: 60_000 });
      assert.equal(b5.code, 1);
      assert.match(
        b5.stderr,
        /Dockerfile:2:1: ssh agent "default" is required but was not given \(dockui build --ssh default\[=SOCKET\]\)/,
      );
    } finally {
      cleanup();
    }
  });
  it('WORKDIR creates a missing directory (0755, owned by USER, through symlinks) in a layer of its own; an existing one adds no layer', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const dir = context({
        Dockerfile: [
          `FROM ${base()}`,
          'RUN mkdir -p /opt/real && ln -s /opt/real /link && touch /afile',
          'WORKDIR /opt/app/data',
          'WORKDIR /tmp',
          'WORKDIR /link/sub',
          'USER nobody',
          'WORKDIR /srv/work',
          'WORKDIR nested',
          'CMD ["sh", "-c", "pwd; stat -c \'%n %a %u:%g\' /opt/app /opt/app/data /opt/real/sub /srv /srv/work /srv/work/nested; test -L /link && echo link-kept"]',
        ].join('\n'),
      });
      const b = await runCli(['build', '-q', '-t', 'wd:1', dir], { root, timeoutMs: 120_000 });
      assert.equal(b.code, 0, b.stderr);
      const run = await runCli(['run', '--rm', 'wd:1'], { root, timeoutMs: 60_000 });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.stdout,
        [
          '/srv/work/nested',
          '/opt/app 755 0:0',
          '/opt/app/data 755 0:0',
          '/opt/real/sub 755 0:0',
          '/srv 755 65534:65534',
          '/srv/work 755 65534:65534',
          '/srv/work/nested 755 65534:65534',
          'link-kept',
          '',
        ].join('\n'),
      );
      // One layer for the RUN and one per WORKDIR that made something; WORKDIR /tmp made none.
      const store = await openStore(root);
      const cfg = await store.imageConfig('wd:1');
      const base0 = await store.imageConfig(base());
      const added = (cfg.history ?? []).slice((base0.history ?? []).length);
      assert.deepEqual(
        added.map((h) => `${h.created_by?.replace(/^RUN .*/, 'RUN')}${h.empty_layer ? ' (empty)' : ''}`),
        [
          'RUN',
          'WORKDIR /opt/app/data',
          'WORKDIR /tmp (empty)',
          'WORKDIR /link/sub',
          'USER nobody (empty)',
          'WORKDIR /srv/work',
          'WORKDIR /srv/work/nested',
          'CMD ["sh", "-c", "pwd; stat -c \'%n %a %u:%g\' /opt/app /opt/app/data /opt/real/sub /srv /srv/work /srv/work/nested; test -L /link && echo link-kept"] (empty)',
        ],
      );
      assert.equal((cfg.rootfs?.diff_ids.length ?? 0) - (base0.rootfs?.diff_ids.length ?? 0), 5);

      // A path through a file: one line naming the Dockerfile line, nothing tagged.
      const bad = context({ Dockerfile: `FROM ${base()}\nRUN touch /afile\nWORKDIR /afile/x\n` });
      const r = await runCli(['build', '-t', 'wd:bad', bad], { root, timeoutMs: 120_000 });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Dockerfile:3:1: WORKDIR \/afile\/x: \/afile is not a directory/);
      assert.notEqual((await runCli(['image', 'inspect', 'wd:bad'], { root })).code, 0);
      assert.deepEqual(
        readdirSync(join(root, 'tmp')).filter((n) => !n.startsWith('discard-')),
        [],
      );
      assert.deepEqual(mountsUnder(root), []);
    } finally {
      cleanup();
    }
  });
  it('FROM --platform (literal, $BUILDPLATFORM, $TARGETPLATFORM) selects that platform, pulled by digest beside the host record of the same name', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const multi = `${registry()}/fixture/multiarch:latest`;
      const dockerfile = [
        'ARG WANT=linux/arm64',
        `FROM --platform=$BUILDPLATFORM ${multi} AS host`,
        `FROM --platform=linux/arm64/v8 ${multi} AS arm`,
        `FROM --platform=\${WANT} ${multi} AS arm2`,
        `FROM --platform=$TARGETPLATFORM ${multi} AS target`,
        `FROM ${base()}`,
        'COPY --from=arm /etc/arch /arm-arch',
        'COPY --from=arm2 /etc/arch /arm2-arch',
        'COPY --from=host /etc/arch /host-arch',
        'RUN --mount=type=bind,from=target,source=/etc/arch,target=/t cat /t > /target-arch',
        'CMD ["cat", "/arm-arch", "/arm2-arch", "/host-arch", "/target-arch"]',
      ].join('\n');
      const dir = context({ Dockerfile: dockerfile });
      const b1 = await runCli(['build', '--progress', 'plain', '-t', 'plat:1', dir], { root, timeoutMs: 120_000 });
      assert.equal(b1.code, 0, b1.stderr);
      const run = await runCli(['run', '--rm', 'plat:1'], { root, timeoutMs: 60_000 });
      assert.equal(run.code, 0, run.stderr);
      const arch = (s: string) => s.trim().toLowerCase();
      const lines = run.stdout.trim().split('\n').map(arch);
      assert.equal(lines.length, 4, run.stdout);
      assert.match(lines[0]!, /arm64/);
      assert.match(lines[1]!, /arm64/);
      assert.match(lines[2]!, /amd64/);
      assert.match(lines[3]!, /amd64/);

      // The tag's record is still the host's; the arm64 image has a name@digest record of its own.
      const store = await openStore(root);
      const tagged = await store.resolveImage(multi);
      assert.equal(tagged.record.platform, 'linux/amd64');
      const remembered = JSON.parse(readFileSync(join(root, 'build-cache', 'platforms.json'), 'utf8')) as Record<string, string>;
      const armDigest = remembered[`${multi} linux/arm64`];
      assert.ok(armDigest, JSON.stringify(remembered));
      const arm = await store.resolveImage(`${registry()}/fixture/multiarch@${armDigest}`);
      assert.match(arm.record.platform ?? '', /^linux\/arm64/);
      assert.notEqual(arm.id, tagged.id);

      // A rebuild: every step CACHED, same id (the digest is remembered; no pull).
      const b2 = await runCli(['build', '--progress', 'plain', '-t', 'plat:1', dir], { root, timeoutMs: 120_000 });
      assert.equal(b2.code, 0, b2.stderr);
      assert.equal(b2.stdout, b1.stdout);
      assert.doesNotMatch(b2.stderr, /DONE/);

      // A platform the index lacks, and RUN in a foreign stage: one clear line each, with the line.
      const none = context({ Dockerfile: `FROM --platform=linux/s390x ${multi}\n` });
      const r1 = await runCli(['build', none], { root, timeoutMs: 60_000 });
      assert.equal(r1.code, 1);
      assert.match(r1.stderr, /Dockerfile:1:1: .*has no image for linux\/s390x \(it offers: linux\/amd64, linux\/arm64/);
      const runArm = context({ Dockerfile: `FROM --platform=linux/arm64 ${multi}\nRUN cat /etc/arch\n` });
      const r2 = await runCli(['build', runArm], { root, timeoutMs: 60_000 });
      assert.equal(r2.code, 1);
      assert.match(r2.stderr, /Dockerfile:2:1: RUN in a linux\/arm64 stage cannot run on this linux\/amd64 host/);
      // FROM --platform=P scratch makes an image for P.
      const scratchArm = context({ Dockerfile: 'FROM --platform=linux/arm64 scratch\nCOPY f /f\n', f: 'x' });
      const r4 = await runCli(['build', '-q', '-t', 'plat:scratch', scratchArm], { root, timeoutMs: 60_000 });
      assert.equal(r4.code, 0, r4.stderr);
      const sc = await store.imageConfig('plat:scratch');
      assert.equal(`${sc.os}/${sc.architecture}`, 'linux/arm64');
      const badPlat = context({ Dockerfile: `FROM --platform=arm64 ${multi}\n` });
      const r3 = await runCli(['build', badPlat], { root, timeoutMs: 60_000 });
      assert.equal(r3.code, 1);
      assert.match(r3.stderr, /Dockerfile:1:1: invalid platform "arm64"/);
      assert.deepEqual(
        readdirSync(join(root, 'tmp')).filter((n) => !n.startsWith('discard-')),
        [],
      );
    } finally {
      cleanup();
    }
  });
  it('COPY --link and ADD --link: context files, another stage, a local tar unpacked, --chmod/--chown; the files land as without --link', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const dir = context({ 'a.txt': 'A\n', 'tool.sh': '#!/bin/sh\necho tool-ran\n', 'pkg/inner.txt': 'inner\n', 'b.txt': 'B\n' });
      execFileSync('tar', ['-cf', join(dir, 'pkg.tar'), '-C', join(dir, 'pkg'), 'inner.txt']);
      rmSync(join(dir, 'pkg'), { recursive: true });
      const body = (link: string) =>
        [
          `FROM ${base()} AS src`,
          'RUN mkdir -p /out/sub && echo from-stage > /out/sub/s.txt',
          `FROM ${base()}`,
          'RUN mkdir -p /dst && chmod 0750 /dst',
          `COPY ${link} a.txt /dst/`,
          `COPY ${link} --from=src /out/ /dst/stage/`,
          `ADD ${link} pkg.tar /dst/unpacked/`,
          `ADD ${link} --chmod=0755 tool.sh /usr/local/bin/tool`,
          `COPY ${link} --chown=nobody b.txt /dst/owned.txt`,
          'CMD ["sh", "-c", "cat /dst/a.txt /dst/stage/sub/s.txt /dst/unpacked/inner.txt; tool; stat -c \'%n %a %u:%g\' /dst /dst/owned.txt /usr/local/bin/tool"]',
        ].join('\n');
      const expected = [
        'A',
        'from-stage',
        'inner',
        'tool-ran',
        '/dst 750 0:0',
        '/dst/owned.txt 644 65534:65534',
        '/usr/local/bin/tool 755 0:0',
        '',
      ].join('\n');
      for (const [tag, link] of [
        ['link:1', '--link'],
        ['link:0', ''],
      ] as const) {
        writeFileSync(join(dir, 'Dockerfile'), body(link));
        const b = await runCli(['build', '-q', '-t', tag, dir], { root, timeoutMs: 120_000 });
        assert.equal(b.code, 0, b.stderr);
        const run = await runCli(['run', '--rm', tag], { root, timeoutMs: 60_000 });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, expected, `${tag}: ${run.stderr}`);
      }
      // Same layers either way: --link changes how BuildKit can rebase a layer, not what it holds.
      const store = await openStore(root);
      const linked = await store.imageConfig('link:1');
      const plain = await store.imageConfig('link:0');
      assert.equal(linked.rootfs?.diff_ids.length, plain.rootfs?.diff_ids.length);
    } finally {
      cleanup();
    }
  });
  it('COPY/ADD --chmod takes symbolic modes (u=rwX,go=rX, +x, g=u) applied per entry; a bad one names its line', async () => {
    const { root, cleanup } = tempRoot();
    try {
      const dir = context({
        'tree/run.sh': 'echo ran\n',
        'tree/data.txt': 'd\n',
        'tree/sub/deep.txt': 'x\n',
        'plain.txt': 'p\n',
        'grp.txt': 'g\n',
      });
      chmodSync(join(dir, 'tree/run.sh'), 0o700);
      chmodSync(join(dir, 'tree/data.txt'), 0o600);
      chmodSync(join(dir, 'tree/sub'), 0o700);
      chmodSync(join(dir, 'tree/sub/deep.txt'), 0o600);
      chmodSync(join(dir, 'grp.txt'), 0o640);
      writeFileSync(
        join(dir, 'Dockerfile'),
        [
          `FROM ${base()}`,
          'COPY --chmod=u=rwX,go=rX tree/ /t/',
          'COPY --chmod=+x plain.txt /p',
          'ADD --chmod=g=u grp.txt /g',
          'CMD ["sh", "-c", "stat -c \'%n %a\' /t/run.sh /t/data.txt /t/sub /t/sub/deep.txt /p /g"]',
        ].join('\n'),
      );
      const b = await runCli(['build', '-q', '-t', 'chmod:1', dir], { root, timeoutMs: 120_000 });
      assert.equal(b.code, 0, b.stderr);
      const run = await runCli(['run', '--rm', 'chmod:1'], { root, timeoutMs: 60_000 });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.stdout,
        ['/t/run.sh 755', '/t/data.txt 644', '/t/sub 755', '/t/sub/deep.txt 644', '/p 755', '/g 660', ''].join('\n'),
      );

      writeFileSync(join(dir, 'Dockerfile'), `FROM ${base()}\nCOPY --chmod=u+q plain.txt /p\n`);
      const bad = await runCli(['build', dir], { root, timeoutMs: 60_000 });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /Dockerfile:2:1: invalid --chmod value "u\+q": unexpected "q" in "u\+q"/);
    } finally {
      cleanup();
    }
  });
});
