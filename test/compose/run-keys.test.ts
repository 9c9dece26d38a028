// Compose's dns, dns_search, dns_opt, ulimits and sysctls carried to the service's container, as
// `docker run --dns/--dns-search/--dns-option/--ulimit/--sysctl` are: seen from inside it (its
// /etc/resolv.conf, `ulimit -n`, /proc/sys), and merged across files as the specification says.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli } from '../helpers/env.js';

const root = mkdtempSync('/var/tmp/dockui-compose-runkeys-');
const dir = mkdtempSync('/var/tmp/dockui-compose-runkeys-app-');
const env = { DOCKUI_BRIDGE_PREFIX: 'dkcrk', DOCKUI_SUBNET_POOL: '10.228.0.0/16' };
const project = ['compose', '-p', 'dkcrk', '-f', join(dir, 'compose.yaml'), '-f', join(dir, 'override.yaml')];
const cli = (args: readonly string[]) => runCli(args, { root, env, timeoutMs: 120_000 });

before(() => {
  execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'pipe' });
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  app:',
      '    image: busybox:static',
      '    command: ["sleep", "300"]',
      '    dns: 10.9.9.9',
      '    dns_search: [example.test]',
      '    dns_opt: [ndots:3]',
      '    ulimits:',
      '      nofile: {soft: 1234, hard: 2345}',
      '      nproc: 777',
      '    sysctls:',
      '      net.core.somaxconn: 321',
      '      net.ipv4.tcp_syncookies: 0',
      '    stop_grace_period: 1500ms',
      '    stop_signal: SIGUSR1',
      '',
    ].join('\n'),
  );
  // The second file: a list to add to, a limit and a sysctl to replace (by name).
  writeFileSync(
    join(dir, 'override.yaml'),
    [
      'services:',
      '  app:',
      '    dns: [10.8.8.8]',
      '    ulimits:',
      '      nproc: 888',
      '    sysctls:',
      '      - net.core.somaxconn=654',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await cli([...project, 'down', '-v', '-t', '0']);
  rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  rmSync(dir, { recursive: true, force: true });
});

