// `dockui ps` and `dockui images` with docker's --format (table, json, templates) and their
// other docker flags (-n/-l, -s; -q, --digests, --no-trunc, --filter), through the real CLI on
// containers made from the fixture registry's busybox (created, not started: fast).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';

describe('ps and images --format, as docker prints them', () => {
  const t = tempRoot('dockui-listfmt-');
  // TZ=UTC: CreatedAt is Go's time.String() in local time.
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root, env: { TZ: 'UTC' } });
  const image = `${registry('plain')}/fixture/busybox`;
  let web = '';
  let two = '';

  before(async () => {
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
    const a = await cli(['create', '--name', 'web', '-l', 'b=2', '-l', 'a=1', '-p', '127.0.0.1:24201:80', image, 'sleep', '1000']);
    assert.equal(a.code, 0, a.stderr);
    web = a.stdout.trim();
    const b = await cli(['create', '--name', 'two', image, 'sh', '-c', 'echo a fairly long command line']);
    assert.equal(b.code, 0, b.stderr);
    two = b.stdout.trim();
  });
  after(async () => {
    await cli(['rm', '-f', 'web', 'two']);
    t.cleanup();
  });

  it('ps --format table/template/json: docker columns, headers and the ContainerContext fields', async () => {
    const [table, tmpl, json, label, plainTable, noTrunc] = await Promise.all([
      cli(['ps', '-a', '--format', 'table {{.ID}}\\t{{.Names}}\\t{{.Ports}}']),
      cli(['ps', '-a', '--format', '{{.Names}}: {{.State}} {{.Status}} {{.Command}} {{.Labels}} {{.Label "a"}}']),
      cli(['ps', '-a', '--format', 'json']),
      cli(['ps', '-a', '--format', 'table {{.Names}}\\t{{.Label "b"}}\\t{{.Image}}']),
      cli(['ps', '-a', '--format', 'table']),
      cli(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Command}}']),
    ]);
    for (const r of [table, tmpl, json, label, plainTable, noTrunc]) assert.equal(r.code, 0, r.stderr);
    // Newest first, as docker lists them.
    assert.equal(
      table.stdout,
      'CONTAINER ID   NAMES     PORTS\n' +
        `${two.slice(0, 12)}   two       \n` +
        `${web.slice(0, 12)}   web       127.0.0.1:24201->80/tcp\n`,
    );
    // Command is quoted and cut to 20 characters with "…", as docker's Ellipsis does; an argument
    // with a space is in single quotes, as dockerd lists it (docker 20.10: "sh -c 'echo a fairl…").
    assert.equal(tmpl.stdout, 'two: created Created "sh -c \'echo a fairl…"  \nweb: created Created "sleep 1000" a=1,b=2 1\n');
    // A method has no header: docker's header line stops where the header template failed.
    // .Image: the name as the create was given it (no ":latest" added), as docker ps shows it.
    assert.equal(label.stdout, `NAMES     \ntwo                 ${image}\nweb       2         ${image}\n`);
    // 'table' alone is ps's default table.
    assert.match(plainTable.stdout, /^CONTAINER ID {3}IMAGE {2,}COMMAND {2,}CREATED {2,}STATUS {2,}PORTS {2,}NAMES\n/);
    assert.equal(noTrunc.stdout, `${two} "sh -c 'echo a fairly long command line'"\n${web} "sleep 1000"\n`);
    const rows = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    assert.equal(rows.length, 2);
    const w = rows[1]!;
    assert.deepEqual(Object.keys(w), [
      'Command',
      'CreatedAt',
      'ID',
      'Image',
      'Labels',
      'LocalVolumes',
      'Mounts',
      'Names',
      'Networks',
      'Ports',
      'RunningFor',
      'Size',
      'State',
      'Status',
    ]);
    assert.equal(w.ID, web.slice(0, 12));
    assert.equal(w.Command, '"sleep 1000"');
    assert.match(w.CreatedAt!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
    assert.match(w.RunningFor!, / ago$/);
    assert.equal(w.Labels, 'a=1,b=2');
    assert.equal(w.Ports, '127.0.0.1:24201->80/tcp');
    assert.equal(w.State, 'created');
    assert.equal(w.Status, 'Created');
    assert.equal(w.Size, '0B');
  });

  it('ps -n N / -l pick the last created containers in any state; -q keeps to ids; -s adds SIZE', async () => {
    const [n1, n2, l, lq, bad, size, badTmpl] = await Promise.all([
      cli(['ps', '-n', '1', '--format', '{{.Names}}']),
      cli(['ps', '--last', '2', '--format', '{{.Names}}']),
      cli(['ps', '-l', '--format', '{{.Names}}']),
      cli(['ps', '-lq']),
      cli(['ps', '-n', 'x']),
      cli(['ps', '-a', '-s']),
      cli(['ps', '-a', '--format', '{{.Nope}}']),
    ]);
    assert.equal(n1.stdout, 'two\n');
    assert.equal(n2.stdout, 'two\nweb\n');
    assert.equal(l.stdout, 'two\n');
    assert.equal(lq.stdout, `${two.slice(0, 12)}\n`);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /invalid argument "x" for "-n, --last" flag/);
    assert.equal(size.code, 0, size.stderr);
    const sl = size.stdout.trimEnd().split('\n');
    assert.match(sl[0]!, /^CONTAINER ID {3}IMAGE {2,}COMMAND {2,}CREATED {2,}STATUS {2,}PORTS {2,}NAMES {5}SIZE$/);
    // Created, never written: nothing in the writable layer; virtual is the image's size.
    assert.match(sl[1]!, / {3}two {7}0B \(virtual \d[\d.]*MB\)$/);
    assert.match(sl[2]!, / {3}web {7}0B \(virtual \d[\d.]*MB\)$/);
    assert.equal(badTmpl.code, 1);
    assert.equal(badTmpl.stdout, '');
    assert.equal(
      badTmpl.stderr,
      'dockui: template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ContainerContext\n',
    );
  });

  it('images --format, --digests, --no-trunc, -q and --filter dangling=/reference=', async () => {
    const [plain, plainTable] = await Promise.all([cli(['images']), cli(['images', '--format', 'table'])]);
    // The plain listing and the template engine's table lay columns out alike (docker's tabwriter).
    assert.equal(plain.stdout, plainTable.stdout);
    assert.match(plain.stdout, /^REPOSITORY {3,}TAG {7}IMAGE ID {7}CREATED {2,}SIZE\n/);
    const [table, json, digests, full, ref, refMiss, dangling, q, badFilter] = await Promise.all([
      cli(['images', '--format', 'table {{.Repository}}\\t{{.Tag}}\\t{{.Size}}']),
      cli(['images', '--format', 'json']),
      cli(['images', '--digests', '--format', 'table']),
      cli(['images', '--no-trunc', '--format', '{{.ID}} {{.Digest}}']),
      cli(['images', '--filter', 'reference=*/fixture/busy*', '--format', '{{.Repository}}:{{.Tag}}']),
      cli(['images', '--filter', 'reference=nothing*', '-q']),
      cli(['images', '--filter', 'dangling=true']),
      cli(['images', '-q']),
      cli(['images', '--filter', 'since=x']),
    ]);
    for (const r of [table, json, digests, full, ref, refMiss, dangling, q]) assert.equal(r.code, 0, r.stderr);
    const repoW = Math.max(image.length, 'REPOSITORY'.length) + 3;
    assert.match(table.stdout, new RegExp(`^${'REPOSITORY'.padEnd(repoW)}TAG {7}SIZE\n${image.padEnd(repoW)}latest {4}\\d[\\d.]*[kM]B\n$`));
    const j = JSON.parse(json.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(j), [
      'Containers',
      'CreatedAt',
      'CreatedSince',
      'Digest',
      'ID',
      'Repository',
      'SharedSize',
      'Size',
      'Tag',
      'UniqueSize',
      'VirtualSize',
    ]);
    assert.equal(j.Repository, image);
    assert.equal(j.Tag, 'latest');
    assert.match(j.ID!, /^[0-9a-f]{12}$/);
    assert.match(j.Digest!, /^sha256:[0-9a-f]{64}$/);
    assert.match(j.CreatedAt!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
    assert.match(j.CreatedSince!, / ago$/);
    assert.equal(j.Containers, 'N/A');
    assert.equal(j.VirtualSize, j.Size);
    assert.match(digests.stdout, /^REPOSITORY {2,}TAG {2,}DIGEST {2,}IMAGE ID {2,}CREATED {2,}SIZE\n/);
    assert.ok(digests.stdout.includes(j.Digest!), digests.stdout);
    assert.match(full.stdout, new RegExp(`^sha256:${j.ID}[0-9a-f]{52} ${j.Digest}\n$`));
    assert.equal(ref.stdout, `${image}:latest\n`);
    assert.equal(refMiss.stdout, '');
    assert.equal(dangling.stdout, 'REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
    assert.equal(q.stdout, `${j.ID}\n`);
    assert.equal(badFilter.code, 1);
    assert.match(badFilter.stderr, /unsupported --filter "since=x"/);
  });
});
