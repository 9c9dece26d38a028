// The engine's one shell-pattern matcher against Go's filepath.Match (Linux): results as Go
// gives them, malformed patterns refused, and Go's own quirks kept (a class may match "/", a
// star never backtracks into an earlier chunk, names are walked as UTF-8 bytes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineError } from '../../../src/engine/define.js';
import { IgnoreMatcher } from '../../../src/engine/build/dockerignore.js';
import { compileGlob, globMatch, hasGlobMeta } from '../../../src/engine/fsutil/glob.js';

// [pattern, name, what filepath.Match returns]
const cases: [string, string, boolean][] = [
  ['abc', 'abc', true],
  ['abc', 'abd', false],
  ['', '', true],
  ['', 'a', false],
  ['*', 'abc', true],
  ['*', '', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['ab[!c]', 'ab!', true], // `!` does not negate in Go: it is a class member
  ['ab[!c]', 'abd', false],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a\\[b', 'a[b', true],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['[*]', '*', true],
  ['[*]', 'a', false],
  ['[z-a]', 'm', false], // a reversed range is no error: it matches nothing
  ['[^z-a]', 'm', true],
  ['*x', 'xxx', true],
  ['**x', 'ax', true],
  // Go's quirks, kept: a class is not kept from "/"…
  ['a[^x]b', 'a/b', true],
  ['a[/]b', 'a/b', true],
  // …a star's chunk takes its leftmost place for good (a regexp would find a/ then c here)…
  ['*a[^x]*c', 'aa/c', false],
  // …and a star skips bytes, so a class may see the tail of a multibyte character as U+FFFD.
  ['*[^é]', 'é', true],
  ['?', 'é', true],
  ['??', 'é', false],
];

const malformed = [
  '[]a]',
  '[]',
  '[-]',
  '[x-]',
  '[-x]',
  '\\',
  'a\\',
  '[a-b-c]',
  '[',
  '[^',
  '[^]',
  '[^bc',
  'a[',
  'a/b[',
  '[a',
  '[a-',
  '[\\',
  '*[',
  'x*[a',
];

describe('glob (Go filepath.Match)', () => {
  it('matches as filepath.Match does', () => {
    for (const [pattern, name, want] of cases)
      assert.equal(globMatch(pattern, name), want, `Match(${JSON.stringify(pattern)}, ${JSON.stringify(name)})`);
  });

  it('refuses a malformed pattern whatever the name, with one clear line', () => {
    for (const pattern of malformed)
      for (const name of ['', 'a', 'x', '-', ']', 'ab'])
        assert.throws(
          () => globMatch(pattern, name),
          (e: unknown) => e instanceof EngineError && e.code === 'invalid_argument' && e.message === `syntax error in pattern: ${pattern}`,
          `${JSON.stringify(pattern)} should be refused`,
        );
  });

  it('compiles once and tests many names', () => {
    const g = compileGlob('src/*.[jt]s');
    assert.deepEqual(
      ['src/a.js', 'src/b.ts', 'src/c.cs', 'src/d/e.js', 'lib/a.js'].filter((n) => g.test(n)),
      ['src/a.js', 'src/b.ts'],
    );
    assert.equal(g.pattern, 'src/*.[jt]s');
  });

  it('tells a pattern from a plain name', () => {
    for (const s of ['*.go', 'a?', '[ab]', 'a\\b']) assert.equal(hasGlobMeta(s), true, s);
    for (const s of ['a.go', 'dir/file', 'a-b_c']) assert.equal(hasGlobMeta(s), false, s);
  });

  it('checks .dockerignore patterns with the same rules, as Docker does with filepath.Match', () => {
    // A JavaScript regexp takes `[x-]` and `[-]`; Go refuses them, and so does docker build.
    for (const p of ['[x-]', '[-]', 'a/[]'])
      assert.throws(
        () => IgnoreMatcher.fromText(`node_modules\n${p}\n`),
        (e: unknown) => e instanceof EngineError && e.message === `.dockerignore: syntax error in pattern: ${JSON.stringify(p)}`,
        p,
      );
    assert.equal(IgnoreMatcher.fromText('**/*.[oa]\n').matches('lib/x.o'), true);
  });
});