describe('compose dns, ulimits and sysctls', { timeout: 300_000 }, () => {
  it('reach the container, merged across files', async () => {
    const up = await cli([...project, 'up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    const sh = async (script: string) => {
      const r = await cli([...project, 'exec', '-T', 'app', 'sh', '-c', script]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    const resolv = await sh('cat /etc/resolv.conf');
    assert.match(resolv, /^nameserver 10\.9\.9\.9$/m);
    assert.match(resolv, /^nameserver 10\.8\.8\.8$/m);
    assert.match(resolv, /^search example\.test$/m);
    assert.match(resolv, /^options ndots:3$/m);
    // The service's process (pid 1) has the limits. An exec's soft open-files limit is not checked:
    // Debian's runc 1.1.5 (Go 1.19) races its own runtime over it, and the Go runtime in `runc
    // init` raises the soft limit to the hard one when runc's prlimit comes first
    // (opencontainers/runc#4195, fixed in runc 1.1.13); the hard limit and nproc come through.
    const limits = await sh('grep -E "^Max (open files|processes)" /proc/1/limits');
    assert.match(limits, /^Max open files\s+1234\s+2345\s/m);
    assert.match(limits, /^Max processes\s+888\s+888\s/m);
    assert.equal(await sh('ulimit -Hn; ulimit -u'), '2345\n888\n');
    assert.equal(await sh('cat /proc/sys/net/core/somaxconn /proc/sys/net/ipv4/tcp_syncookies'), '654\n0\n');
  });

  it("stop_grace_period and stop_signal are the container's own, as docker compose creates it", async () => {
    // A plain stop or restart of the container (compose watch's restart, `dockui restart`) then
    // waits as the file says; 1500ms rounds up to whole seconds.
    const r = await cli(['inspect', '-f', '{{.Config.StopTimeout}} {{.Config.StopSignal}}', 'dkcrk-app-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '2 SIGUSR1\n');
  });

  // docker compose v2's shapes: ulimits (compose-go's UlimitsConfig) a number when soft and hard
  // are one, else {soft, hard}; sysctls a map of strings, the list form's lines included; both
  // merged by name across files. Printed so, config's output reads back.
  it('config prints ulimits and sysctls as docker compose does, and its output reads back', async () => {
    const r = await cli([...project, 'config']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {4}ulimits:\n {6}nofile:\n {8}soft: 1234\n {8}hard: 2345\n {6}nproc: 888\n {4}\S/m);
    assert.match(r.stdout, /^ {4}sysctls:\n {6}net\.core\.somaxconn: "654"\n {6}net\.ipv4\.tcp_syncookies: "0"\n {4}\S/m);
    const again = join(dir, 'config.yaml');
    writeFileSync(again, r.stdout);
    const back = await cli(['compose', '-p', 'dkcrk', '-f', again, 'config']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout, r.stdout);
  });

  // Issue 14: a bad limit names the file, its line and the key — not a --ulimit flag nobody
  // typed — in one line, and nothing (not even the project's network) is created.
  it('a bad ulimits value is one line naming file:line and the key', async () => {
    const cases: [string[], string][] = [
      [
        ['      nofile:', '        soft: 20', '        hard: 10'],
        '6: invalid ulimits.nofile (20:10): ulimit soft limit must be less than or equal to hard limit: 20 > 10',
      ],
      [['      nproc: 5', '      bogus: 5'], '7: invalid ulimits.bogus (5): invalid ulimit type: bogus'],
      [['      nofile: lots'], '6: invalid ulimits.nofile (lots): use a number, -1, or {soft: N, hard: N}'],
    ];
    for (const [lines, want] of cases) {
      const file = join(dir, 'bad.yaml');
      writeFileSync(
        file,
        ['services:', '  bad:', '    image: busybox:static', '    command: ["true"]', '    ulimits:', ...lines, ''].join('\n'),
      );
      const r = await cli(['compose', '-p', 'dkcrkbad', '-f', file, 'up', '-d']);
      assert.equal(r.code, 1, r.stderr); // as every Compose file error here
      assert.equal(r.stderr, `dockui: ${file}:${want}\n`);
      assert.doesNotMatch(r.stderr + r.stdout, /--ulimit/);
    }
    const [ps, nets] = await Promise.all([cli(['ps', '-a', '--format', '{{.Names}}']), cli(['network', 'ls', '--format', '{{.Name}}'])]);
    assert.doesNotMatch(ps.stdout, /dkcrkbad/);
    assert.doesNotMatch(nets.stdout, /dkcrkbad/);
  });

  // A limit above this host's hard one is not the file's fault: config, ps and down still read
  // the file; up refuses at create with one error line, and down then leaves nothing.
  it("a limit above this host's is left to create: config and down still work", async () => {
    const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    assert.ok(hard && hard !== 'unlimited', `this test needs a finite hard open-files limit (${hard})`);
    const above = Number(hard) + 1;
    const file = join(dir, 'big.yaml');
    writeFileSync(
      file,
      ['services:', '  big:', '    image: busybox:static', '    command: ["true"]', '    ulimits:', `      nofile: ${above}`, ''].join(
        '\n',
      ),
    );
    const proj = ['compose', '-p', 'dkcrkbig', '-f', file];
    const config = await cli([...proj, 'config']);
    assert.equal(config.code, 0, config.stderr);
    assert.match(config.stdout, new RegExp(`nofile(=|:\\s*)${above}\\b`));
    const up = await cli([...proj, 'up', '-d']);
    assert.notEqual(up.code, 0);
    // Progress lines ("Network … Created") go to stderr as docker compose's do; the error is one line, the last.
    const last = up.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(last, new RegExp(`^dockui: .*nofile=${above} is above this host's hard limit`), up.stderr);
    assert.equal(up.stderr.match(/^dockui: /gm)?.length, 1, up.stderr);
    const down = await cli([...proj, 'down', '-v', '-t', '0']);
    assert.equal(down.code, 0, down.stderr);
    const [ps, nets] = await Promise.all([cli(['ps', '-a', '--format', '{{.Names}}']), cli(['network', 'ls', '--format', '{{.Name}}'])]);
    assert.doesNotMatch(ps.stdout, /dkcrkbig/);
    assert.doesNotMatch(nets.stdout, /dkcrkbig/);
  });
});
