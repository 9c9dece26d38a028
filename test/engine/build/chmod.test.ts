// --chmod's modes against the real chmod(1) (umask 0, as BuildKit's parser applies none).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseChmod } from '../../../src/engine/build/chmod.js';
import { isEngineError } from '../../../src/engine/define.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-chmod-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('--chmod modes', () => {
  it('symbolic and octal modes give what chmod(1) gives, for files and directories', () => {
    const specs = [
      '0755',
      '644',
      '7',
      '4755',
      'u=rwX,go=rX',
      '+x',
      'a+X',
      'g=u',
      'go-w',
      'u+s',
      'g+s,o+t',
      'u=rw,g=r,o=',
      '=r',
      'ug+rw-x',
      'o=u',
      'a-rwx,u+rX',
      'u-s',
      'go=',
      'u+x,g+X',
    ];
    const starts = [0o644, 0o600, 0o755, 0o700, 0o640, 0o4711, 0o2750, 0o000, 0o777, 0o1777];
    const cases: { spec: string; start: number; isDir: boolean; p: string }[] = [];
    for (const spec of specs)
      for (const start of starts)
        for (const isDir of [false, true]) {
          const p = join(tmp, `e${cases.length}`);
          if (isDir) mkdirSync(p);
          else writeFileSync(p, '');
          cases.push({ spec, start, isDir, p });
        }
    // chmod(1) takes many files: one run per start mode, then one per spec (two processes per case
    // took half a minute).
    for (const start of starts) execFileSync('chmod', [start.toString(8), ...cases.filter((c) => c.start === start).map((c) => c.p)]);
    for (const spec of specs)
      execFileSync('sh', [
        '-c',
        'umask 0 && spec=$1 && shift && chmod -- "$spec" "$@"',
        'sh',
        spec,
        ...cases.filter((c) => c.spec === spec).map((c) => c.p),
      ]);
    for (const { spec, start, isDir, p } of cases) {
      // An octal mode is the mode, exactly (BuildKit); GNU chmod alone keeps a directory's setuid/setgid then.
      const want = /^[0-7]+$/.test(spec) ? parseInt(spec, 8) : statSync(p).mode & 0o7777;
      assert.equal(
        parseChmod(spec)(start, isDir).toString(8),
        want.toString(8),
        `${spec} on ${isDir ? 'dir' : 'file'} ${start.toString(8)}`,
      );
    }
  });

  it('refuses what is neither octal nor symbolic, saying what it takes', () => {
    for (const bad of ['u+q', '99', '17777', 'x', 'u', 'rw', 'u=r;', '']) {
      assert.throws(
        () => parseChmod(bad),
        (e: unknown) =>
          isEngineError(e) &&
          e.code === 'invalid_argument' &&
          /^invalid --chmod value .*\(octal like 0755, or symbolic like u=rwX,go=rX\)$/.test(e.message),
        bad,
      );
    }
  });
});
