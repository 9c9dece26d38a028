// Compose's secrets and configs: file (a read-only bind of the host file), environment and
// content (files dockui writes into the container's dir, with uid/gid/mode, removed with it);
// refused with file:line when undefined, missing, unset or external (nothing created); part of
// the config hash and of `compose config`; a target never leaves the container's rootfs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli } from '../helpers/env.js';

const root = mkdtempSync('/var/tmp/dockui-compose-secrets-');
const dir = mkdtempSync('/var/tmp/dockui-compose-secrets-app-');
const escapeDir = `/tmp/sec-escape-${process.pid}`;
const env = { DOCKUI_BRIDGE_PREFIX: 'dksec', DOCKUI_SUBNET_POOL: '10.231.0.0/16', SEC_TOKEN: 'tok-1' };
const file = join(dir, 'compose.yaml');
const project = ['compose', '-p', 'sec-app', '-f', file];
const cli = (args: readonly string[], extra: Record<string, string> = {}) =>
  runCli(args, { root, env: { ...env, ...extra }, timeoutMs: 180_000 });

const compose = [
  'services:',
  '  app:',
  '    image: busybox:static',
  '    command: ["sleep", "300"]',
  '    init: true', // sleep as pid 1 ignores SIGTERM: a recreate would wait out the 10 s grace
  '    secrets:',
  '      - pw',
  '      - source: token',
  '        target: tok',
  '        uid: "1000"',
  '        gid: "1001"',
  '        mode: 0440',
  '      - source: token',
  '        target: ../../etc/sec-up', // a relative target that climbs: still inside the container
  '    configs:',
  '      - cfg',
  '      - source: cfg',
  '        target: /etc/app.conf',
  '        mode: 0o640',
  '  linked:',
  '    image: sec-linked:1',
  '    build: ./linked',
  '    command: ["sleep", "300"]',
  '    secrets:',
  '      - source: pw',
  '        mode: 0400', // a file is bound as it is: ignored, with docker compose's warning
  'secrets:',
  '  pw:',
  '    file: ./pw.txt',
  '  token:',
  '    environment: SEC_TOKEN',
  'configs:',
  '  cfg:',
  '    content: |',
  '      hello ${SEC_WHO:-world}',
  '',
].join('\n');

before(() => {
  execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'pipe' });
  writeFileSync(join(dir, 'pw.txt'), 's3cret\n', { mode: 0o644 });
  writeFileSync(file, compose);
  // An image whose /run/secrets is a link to a host-looking path: followed inside its rootfs only.
  mkdirSync(join(dir, 'linked'));
  writeFileSync(join(dir, 'linked', 'Dockerfile'), `FROM busybox:static\nRUN mkdir -p /run && ln -s ${escapeDir} /run/secrets\n`);
});

after(async () => {
  await cli([...project, 'down', '-t', '0', '--rmi', 'all']);
  rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  rmSync(dir, { recursive: true, force: true });
  rmSync(escapeDir, { recursive: true, force: true });
});

/** Writes a project in its own dir and runs `compose up -d` on it. */
async function upBroken(name: string, text: string, extraFiles: Record<string, string> = {}) {
  const d = mkdtempSync(join(dir, `${name}-`));
  for (const [f, c] of Object.entries(extraFiles)) writeFileSync(join(d, f), c);
  writeFileSync(join(d, 'compose.yaml'), text);
  const r = await cli(['compose', '-p', name, '-f', join(d, 'compose.yaml'), 'up', '-d']);
  return { ...r, file: join(d, 'compose.yaml') };
}

