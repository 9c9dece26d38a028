// docker 20.10's `build` flags that issue 14 lists as missing, as scripts use them with $DOCKER:
// --network and --add-host for RUN, -o/--output (local dir, tar file, tar on stdout), --pull,
// --ssh (a real ssh-agent's socket, queried from inside RUN by a static client), --platform,
// --cache-from (a loaded image and a pulled one seed the cache). Each check fails without its
// flag; a bad value is one line, exit 125, no image and no output left.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

/** A client that asks the agent at $SSH_AUTH_SOCK for its identities (SSH_AGENTC_REQUEST_IDENTITIES). */
const agentQuery = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(void) {
  const char *p = getenv("SSH_AUTH_SOCK");
  if (!p) { puts("no SSH_AUTH_SOCK"); return 0; }
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  strncpy(a.sun_path, p, sizeof a.sun_path - 1);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 3; }
  unsigned char q[5] = {0, 0, 0, 1, 11}, r[9];
  if (write(fd, q, 5) != 5 || read(fd, r, 9) < 9 || r[4] != 12) { puts("not an agent"); return 4; }
  printf("agent: %u identities\\n", (r[5] << 24) | (r[6] << 16) | (r[7] << 8) | r[8]);
  return 0;
}
`;

describe('compat: build flags (docker 20.10)', () => {
  const s = scenario('bflags', 'h14build-');
  const other = scenario('bflags2', 'h14build-');
  const dir = mkdtempSync('/var/tmp/h14build-bf-');
  const ctx = (name: string, files: Record<string, string>) => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
    return d;
  };
  const imageCount = async () => (await s.sh('$DOCKER images -aq | wc -l')).stdout.trim();
  let agentPid = 0;
  let fakeAgent: ReturnType<typeof createServer> | undefined;
  before(async () => {
    for (const x of [s, other]) assert.equal((await x.sh('$DOCKER pull -q $IMAGE')).code, 0);
  });
  after(async () => {
    if (agentPid) process.kill(agentPid, 'SIGTERM');
    fakeAgent?.close();
    rmSync(dir, { recursive: true, force: true });
    s.cleanup();
    other.cleanup();
  });

  it('--network none|host|default for RUN, --add-host lines in its /etc/hosts', async () => {
    const c = ctx('net', {
      Dockerfile: `FROM ${s.image}\nRUN ls /sys/class/net | tr '\\n' ' ' > /nets; cat /etc/hosts > /hosts 2>/dev/null; true\n`,
    });
    const none = await s.sh(`$DOCKER build -q --network none -o ${dir}/out-none ${c}`);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(readFileSync(join(dir, 'out-none/nets'), 'utf8'), 'lo ');
    for (const mode of ['default', 'host', '']) {
      const r = await s.sh(`$DOCKER build -q ${mode ? `--network ${mode}` : ''} -o ${dir}/out-${mode || 'unset'} ${c}`);
      assert.equal(r.code, 0, r.stderr);
      const nets = readFileSync(join(dir, `out-${mode || 'unset'}/nets`), 'utf8')
        .trim()
        .split(' ');
      assert.ok(nets.includes('lo') && nets.length > 1, `${mode}: ${nets.join(' ')}`);
    }
    // A RUN's own --network wins over the flag.
    const own = ctx('net-own', { Dockerfile: `FROM ${s.image}\nRUN --network=host ls /sys/class/net | wc -l > /n\n` });
    assert.equal((await s.sh(`$DOCKER build -q --network none -o ${dir}/out-own ${own}`)).code, 0);
    assert.ok(Number(readFileSync(join(dir, 'out-own/n'), 'utf8')) > 1);
    for (const mode of ['none', 'host']) {
      const r = await s.sh(
        `$DOCKER build -q --network ${mode} --add-host db.local:10.1.2.3 --add-host v6:::1 -o ${dir}/hosts-${mode} ${c}`,
      );
      assert.equal(r.code, 0, r.stderr);
      const hosts = readFileSync(join(dir, `hosts-${mode}/hosts`), 'utf8');
      assert.match(hosts, /^10\.1\.2\.3\tdb\.local$/m, mode);
      assert.match(hosts, /^::1\tv6$/m, mode);
      assert.match(hosts, /^127\.0\.0\.1\s+localhost/m, mode);
    }
    assert.doesNotMatch(readFileSync(join(dir, 'out-none/hosts'), 'utf8'), /db\.local/);
  });

  it('-o type=local,dest=DIR / DIR / type=tar,dest=FILE / - : the final stage as files or a tar (stdout: the tar alone)', async () => {
    const c = ctx('out', {
      Dockerfile: `FROM ${s.image} AS build\nRUN mkdir /app && echo built > /app/result && ln -s result /app/link\nFROM scratch\nCOPY --from=build /app /\n`,
    });
    const a = await s.sh(`$DOCKER build -q -o type=local,dest=${dir}/o1 ${c}`);
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(readdirSync(join(dir, 'o1')).sort(), ['link', 'result']);
    assert.equal(readFileSync(join(dir, 'o1/link'), 'utf8'), 'built\n');
    assert.equal((await s.sh(`$DOCKER build -q --output ${dir}/o2 ${c}`)).code, 0);
    assert.equal(readFileSync(join(dir, 'o2/result'), 'utf8'), 'built\n');
    assert.equal((await s.sh(`$DOCKER build -q -o type=tar,dest=${dir}/o3.tar ${c}`)).code, 0);
    assert.deepEqual(
      execFileSync('tar', ['-tf', join(dir, 'o3.tar')], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .sort(),
      ['./', './link', './result'],
    );
    const t = await s.sh(`$DOCKER build -q -o - ${c} | tar -xOf - ./result`);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.stdout, 'built\n');
    const plain = await s.sh(`$DOCKER build -o - ${c} | tar -tf - | sort | tr '\\n' ' '`);
    assert.equal(plain.stdout, './ ./link ./result ');
  });

  it('--pull takes the registry image over the one the store has under that name', async () => {
    // The store's $IMAGE becomes another image, with a /marker the registry's has not.
    const marker = ctx('marker', { Dockerfile: `FROM ${s.image}\nRUN touch /marker\n` });
    assert.equal((await s.sh(`$DOCKER build -q -t ${s.image} ${marker}`)).code, 0);
    const c = ctx('pull', { Dockerfile: `FROM ${s.image}\nRUN test ! -e /marker\n` });
    const without = await s.sh(`$DOCKER build -q ${c}`);
    assert.notEqual(without.code, 0);
    const r = await s.sh(`$DOCKER build -q --pull ${c}`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await s.sh(`$DOCKER run --rm $IMAGE sh -c 'test -e /marker && echo there || echo gone'`)).stdout, 'gone\n');
  });

  it('--ssh default|ID=SOCKET: RUN --mount=type=ssh reaches the agent at $SSH_AUTH_SOCK; nothing of it in the layer', async () => {
    const c = ctx('ssh', {
      Dockerfile: [
        `FROM ${s.image}`,
        'COPY agentq /agentq',
        'RUN --mount=type=ssh /agentq > /default.txt; echo "sock=$SSH_AUTH_SOCK" >> /default.txt',
        'RUN --mount=type=ssh,id=work,target=/tmp/agent.sock /agentq > /work.txt',
      ].join('\n'),
      'agentq.c': agentQuery,
    });
    execFileSync('cc', ['-static', '-O2', '-o', join(c, 'agentq'), join(c, 'agentq.c')]);
    const sock = join(dir, 'agent.sock');
    // A real ssh-agent holding one key when openssh-client is here; else an agent served here.
    let hasAgent = true;
    try {
      execFileSync('sh', ['-c', 'command -v ssh-agent && command -v ssh-add && command -v ssh-keygen'], { stdio: 'ignore' });
    } catch {
      hasAgent = false;
    }
    if (hasAgent) {
      const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      agentPid = agent.pid!;
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
      execFileSync('ssh-add', ['-q', join(dir, 'key')], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
    } else {
      fakeAgent = createServer((conn) => conn.once('data', () => conn.end(Buffer.from([0, 0, 0, 5, 12, 0, 0, 0, 1]))));
      await new Promise<void>((r) => fakeAgent!.listen(sock, r));
    }
    const r = await s.sh(`$DOCKER build -q --ssh default --ssh work=${sock} -o ${dir}/ssh-out ${c}`, { env: { SSH_AUTH_SOCK: sock } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'ssh-out/default.txt'), 'utf8'), 'agent: 1 identities\nsock=/run/buildkit/ssh_agent.0\n');
    assert.equal(readFileSync(join(dir, 'ssh-out/work.txt'), 'utf8'), 'agent: 1 identities\n');
    assert.ok(!existsSync(join(dir, 'ssh-out/run/buildkit')) && !existsSync(join(dir, 'ssh-out/tmp/agent.sock')));
    // Without --ssh the mount is skipped (not required): no agent.
    const none = await s.sh(`$DOCKER build -q --no-cache -o ${dir}/ssh-none ${c}`);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(readFileSync(join(dir, 'ssh-none/default.txt'), 'utf8'), 'no SSH_AUTH_SOCK\nsock=\n');
  });

  it('--platform: the local platform builds; another is pulled for it, and its RUN refused in one line', async () => {
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    const multi = s.image.replace(/busybox$/, 'multiarch');
    const c = ctx('plat', { Dockerfile: `FROM ${multi}\nLABEL built=yes\n` });
    const local = await s.sh(`$DOCKER build -q --platform linux/${arch} -t plat:local ${c}`);
    assert.equal(local.code, 0, local.stderr);
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.Architecture}}' plat:local`)).stdout, `${arch}\n`);
    const otherArch = arch === 'amd64' ? 'arm64' : 'amd64';
    const foreign = await s.sh(`$DOCKER build -q --platform linux/${otherArch} -t plat:other ${c}`);
    assert.equal(foreign.code, 0, foreign.stderr);
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.Architecture}}' plat:other`)).stdout, `${otherArch}\n`);
    const run = ctx('plat-run', { Dockerfile: `FROM ${multi}\nRUN true\n` });
    const refused = await s.sh(`$DOCKER build -q --platform linux/${otherArch} ${run}`);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      new RegExp(
        `^dockui: \\S*Dockerfile:2:1: RUN in a linux/${otherArch}.* stage cannot run on this linux/${arch} host \\(no emulation\\)\\n$`,
      ),
    );
  });

  it('--cache-from: a loaded image and a pulled one seed the cache (RUN CACHED, same output); a changed COPY is not', async () => {
    const c = ctx('cf', {
      Dockerfile: `FROM ${s.image}\nCOPY a.txt /a.txt\nENV X=1\nRUN cat /proc/sys/kernel/random/uuid > /stamp\nCMD ["cat", "/stamp"]\n`,
      'a.txt': 'one\n',
    });
    const src = `${s.image.replace(/fixture\/busybox$/, 'h14build/cache-from')}:1`;
    assert.equal((await s.sh(`$DOCKER build -q -t ${src} ${c} && $DOCKER push -q ${src} && $DOCKER save -o ${dir}/cf.tar ${src}`)).code, 0);
    const stamp = (await s.sh(`$DOCKER run --rm ${src}`)).stdout;
    assert.match(stamp, /^[0-9a-f-]{36}\n$/);
    const loaded = await other.sh(
      `$DOCKER load -q -i ${dir}/cf.tar >/dev/null && $DOCKER build --progress plain --cache-from ${src} -t seeded ${c}`,
    );
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stderr, /^#4 CACHED$/m);
    assert.equal((await other.sh('$DOCKER run --rm seeded')).stdout, stamp);
    // The same image loaded, no --cache-from: the RUN runs again.
    const plain = scenario('bflags4', 'h14build-');
    try {
      const r = await plain.sh(`$DOCKER load -q -i ${dir}/cf.tar >/dev/null && $DOCKER build --progress plain -t again ${c}`);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /^#4 CACHED$/m);
      assert.notEqual((await plain.sh('$DOCKER run --rm again')).stdout, stamp);
    } finally {
      plain.cleanup();
    }
    // Pulled: a third root that has never seen it.
    const third = scenario('bflags3', 'h14build-');
    try {
      const p = await third.sh(`$DOCKER build --progress plain --cache-from ${src} -t seeded ${c} && $DOCKER run --rm seeded`);
      assert.equal(p.code, 0, p.stderr);
      assert.match(p.stderr, /^#4 CACHED$/m);
      assert.equal(p.stdout.split('\n').slice(-2).join('\n'), stamp);
      // A changed file: its COPY is another layer, so the RUN after it is run.
      writeFileSync(join(c, 'a.txt'), 'two\n');
      const changed = await third.sh(`$DOCKER build --progress plain --cache-from ${src} ${c}`);
      assert.equal(changed.code, 0, changed.stderr);
      assert.doesNotMatch(changed.stderr, /^#4 CACHED$/m);
      // A source that is nowhere: docker's warning, and the build goes on.
      const miss = await third.sh(`$DOCKER build -q --cache-from 127.0.0.1:5000/h14build/no-such:1 ${c}`);
      assert.equal(miss.code, 0, miss.stderr);
      assert.match(miss.stderr, /^WARNING: cache source 127\.0\.0\.1:5000\/h14build\/no-such:1 not found, skipped/m);
    } finally {
      third.cleanup();
    }
  });

  it("bad values: one line, exit 1 (125 for a flag value docker's flag parser refuses), no image and no output left", async () => {
    const c = ctx('bad', { Dockerfile: `FROM ${s.image}\nRUN echo hi > /hi\n` });
    const before = await imageCount();
    writeFileSync(join(dir, 'afile'), '');
    const cases: [string, RegExp, number?][] = [
      ['--network bridge', /^dockui: network mode "bridge" not supported by the build \(default, none or host\)\n$/],
      ['--add-host nohost', /^dockui: invalid argument "nohost" for "--add-host" flag: bad format for add-host: "nohost"\n$/, 125],
      ['--add-host h:1.2.3', /^dockui: invalid argument "h:1.2.3" for "--add-host" flag: invalid IP address in add-host: "1.2.3"\n$/, 125],
      [`-o type=image,dest=${dir}/never`, /^dockui: output type "image" is not supported here \(local or tar\)\n$/],
      ['-o type=local', /^dockui: --output type=local needs dest=DIR\n$/],
      [`-o type=local,dest=${dir}/afile`, /^dockui: --output dest .*afile is not a directory\n$/],
      [`-o type=tar,dest=${dir}/no-dir/x.tar`, /^dockui: --output dest .*no-dir\/x\.tar: no directory .*no-dir\n$/],
      [`-o ${dir}/never -o ${dir}/never2`, /^dockui: only one --output is supported\n$/],
      ['--ssh default', /^dockui: invalid empty ssh agent socket, make sure SSH_AUTH_SOCK is set\n$/],
      [`--ssh k=${dir}/afile`, /^dockui: --ssh k: .*afile is not a socket/],
      [`--ssh k=${dir}/nothing`, /^dockui: --ssh k: .*nothing does not exist\n$/],
      ['--platform linux', /^dockui: invalid platform "linux": want os\/arch\[\/variant\], e\.g\. linux\/arm64\/v8\n$/],
      ['--platform linux/amd64,linux/arm64', /^dockui: --platform linux\/amd64,linux\/arm64: one platform at a time here\n$/],
      ['--cache-from "BAD REF"', /^dockui: invalid --cache-from value "BAD REF": /],
    ];
    for (const [flags, err, code] of cases) {
      const r = await s.sh(`$DOCKER build -q ${flags} ${c}`, { env: { SSH_AUTH_SOCK: '' } });
      assert.equal(r.code, code ?? 1, `${flags}: ${r.stderr}`);
      assert.match(r.stderr, err, flags);
      assert.equal(r.stderr.split('\n').length, 2, `${flags}: ${r.stderr}`);
      assert.equal(r.stdout, '', flags);
    }
    assert.equal(await imageCount(), before);
    assert.ok(!existsSync(join(dir, 'never')) && !existsSync(join(dir, 'never2')) && !existsSync(join(dir, 'no-dir')));
    const tmp = join(s.root, 'tmp');
    assert.deepEqual(existsSync(tmp) ? readdirSync(tmp) : [], []);
  });

  it("--help lists them in docker's order and words", async () => {
    const h = (await s.sh('$DOCKER build --help')).stdout;
    const opts = h.split('Options:\n')[1]!.trimEnd().split('\n');
    const names = opts.map((l) => /--([a-z-]+)/.exec(l)![1]!);
    assert.deepEqual(names, [...names].sort());
    const col = opts.map((l) => /^\s*\S.*?\S {3,}(?=\S)/.exec(l)![0].length);
    assert.equal(new Set(col).size, 1, 'descriptions start in one column');
    const tight = opts.map((l) => l.replace(/(\S) {3,}/, '$1   '));
    for (const line of [
      '      --add-host list           Add a custom host-to-IP mapping (host:ip)',
      '      --cache-from strings      Images to consider as cache sources',
      '      --network string          Set the networking mode for the RUN instructions during build (default "default")',
      '  -o, --output stringArray      Output destination (format: type=local,dest=path)',
      '      --platform string         Set platform if server is multi-platform capable',
      '      --pull                    Always attempt to pull a newer version of the image',
      '      --ssh stringArray         SSH agent socket or keys to expose to the build (format: default|<id>[=<socket>|<key>[,<key>]])',
      "  -t, --tag list                Name and optionally a tag in the 'name:tag' format",
    ])
      assert.ok(tight.includes(line.replace(/(\S) {3,}/, '$1   ')), line);
  });
});
