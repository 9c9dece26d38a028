// `dockui search` through the built CLI against registries of this test's own (the reference
// registry on 127.0.0.1:5300, plain, and :5310 with its token server on :5311), seeded by
// `dockui push`: docker's table, flags, filters and errors over the registry's catalog (read page
// by page), podman's --list-tags, logins as pulls use them, Ctrl-C. Hostile replies go through the
// fault proxy in front of the real registry (a body it would never send), and one tiny fake that
// the real registry cannot be made into: a catalog whose next-page links never end.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, fixturesDir, registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';

const registrySh = join(fixturesDir, 'registry.sh');
const plain = '127.0.0.1:5300';
const token = '127.0.0.1:5310';
const header = 'NAME DESCRIPTION STARS OFFICIAL AUTOMATED';

/** Rows of a table as words (docker's tabwriter pads with spaces; empty cells vanish). */
const words = (out: string) =>
  out
    .trimEnd()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).join(' '));

describe('dockui search', () => {
  const t = tempRoot('dockui-search-');
  const home = mkdtempSync(join(tmpdir(), 'dockui-search-home-'));
  const env = { DOCKER_CONFIG: join(home, '.docker') };
  const cli = (args: readonly string[], extra: Record<string, string> = {}, input?: string): Promise<CliResult> =>
    runCli(args, { root: t.root, env: { ...env, ...extra }, ...(input !== undefined ? { input } : {}) });
  const ok = async (args: readonly string[], extra: Record<string, string> = {}, input?: string): Promise<CliResult> => {
    const r = await cli(args, extra, input);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const login = (addr: string) => ok(['login', '-u', 'tester', '--password-stdin', addr], {}, 'secret\n');
  /** docker's tabwriter: each column as wide as its widest cell plus 3, at least 10. */
  const col = (cells: readonly string[]) => Math.max(10, ...cells.map((c) => c.length + 3));
  let proxy: FaultProxy;

  before(async () => {
    for (const p of ['5300', '5310']) execFileSync('bash', [registrySh, 'stop', p]);
    execFileSync('bash', [registrySh, 'start', '5300']);
    execFileSync('bash', [registrySh, 'start', '5310', '--token']);
    const src = `${registry('plain')}/fixture/busybox`;
    await ok(['pull', '-q', src]);
    // Catalog order (sorted): a/fixture/busybox before fixture/busybox, the exact match.
    const names = [
      'a/fixture/busybox',
      'fixture/busybox',
      'fixture/busybox:1.0',
      'fixture/busybox:2.0',
      'fixture/busybox-extra',
      'fixture/web',
      'other/thing',
    ];
    for (const n of names) {
      await ok(['tag', src, `${plain}/${n}`]);
      await ok(['push', `${plain}/${n}`]);
    }
    await login(token);
    for (const n of ['fixture/busybox', 'team/busybox']) {
      await ok(['tag', src, `${token}/${n}`]);
      await ok(['push', `${token}/${n}`]);
    }
    await ok(['logout', token]);
    proxy = await startFaultProxy(plain);
  });
  after(async () => {
    await proxy?.close();
    for (const p of ['5300', '5310']) execFileSync('bash', [registrySh, 'stop', p]);
    t.cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  it("REGISTRY/TERM: docker's table of the catalog's names holding TERM, the exact name first", async () => {
    const r = await ok(['search', `${plain}/busybox`]);
    assert.equal(r.stderr, '');
    const w = col(['NAME', `${plain}/fixture/busybox-extra`]);
    assert.equal(r.stdout.split('\n')[0], `${'NAME'.padEnd(w)}DESCRIPTION   STARS     OFFICIAL   AUTOMATED`);
    assert.equal(r.stdout.split('\n')[1], `${`${plain}/a/fixture/busybox`.padEnd(w)}${' '.repeat(14)}0${' '.repeat(9 + 11)}`);
    assert.deepEqual(words(r.stdout), [
      header,
      `${plain}/a/fixture/busybox 0`,
      `${plain}/fixture/busybox 0`,
      `${plain}/fixture/busybox-extra 0`,
    ]);
    // An exact name comes first (podman's order), even when --limit cuts the catalog's order short.
    const exact = await ok(['search', `${plain}/fixture/busybox`]);
    assert.deepEqual(words(exact.stdout).slice(1), [
      `${plain}/fixture/busybox 0`,
      `${plain}/a/fixture/busybox 0`,
      `${plain}/fixture/busybox-extra 0`,
    ]);
    const one = await ok(['search', '--limit', '1', `${plain}/fixture/busybox`]);
    assert.deepEqual(words(one.stdout), [header, `${plain}/fixture/busybox 0`]);
    // REGISTRY/ alone: the whole catalog; a term nothing holds: the header only. Case aside.
    assert.equal(words((await ok(['search', `${plain}/`])).stdout).length, 1 + 5);
    assert.deepEqual(words((await ok(['search', `${plain}/nothing-like-it`])).stdout), [header]);
    assert.deepEqual(words((await ok(['search', `${plain}/THING`])).stdout), [header, `${plain}/other/thing 0`]);
  });

  it('reads the catalog page by page (n and the Link header) and stops once it has enough', async () => {
    const small = { DOCKUI_CATALOG_PAGE_SIZE: '2' };
    const all = await ok(['search', '--limit', '100', `${plain}/`], small);
    assert.deepEqual(words(all.stdout), words((await ok(['search', '--limit', '100', `${plain}/`])).stdout));
    assert.equal(words(all.stdout).length, 1 + 5);
    proxy.clear();
    await ok(['search', '--limit', '100', `${proxy.addr}/`], small);
    const pages = proxy.log.filter((l) => l.path.startsWith('/v2/_catalog'));
    assert.deepEqual(
      pages.map((l) => l.path),
      ['/v2/_catalog?n=2', '/v2/_catalog?last=fixture%2Fbusybox&n=2', '/v2/_catalog?last=fixture%2Fweb&n=2'],
    );
    // --limit 1 with pages of 2: the first page holds a match, the second the exact one; no third.
    proxy.clear();
    const r = await ok(['search', '--limit', '1', `${proxy.addr}/fixture/busybox`], small);
    assert.deepEqual(words(r.stdout).slice(1), [`${proxy.addr}/fixture/busybox 0`]);
    assert.equal(proxy.log.filter((l) => l.path.startsWith('/v2/_catalog')).length, 1);
    proxy.clear();
    await ok(['search', '--limit', '1', `${proxy.addr}/thing`], small);
    assert.equal(proxy.log.filter((l) => l.path.startsWith('/v2/_catalog')).length, 3);
  });

  it("--format (Go templates, json), --limit and --filter in docker's words and exit codes", async () => {
    const f = await ok([
      'search',
      '--format',
      '{{.Name}}|{{.Description}}|{{.StarCount}}|{{.IsOfficial}}|{{.IsAutomated}}',
      `${plain}/web`,
    ]);
    assert.equal(f.stdout, `${plain}/fixture/web||0||\n`);
    const j = await ok(['search', '--format', '{{json .}}', `${plain}/web`]);
    assert.equal(j.stdout, `{"Description":"","IsAutomated":"false","IsOfficial":"false","Name":"${plain}/fixture/web","StarCount":"0"}\n`);
    const table = await ok(['search', '--format', 'table {{.Name}}\t{{.StarCount}}', `${plain}/thing`]);
    const tw = col([`${plain}/other/thing`]);
    assert.equal(table.stdout, `${'NAME'.padEnd(tw)}STARS\n${`${plain}/other/thing`.padEnd(tw)}0\n`);
    assert.equal(words((await ok(['search', '--limit', '2', `${plain}/`])).stdout).length, 3);
    // docker's filters: a catalog has no stars, no official or automated images.
    assert.deepEqual(words((await ok(['search', '-f', 'stars=1', `${plain}/busybox`])).stdout), [header]);
    assert.deepEqual(words((await ok(['search', '-f', 'is-official=true', `${plain}/busybox`])).stdout), [header]);
    assert.equal(
      words((await ok(['search', '-f', 'is-official=false', '-f', 'is-automated=false', '-f', 'stars=0', `${plain}/busybox`])).stdout)
        .length,
      4,
    );
    const cases: [string[], number, string][] = [
      [['search', '--limit', '0', `${plain}/x`], 1, 'dockui: Limit 0 is outside the range of [1, 100]\n'],
      [['search', '--limit', '101', `${plain}/x`], 1, 'dockui: Limit 101 is outside the range of [1, 100]\n'],
      [['search', '-f', 'foo=1', `${plain}/x`], 1, "dockui: Invalid filter 'foo'\n"],
      [['search', '-f', 'is-official=maybe', `${plain}/x`], 1, "dockui: Invalid filter 'is-official=[maybe]'\n"],
      [
        ['search', '-f', 'is-official=true', '-f', 'is-official=false', `${plain}/x`],
        1,
        "dockui: Invalid filter 'is-official=[false true]'\n",
      ],
      [['search', '-f', 'stars=abc', `${plain}/x`], 1, "dockui: Invalid filter 'stars=abc'\n"],
      [['search', 'http://x/busybox'], 1, 'dockui: Invalid repository name (ex: "registry.domain.tld/myrepos")\n'],
      [['search'], 1, 'dockui: "dockui search" requires exactly 1 argument.\n'],
      [['search', 'a', 'b'], 1, 'dockui: "dockui search" requires exactly 1 argument.\n'],
      [['search', '--format', '{{.Nope}}', `${plain}/web`], 1, ''],
    ];
    for (const [args, code, err] of cases) {
      const r = await cli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      if (err) assert.equal(r.stderr, err, args.join(' '));
      else assert.match(r.stderr, /^dockui: template parsing error: .*can't evaluate field Nope/);
      assert.equal(r.stdout, '');
    }
    const bad = await cli(['search', '--limit', 'abc', `${plain}/x`]);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /^dockui: invalid argument "abc" for "--limit" flag: strconv\.ParseInt/);
    assert.equal((await cli(['search', '-f', 'bogus', `${plain}/x`])).code, 125);
  });

  it("--list-tags REGISTRY/REPO: podman's NAME and TAG rows, --limit, a missing repository", async () => {
    const r = await ok(['search', '--list-tags', `${plain}/fixture/busybox`]);
    // In the registry's order, as podman prints them (this registry's is not sorted).
    const w = col([`${plain}/fixture/busybox`]);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `${'NAME'.padEnd(w)}TAG`);
    const tags = lines.slice(1, -1).map((l) => l.slice(w));
    assert.deepEqual([...tags].sort(), ['1.0', '2.0', 'latest']);
    assert.deepEqual(
      lines.slice(1, -1),
      tags.map((x) => `${`${plain}/fixture/busybox`.padEnd(w)}${x}`),
    );
    // --limit keeps the first ones; a tag in the name is ignored, as podman does.
    const two = await ok(['search', '--list-tags', '--limit', '2', `${plain}/fixture/busybox:latest`]);
    assert.deepEqual(
      words(two.stdout).slice(1),
      tags.slice(0, 2).map((x) => `${plain}/fixture/busybox ${x}`),
    );
    const j = await ok(['search', '--list-tags', '--format', '{{.Name}}:{{.Tag}}', `${plain}/fixture/web`]);
    assert.equal(j.stdout, `${plain}/fixture/web:latest\n`);
    const missing = await cli(['search', '--list-tags', `${plain}/fixture/nope`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^dockui: tags of 127\.0\.0\.1:5300\/fixture\/nope: not found.*\n$/);
    const filtered = await cli(['search', '--list-tags', '-f', 'stars=1', `${plain}/fixture/busybox`]);
    assert.deepEqual([filtered.code, filtered.stderr], [1, 'dockui: filters are not applicable to list tags result\n']);
  });

  it('logs in as pulls do: a token registry refuses an anonymous catalog, a login opens it (and its tags)', async () => {
    const anon = await cli(['search', `${token}/busybox`]);
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /^dockui: catalog of 127\.0\.0\.1:5310: .*requires a login.*dockui login 127\.0\.0\.1:5310.*\n$/);
    await login(token);
    try {
      const r = await ok(['search', `${token}/busybox`]);
      assert.deepEqual(words(r.stdout), [header, `${token}/fixture/busybox 0`, `${token}/team/busybox 0`]);
      assert.deepEqual(words((await ok(['search', '--list-tags', `${token}/team/busybox`])).stdout).slice(1), [
        `${token}/team/busybox latest`,
      ]);
    } finally {
      await ok(['logout', token]);
    }
    // Basic auth (the shared :5100 registry, read only): its own login.
    const basic = registry('auth');
    const refused = await cli(['search', `${basic}/fixture/busybox`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /requires a login/);
    await login(basic);
    try {
      assert.deepEqual(words((await ok(['search', `${basic}/fixture/busybox`])).stdout)[1], `${basic}/fixture/busybox 0`);
    } finally {
      await ok(['logout', basic]);
    }
  });

  it('TERM without a registry asks Docker Hub; offline that is one line and exit 1', async (tc) => {
    const online = await lookup('index.docker.io').then(
      () => true,
      () => false,
    );
    if (online) return tc.skip('index.docker.io resolves here: Docker Hub is reachable');
    for (const term of ['busybox', 'library/busybox', 'docker.io/busybox']) {
      const r = await cli(['search', term], { DOCKUI_REGISTRY_ATTEMPTS: '1' });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^dockui: cannot reach registry index\.docker\.io: .*\n$/);
    }
  });

  it('hostile catalog replies: too large, not JSON, the wrong shape, links elsewhere or in a loop; bad names left out', async () => {
    const fault = (body: string, headers: Record<string, string> = {}) =>
      proxy.add({ path: /^\/v2\/_catalog/, fault: { kind: 'status', status: 200, body, headers }, times: Infinity });
    const search = async (term = '') => {
      const r = await cli(['search', '--limit', '100', `${proxy.addr}/${term}`]);
      proxy.clear();
      return r;
    };
    const failsWith = async (re: RegExp) => {
      const r = await search();
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, re);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    };
    fault(JSON.stringify({ repositories: Array.from({ length: 200_000 }, (_, i) => `r/${i}-xxxxxxxxxxxxxxxx`) }));
    await failsWith(/^dockui: catalog of 127\.0\.0\.1:\d+ is too large \((more than 4194304 bytes|\d+ bytes, limit 4194304)\)\n/);
    fault('<html>nope</html>');
    await failsWith(/sent a bad reply \(not JSON\)/);
    fault('[1,2]');
    await failsWith(/sent a bad reply \(not a JSON object\)/);
    fault('{"repositories":[1,2]}');
    await failsWith(/sent a bad reply \("repositories" is not a list of strings\)/);
    fault('{"repositories":["a/b"]}', { link: '<http://127.0.0.2:9/v2/_catalog?last=a>; rel="next"' });
    await failsWith(/a next-page link to http:\/\/127\.0\.0\.2:9\/v2\/_catalog, not to its own \/v2\/_catalog/);
    fault('{"repositories":["a/b"]}', { link: '</v2/fixture/busybox/tags/list>; rel="next"' });
    await failsWith(/not to its own \/v2\/_catalog/);
    fault('{"repositories":["a/b"]}', { link: '</v2/_catalog?last=a%2Fb&n=1000>; rel="next"' });
    await failsWith(/a next-page link it sent before/);
    // Names that are not repository names (uppercase, traversal, empty components, too long, escapes).
    const junk = ['Bad/Upper', '../etc', 'a//b', '', `x/${'a'.repeat(300)}`, 'esc/\u001b[31mred'];
    fault(JSON.stringify({ repositories: ['ok/one', ...junk, 'ok/two', 'ok/one'] }));
    const r = await search();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(words(r.stdout).slice(1), [`${proxy.addr}/ok/one 0`, `${proxy.addr}/ok/two 0`]);
    assert.equal(r.stderr, `dockui: left out 6 entries of the catalog of ${proxy.addr} that are not valid\n`);
  });

  it('a catalog without end: dockui reads 500 pages or 100000 names at most and says so (a fake: no real registry does this)', async () => {
    // The reference registry's links always end; this server's never do.
    let perPage = 1;
    const fake: Server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const page = Number(u.searchParams.get('last') ?? '0');
      const names = Array.from({ length: perPage }, (_, i) => `p${page}/n${i}`);
      res.writeHead(200, { 'content-type': 'application/json', link: `</v2/_catalog?last=${page + 1}>; rel="next"` });
      res.end(JSON.stringify({ repositories: names }));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const addr = `127.0.0.1:${(fake.address() as AddressInfo).port}`;
    try {
      const pages = await cli(['search', `${addr}/nothing`]);
      assert.equal(pages.code, 0, pages.stderr);
      assert.deepEqual(words(pages.stdout), [header]);
      assert.equal(
        pages.stderr,
        `dockui: the catalog of ${addr} is longer than dockui reads (100000 names in 500 pages): the rest was not searched\n`,
      );
      perPage = 1000;
      const names = await cli(['search', `${addr}/p99/n999`]);
      assert.equal(names.code, 0, names.stderr);
      assert.deepEqual(words(names.stdout), [header, `${addr}/p99/n999 0`]);
      assert.match(names.stderr, /is longer than dockui reads/);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it('Ctrl-C while the registry is silent: canceled at once, exit 130, one line', async () => {
    proxy.add({ path: /^\/v2\/_catalog/, fault: { kind: 'stall', after: 1 } });
    const child = spawn(process.execPath, [dockuiBin, 'search', `${proxy.addr}/busybox`], {
      env: { ...process.env, ...env, DOCKUI_ROOT: t.root },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    while (!proxy.log.some((l) => l.path.startsWith('/v2/_catalog'))) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    const sentAt = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    assert.ok(Date.now() - sentAt < 5000, 'canceled at once, not after the stall timeout');
    assert.deepEqual([code, stdout, stderr], [130, '', 'dockui: canceled\n']);
    proxy.clear();
  });
});