describe('compose secrets and configs', { timeout: 600_000 }, () => {
  it('compose config prints them resolved: absolute file paths, entries as given, modes as numbers', async () => {
    const r = await cli([...project, 'config']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^secrets:\\n  pw:\\n    file: ${join(dir, 'pw.txt')}\\n  token:\\n    environment: SEC_TOKEN$`, 'm'),
    );
    assert.match(r.stdout, /^configs:\n {2}cfg:\n {4}content: \|\n {6}hello world$/m);
    assert.match(r.stdout, / {6}- source: token\n {8}target: tok\n {8}uid: "1000"\n {8}gid: "1001"\n {8}mode: 288\n/);
    assert.match(r.stdout, / {6}- source: cfg\n {8}target: \/etc\/app.conf\n {8}mode: 416\n/);
    assert.doesNotMatch(r.stdout, /tok-1/, 'the value of an environment secret is not printed');
  });

  it('up: files in the container, read-only, with their owners and modes; none reaches the host', async () => {
    const up = await cli([...project, 'up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /Service linked {2}secret pw: uid, gid and mode are ignored for a file \(bind-mounted as it is\)/);
    const sh = async (svc: string, script: string) => {
      const r = await cli([...project, 'exec', '-T', svc, 'sh', '-c', script]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    assert.equal(
      await sh('app', 'cat /run/secrets/pw /run/secrets/tok /cfg /etc/app.conf /etc/sec-up'),
      's3cret\ntok-1hello world\nhello world\ntok-1',
    );
    const stat = await sh('app', 'stat -c "%n %a %u:%g" /run/secrets/tok /cfg /etc/app.conf /etc/sec-up');
    assert.equal(stat, '/run/secrets/tok 440 1000:1001\n/cfg 444 0:0\n/etc/app.conf 640 0:0\n/etc/sec-up 444 0:0\n');
    const w = await cli([...project, 'exec', '-T', 'app', 'sh', '-c', 'echo x > /run/secrets/pw']);
    assert.notEqual(w.code, 0);
    assert.match(w.stderr, /Read-only file system/);
    const w2 = await cli([...project, 'exec', '-T', 'app', 'sh', '-c', 'echo x > /cfg']);
    assert.match(w2.stderr, /Read-only file system/);
    // The target `../../etc/sec-up` is the container's /etc/sec-up, never the host's.
    assert.equal(existsSync('/etc/sec-up'), false);
    // The image's /run/secrets -> /tmp/sec-escape-PID link is followed inside the rootfs.
    assert.equal(
      await sh('linked', `cat ${escapeDir}/pw; readlink /run/secrets; stat -c %a ${escapeDir}/pw`),
      `s3cret\n${escapeDir}\n644\n`,
    );
    assert.equal(existsSync(escapeDir), false, 'the link led the mount out of the rootfs');
    // The files dockui wrote sit in the container's own dir, which only root reaches.
    const dirs = readdirSync(join(root, 'containers')).filter((d) => existsSync(join(root, 'containers', d, 'files')));
    assert.equal(dirs.length, 1);
    const mode = execFileSync('stat', ['-c', '%a', join(root, 'containers', dirs[0]!, 'files')], { encoding: 'utf8' }).trim();
    assert.equal(mode, '700');
  });

  it('a changed secret value recreates the service; the same one keeps it; down removes the files', async () => {
    const same = await cli([...project, 'up', '-d']);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stderr + same.stdout, /sec-app-app-1 {2}Running/);
    const changed = await cli([...project, 'up', '-d'], { SEC_TOKEN: 'tok-2' });
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stderr + changed.stdout, /sec-app-app-1 {2}Recreated/);
    assert.match(changed.stderr + changed.stdout, /sec-app-linked-1 {2}Running/);
    const r = await cli([...project, 'exec', '-T', 'app', 'cat', '/run/secrets/tok'], { SEC_TOKEN: 'tok-2' });
    assert.equal(r.stdout, 'tok-2');
    const down = await cli([...project, 'down', '-t', '0'], { SEC_TOKEN: 'tok-2' });
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(
      readdirSync(join(root, 'containers')).filter((d) => !d.startsWith('.')),
      [],
    );
  });

  it('an undefined secret or config, a missing file, an unset variable, external: one line with file:line, nothing created', async () => {
    const cases: [string, string, Record<string, string>, number, RegExp][] = [
      [
        'sec-undef',
        'services:\n  a:\n    image: busybox:static\n    secrets:\n      - nope\n',
        {},
        5,
        /service "a" refers to undefined secret "nope"/,
      ],
      [
        'sec-undefcfg',
        'services:\n  a:\n    image: busybox:static\n    configs: [pw]\nsecrets:\n  pw:\n    file: ./pw.txt\n',
        { 'pw.txt': 'x' },
        4,
        /service "a" refers to undefined config "pw"/,
      ],
      [
        'sec-missing',
        'services:\n  a:\n    image: busybox:static\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ./missing.txt\n',
        {},
        7,
        /secret "pw": no such file .*missing\.txt/,
      ],
      [
        'sec-unset',
        'services:\n  a:\n    image: busybox:static\n    secrets: [pw]\nsecrets:\n  pw:\n    environment: SEC_NOT_SET\n',
        {},
        7,
        /secret "pw": environment variable SEC_NOT_SET is not set/,
      ],
      [
        'sec-external',
        'services:\n  a:\n    image: busybox:static\nsecrets:\n  pw:\n    external: true\n',
        {},
        6,
        /secrets\.pw\.external: external secrets are Swarm-only/,
      ],
      [
        'sec-extcfg',
        'services:\n  a:\n    image: busybox:static\nconfigs:\n  c:\n    name: x\n    external: true\n',
        {},
        7,
        /configs\.c\.external: external configs are Swarm-only/,
      ],
    ];
    for (const [name, text, files, line, why] of cases) {
      const r = await upBroken(name, text, files);
      assert.notEqual(r.code, 0, name);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${name}: ${r.stderr}`);
      assert.ok(lines[0]!.startsWith(`dockui: ${r.file}:${line}: `), `${name}: ${r.stderr}`);
      assert.match(lines[0]!, why);
    }
    const ps = await cli(['ps', '-a', '--format', '{{.Names}}']);
    assert.equal(ps.stdout.trim(), '');
    const nets = await cli(['network', 'ls', '--format', '{{.Name}}']);
    assert.doesNotMatch(nets.stdout, /sec-/);
  });
});
