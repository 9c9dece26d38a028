// Docker's container filter semantics (moby daemon/list.go) over plain reports: values of one
// key are alternatives, keys all apply; before=/since= name a container; bad keys and values fail.
// Pure function: the reports are written out here (the CLI and API tests run it on real ones).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configImage, listedImage, listedImageNames } from '../../../src/engine/define.js';
import { containerFilter, parseFilterArgs, type ContainerReport } from '../../../src/engine/index.js';

function c(name: string, at: number, extra: Record<string, unknown> = {}): ContainerReport {
  return {
    id: `${name.padEnd(12, '0')}${'a'.repeat(52)}`.replace(/[^0-9a-z]/g, 'f'),
    name,
    image: 'localhost/busybox:static',
    imageId: 'sha256:1234abcd' + '0'.repeat(56),
    state: 'running',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, at)).toISOString(),
    labels: {},
    mounts: [],
    network: 'private',
    ports: [],
    ...extra,
  } as unknown as ContainerReport;
}

const all = [
  c('web', 1, { labels: { tier: 'front', app: 'x' }, healthcheck: { Test: ['CMD-SHELL', 'true'] }, healthStatus: 'healthy' }),
  c('db', 2, { state: 'exited', exitCode: 3, mounts: [{ type: 'volume', source: 'data', destination: '/var/lib/db', readOnly: false }] }),
  c('cache', 3, { networks: [{ name: 'proj_default', ip: '10.1.0.2', gateway: '10.1.0.1', aliases: [] }], network: 'bridge' }),
  c('job', 4, { state: 'exited', exitCode: 0, restarting: true, image: 'localhost/other:1', imageId: 'sha256:ffff' + '0'.repeat(60) }),
];
const names = (args: string[]) => all.filter(containerFilter(parseFilterArgs(args), all)).map((r) => r.name);

describe('containerFilter', () => {
  it('ORs the values of one key and ANDs the keys', () => {
    assert.deepEqual(names(['status=exited', 'status=running']), ['web', 'db', 'cache']);
    assert.deepEqual(names(['status=exited', 'name=^d']), ['db']);
    assert.deepEqual(names(['status=restarting']), ['job']);
    assert.deepEqual(names(['name=a']), ['cache']);
  });
  it('labels, exit codes, health, volumes, networks, ancestors', () => {
    assert.deepEqual(names(['label=tier']), ['web']);
    assert.deepEqual(names(['label=tier=back']), []);
    assert.deepEqual(names(['exited=3']), ['db']);
    assert.deepEqual(names(['health=healthy']), ['web']);
    assert.deepEqual(names(['health=none']), ['db', 'cache', 'job']);
    assert.deepEqual(names(['volume=data']), ['db']);
    assert.deepEqual(names(['volume=/var/lib/db']), ['db']);
    assert.deepEqual(names(['network=proj_default']), ['cache']);
    assert.deepEqual(names(['network=bridge']), ['web', 'db', 'job']);
    assert.deepEqual(names(['ancestor=localhost/other:1']), ['job']);
    assert.deepEqual(names(['ancestor=busybox:static']), ['web', 'db', 'cache']);
    assert.deepEqual(names(['ancestor=ffff']), ['job']);
  });
  it('before= and since= by name or id', () => {
    assert.deepEqual(names(['before=cache']), ['web', 'db']);
    assert.deepEqual(names(['since=db']), ['cache', 'job']);
    assert.deepEqual(names([`since=${all[0]!.id.slice(0, 12)}`, 'before=job']), ['db', 'cache']);
  });
  it('refuses unknown keys, bad values and missing references with one clear message', () => {
    assert.throws(() => names(['colour=red']), /unknown filter "colour" \(id, name, status/);
    assert.throws(() => names(['status=up']), /invalid filter status=up/);
    assert.throws(() => names(['health=sick']), /invalid filter health=sick/);
    assert.throws(() => names(['exited=x']), /exit code is a number/);
    assert.throws(() => names(['name=(']), /not a regular expression/);
    assert.throws(() => names(['before=nosuch']), /no such container: nosuch/);
    assert.throws(() => names(['nokey']), /use KEY=VALUE/);
  });
  it('ancestor= looked up in the store: the containers of the image a value names, by any name or id (moby)', () => {
    const busybox = 'sha256:1234abcd' + '0'.repeat(56);
    // What ImageEngine.resolveIds found: another tag of busybox's image, an id prefix; "gone" names none.
    const images = new Map([
      ['mytag', new Set([busybox])],
      ['1234', new Set([busybox])],
      ['localhost/other:1', new Set(['sha256:9999' + '0'.repeat(60)])],
    ]);
    const by = (args: string[]) => all.filter(containerFilter(parseFilterArgs(args), all, images)).map((r) => r.name);
    assert.deepEqual(by(['ancestor=mytag']), ['web', 'db', 'cache']);
    assert.deepEqual(by(['ancestor=1234']), ['web', 'db', 'cache']);
    // The name job was made from now names another image: not job's ancestor any more.
    assert.deepEqual(by(['ancestor=localhost/other:1']), []);
    assert.deepEqual(by(['ancestor=gone']), []);
    assert.deepEqual(by(['ancestor=gone', 'ancestor=mytag', 'status=exited']), ['db']);
  });
});

describe("a container's image as docker lists it", () => {
  const id = 'sha256:bfa94387fd1a' + '0'.repeat(52);
  const made = (imageName: string | undefined) => ({
    image: 'docker.io/library/busybox:latest',
    imageId: id,
    ...(imageName ? { imageName } : {}),
  });
  it('Config.Image: the name the create was given; an older record: its reference', () => {
    assert.equal(configImage(made('busybox')), 'busybox');
    assert.equal(configImage(made(undefined)), 'docker.io/library/busybox:latest');
  });
  it("the list's Image: that name while it names the image, else the image id; an id needs no lookup", () => {
    const cs = [made('busybox'), made('bb:2'), made(id), made('bfa9'), made(undefined)];
    assert.deepEqual(listedImageNames(cs), ['busybox', 'bb:2', 'bfa9', 'docker.io/library/busybox:latest']);
    const ids = new Map([
      ['busybox', id],
      ['bfa9', id],
      ['bb:2', 'sha256:other'],
    ]);
    assert.deepEqual(
      cs.map((c) => listedImage(c, ids)),
      ['busybox', id, id, 'bfa9', id],
    );
  });
});
