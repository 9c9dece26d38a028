// `docker builder prune` as Docker's reference describes it: without -a only the dangling build
// cache goes (records no image shares), -a removes it all (the next build runs every step again),
// --filter until= keeps what was used recently, --keep-storage keeps up to that much; the output
// lists "Deleted build cache objects:" then "Total reclaimed space: SIZE". Bad input: one line,
// nothing removed.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

describe('compat: builder prune', () => {
  const s = scenario('builder');
  const ctx = mkdtempSync('/var/tmp/h14-builder-ctx-');
  const entries = () => readdirSync(join(s.root, 'build-cache', 'entries')).filter((n) => n.endsWith('.json')).length;
  const build = async (dir: string, tag: string) => {
    const r = await s.sh(`$DOCKER build --progress plain -t ${tag} ${join(ctx, dir)} 2>&1`);
    assert.equal(r.code, 0, r.stdout);
    const m = /\((\d+) steps, (\d+) cached/.exec(r.stdout);
    assert.ok(m, r.stdout);
    return [Number(m[1]), Number(m[2])] as const;
  };
  before(async () => {
    for (const d of ['a', 'b']) mkdirSync(join(ctx, d));
    // a: a 2 MB layer and a cache mount, its image removed afterwards: dangling cache.
    writeFileSync(
      join(ctx, 'a', 'Dockerfile'),
      `FROM ${s.image}\nRUN head -c 2000000 /dev/urandom > /big\nRUN --mount=type=cache,target=/c echo x > /c/x\n`,
    );
    // b: kept as an image: its cache is shared with it.
    writeFileSync(join(ctx, 'b', 'Dockerfile'), `FROM ${s.image}\nRUN echo b > /b\nENV X=1\n`);
    await build('a', 'h14-a');
    assert.equal((await s.sh('$DOCKER rmi h14-a')).code, 0);
    await build('b', 'h14-b');
  });
  after(() => {
    rmSync(ctx, { recursive: true, force: true });
    s.cleanup();
  });

  it('bad input: one line, non-zero, nothing removed', async () => {
    const before = entries();
    for (const args of ['--filter foo=bar', '--filter until=soon', '--keep-storage lots', 'extra', '--bogus']) {
      const r = await s.sh(`$DOCKER builder prune -f ${args}`);
      assert.notEqual(r.code, 0, args);
      assert.equal(r.stdout, '', args);
      assert.equal(r.stderr.split('\n').length, 2, `${args}: ${r.stderr}`);
    }
    assert.equal(entries(), before);
  });

  it('--filter until= keeps what was used within that time; --keep-storage keeps up to that size', async () => {
    const before = entries();
    const r = await s.sh('$DOCKER builder prune -f --filter until=1h');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Total reclaimed space: 0B\n');
    const k = await s.sh('$DOCKER builder prune -af --keep-storage 1g');
    assert.equal(k.stdout, 'Total reclaimed space: 0B\n');
    assert.equal(entries(), before);
  });

  it('without -a: the dangling cache goes (the space its layers held); the cache an image shares stays', async () => {
    const r = await s.sh('$DOCKER builder prune -f');
    assert.equal(r.code, 0, r.stderr);
    const m = /^Deleted build cache objects:\n((?:[0-9a-f]+\n)+)\nTotal reclaimed space: ([\d.]+)(kB|MB)\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    // Two RUN steps of a and its cache mount.
    assert.equal(m[1]!.trim().split('\n').length, 3, r.stdout);
    assert.ok(m[3] === 'MB' && Number(m[2]) >= 2, r.stdout);
    // b's steps are still cached; a's run again.
    assert.deepEqual(await build('b', 'h14-b'), [3, 3]);
    const [steps, cached] = await build('a', 'h14-a');
    assert.equal(steps, 3);
    assert.ok(cached < 3);
    await s.sh('$DOCKER rmi h14-a');
  });

  it('-a: every record goes and the next build runs its steps again; nothing left to prune after', async () => {
    const r = await s.sh('$DOCKER builder prune --all --force');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Deleted build cache objects:\n(?:[0-9a-f]+\n)+\nTotal reclaimed space: [\d.]+(B|kB|MB)\n$/);
    assert.equal(entries(), 0);
    const [, cached] = await build('b', 'h14-b2');
    assert.ok(cached < 3);
    assert.equal((await s.sh('$DOCKER builder prune -af')).code, 0);
    assert.equal((await s.sh('$DOCKER builder prune -af')).stdout, 'Total reclaimed space: 0B\n');
  });

  it("help in docker's words and order", async () => {
    const h = await s.sh('$DOCKER builder prune --help');
    assert.equal(
      h.stdout,
      [
        'Usage:  dockui builder prune',
        '',
        'Remove build cache',
        '',
        'Options:',
        '  -a, --all                  Remove all unused build cache, not just dangling ones',
        "      --filter filter        Provide filter values (e.g. 'until=24h')",
        '  -f, --force                Do not prompt for confirmation',
        '      --keep-storage bytes   Amount of disk space to keep for cache',
        '',
      ].join('\n'),
    );
    assert.match((await s.sh('$DOCKER --help')).stdout, /\n {2}builder {5}Manage builds\n/);
  });
});
