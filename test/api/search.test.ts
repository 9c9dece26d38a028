// GET /images/search through the service: docker's JSON array of registry.SearchResult (its
// field order), read by the real docker 20.10 client, whose `docker search` must print what
// `dockui search` prints; docker's daemon's errors for a bad limit or filter. Against a registry
// of this test's own (127.0.0.1:5302, seeded with the fixture images by registry.sh).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixturesDir } from '../helpers/env.js';
import { cleanupService, raw, startService, type TestService } from './service.js';

const registrySh = join(fixturesDir, 'registry.sh');
const reg = '127.0.0.1:5302';

describe('API: GET /images/search', () => {
  let s: TestService;
  before(async () => {
    execFileSync('bash', [registrySh, 'stop', '5302']);
    execFileSync('bash', [registrySh, 'start', '5302']);
    execFileSync('bash', [registrySh, 'seed', reg]);
    s = await startService();
  });
  after(async () => {
    if (s) await cleanupService(s);
    execFileSync('bash', [registrySh, 'stop', '5302']);
  });

  it("answers docker's JSON: the catalog's matches, limit and filters applied", async () => {
    const r = await raw(s.socket, 'GET', `/v1.41/images/search?term=${encodeURIComponent(`${reg}/fixture`)}&limit=2`);
    assert.equal(r.status, 200, r.body);
    assert.equal(
      r.body,
      `${JSON.stringify([
        { star_count: 0, is_official: false, name: `${reg}/fixture/busybox`, is_automated: false, description: '' },
        { star_count: 0, is_official: false, name: `${reg}/fixture/layers`, is_automated: false, description: '' },
      ])}\n`,
    );
    const all = await raw(s.socket, 'GET', `/images/search?term=${encodeURIComponent(`${reg}/`)}`);
    assert.deepEqual(
      (JSON.parse(all.body) as { name: string }[]).map((x) => x.name),
      ['busybox', 'layers', 'multiarch', 'web'].map((n) => `${reg}/fixture/${n}`),
    );
    const official = await raw(
      s.socket,
      'GET',
      `/images/search?term=${encodeURIComponent(`${reg}/`)}&filters=${encodeURIComponent('{"is-official":{"true":true}}')}`,
    );
    assert.deepEqual([official.status, official.body], [200, '[]\n']);
  });

  it("refuses a bad limit or filter with docker's words", async () => {
    const cases: [string, number, string][] = [
      [`term=${reg}/x&limit=0`, 400, 'Limit 0 is outside the range of [1, 100]'],
      [`term=${reg}/x&limit=abc`, 400, 'invalid value for limit: "abc"'],
      [`term=${reg}/x&filters=${encodeURIComponent('{"foo":["1"]}')}`, 400, "Invalid filter 'foo'"],
      [`term=${reg}/x&filters=${encodeURIComponent('{"stars":["many"]}')}`, 400, "Invalid filter 'stars=many'"],
      [`term=${reg}/x&filters=%7Bbad`, 400, 'invalid filters: {bad'],
      ['term=http://x/y', 400, 'Invalid repository name (ex: "registry.domain.tld/myrepos")'],
    ];
    for (const [q, status, message] of cases) {
      const r = await raw(s.socket, 'GET', `/images/search?${q}`);
      assert.deepEqual([r.status, JSON.parse(r.body)], [status, { message }], q);
    }
  });

  it('docker search (docker 20.10) prints what dockui search prints; its errors come back in one line', async () => {
    for (const args of [
      [`${reg}/fixture`],
      ['--limit', '1', `${reg}/busybox`],
      ['--format', '{{json .}}', `${reg}/web`],
      ['-f', 'stars=1', `${reg}/`],
    ]) {
      const d = await s.docker(['search', ...args]);
      assert.equal(d.code, 0, d.stderr);
      const own = await s.dockui(['search', ...args]);
      assert.equal(own.code, 0, own.stderr);
      assert.equal(d.stdout, own.stdout, args.join(' '));
    }
    const bad = await s.docker(['search', '-f', 'is-official=maybe', `${reg}/x`]);
    assert.deepEqual([bad.code, bad.stderr], [1, "Error response from daemon: Invalid filter 'is-official=[maybe]'\n"]);
  });
});
