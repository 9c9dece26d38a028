import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildTargetFor, parseTuiArgs } from '../../src/tui.js';

describe('dockui [OPTIONS] [DIR]', () => {
  it('parses the folder, the engine flags and the dev loop run flags', () => {
    const o = parseTuiArgs([
      '--root=/r',
      'app',
      '-p',
      '8080:80',
      '-e',
      'A=1',
      '--build-arg',
      'V=2',
      '--sync',
      'src:/app/src',
      '--name',
      'web',
      '--no-watch',
    ]);
    assert.equal(o.dir, 'app');
    assert.equal(o.root, '/r');
    assert.deepEqual(o.publish, ['8080:80']);
    assert.deepEqual(o.env, ['A=1']);
    assert.deepEqual(o.buildArgs, { V: '2' });
    assert.deepEqual(o.sync, ['src:/app/src']);
    assert.equal(o.name, 'web');
    assert.equal(o.watch, false);
    assert.equal(parseTuiArgs([]).watch, true);
    // The CLI's parser: attached short values and --flag=value work as for every verb.
    assert.deepEqual(parseTuiArgs(['-p8080:80', '--env=B=2', '--debug']).publish, ['8080:80']);
    assert.deepEqual(parseTuiArgs(['--env=B=2']).env, ['B=2']);
  });

  it('refuses what it does not know, with one line', () => {
    assert.throws(() => parseTuiArgs(['--frobnicate']), /unknown flag: --frobnicate/);
    assert.throws(() => parseTuiArgs(['a', 'b']), /one folder at most/);
    assert.throws(() => parseTuiArgs(['--root']), /flag needs an argument: --root/);
    assert.throws(() => parseTuiArgs(['--build-arg', 'novalue']), /K=V/);
  });

  it('builds the folder’s Dockerfile as <dir-name>:dev, or says there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'My App-'));
    try {
      assert.match(JSON.stringify(buildTargetFor(dir)), /no Dockerfile in/);
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
      const t = buildTargetFor(dir);
      assert.ok('tag' in t && /^my-app-[a-z0-9]+:dev$/i.test(t.tag), JSON.stringify(t));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
