import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadContext } from '../../../src/engine/build/context.js';
import { ContentHasher } from '../../../src/engine/build/content-hash.js';
import { IgnoreMatcher, readIgnoreFile } from '../../../src/engine/build/dockerignore.js';
import { isEngineError } from '../../../src/engine/define.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-ctx-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, 'c-'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

describe('.dockerignore patterns', () => {
  it('reads lines as ignorefile does', () => {
    assert.deepEqual(readIgnoreFile('test1\n/test2\n/a/file/here\n\nlastfile\n# c\n! /inv/abs\nfoo/\n./bar/../baz'), [
      'test1',
      'test2',
      'a/file/here',
      'lastfile',
      '!inv/abs',
      'foo',
      'baz',
    ]);
  });

  const cases: [string[], string, boolean][] = [
    [['*.md'], 'README.md', true],
    [['*.md'], 'docs/README.md', false],
    [['**/*.md'], 'docs/a/README.md', true],
    [['**/*.md'], 'README.md', true],
    [['docs'], 'docs/a/b.txt', true],
    [['docs/'], 'docs', true],
    [['/docs'], 'docs/x', true],
    [['d?cs'], 'docs', true],
    [['d?cs'], 'dxxcs', false],
    [['[a-c]*'], 'build', true],
    [['[a-c]*'], 'dist', false],
    [['node_modules/**'], 'node_modules/x/y', true],
    [['**'], 'anything/at/all', true],
    [['a/**/b'], 'a/b', true],
    [['a/**/b'], 'a/x/y/b', true],
    [['a/**/b'], 'a/x/y/c', false],
    [['*', '!keep'], 'keep', false],
    [['*', '!keep'], 'drop', true],
    [['*', '!keep', 'keep'], 'keep', true],
    [['docs', '!docs/keep.md'], 'docs/keep.md', false],
    [['docs', '!docs/keep.md'], 'docs/other.md', true],
    [['*.txt'], 'a.txt.bak', false],
    [['a.b'], 'axb', false],
    [['\\*star'], '*star', true],
    [['\\*star'], 'xstar', false],
  ];
  for (const [patterns, path, want] of cases) {
    it(`${JSON.stringify(patterns)} ${want ? 'excludes' : 'keeps'} ${path}`, () => {
      assert.equal(IgnoreMatcher.fromText(patterns.join('\n')).matches(path), want);
    });
  }

  it('refuses a lone "!" with one line', () => {
    assert.throws(
      () => IgnoreMatcher.fromText('!\n'),
      (e: unknown) => isEngineError(e) && e.code === 'invalid_argument' && /illegal exclusion/.test(e.message),
    );
  });

  it('prunes an excluded tree unless an exception may reach into it', () => {
    assert.equal(new IgnoreMatcher(['node_modules', '!README.md']).mayIncludeBelow('node_modules'), false);
    assert.equal(new IgnoreMatcher(['node_modules', '!node_modules/keep']).mayIncludeBelow('node_modules'), true);
    assert.equal(new IgnoreMatcher(['docs', '!**/*.md']).mayIncludeBelow('docs'), true);
  });
});

describe('build context', () => {
  it('walks sorted, honours exclusions and exceptions, keeps parents of re-included files', () => {
    const dir = tree({
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'node_modules\n*.log\ndocs\n!docs/keep.md\nDockerfile\n',
      'b.txt': 'b',
      'a.txt': 'a',
      'x.log': 'log',
      'node_modules/m/index.js': 'm',
      'docs/keep.md': 'k',
      'docs/drop.md': 'd',
      'src/z.ts': 'z',
    });
    const ctx = loadContext({ context: dir });
    assert.equal(ctx.dockerfileText, 'FROM scratch\n'); // read even though .dockerignore excludes it
    assert.deepEqual(
      ctx.entries().map((e) => e.rel),
      ['.dockerignore', 'a.txt', 'b.txt', 'docs', 'docs/keep.md', 'src', 'src/z.ts'],
    );
    assert.equal(ctx.get('Dockerfile'), undefined);
    assert.equal(ctx.get('docs/keep.md')?.type, 'file');
  });

  it('reads a Dockerfile from outside the context and from stdin', () => {
    const dir = tree({ 'a.txt': 'a' });
    const outside = join(tmp, 'Other.dockerfile');
    writeFileSync(outside, 'FROM scratch\nCOPY a.txt /\n');
    assert.match(loadContext({ context: dir, dockerfile: outside }).dockerfileText, /COPY a.txt/);
    assert.equal(loadContext({ context: dir, dockerfile: '-', dockerfileText: 'FROM x\n' }).dockerfileText, 'FROM x\n');
  });

  it('names a missing Dockerfile and a missing context', () => {
    const dir = tree({ 'a.txt': 'a' });
    assert.throws(
      () => loadContext({ context: dir }),
      (e: unknown) => isEngineError(e) && e.code === 'not_found' && /Dockerfile not found/.test(e.message),
    );
    assert.throws(() => loadContext({ context: join(dir, 'nope') }), /build context not found/);
  });
});

describe('content hashes', () => {
  it('follow content, not mtimes, and skip reading files whose stat is unchanged', () => {
    const dir = tree({ Dockerfile: 'FROM scratch\n', 'a.txt': 'hello', 'sub/b.txt': 'world' });
    symlinkSync('a.txt', join(dir, 'link'));
    const cacheDir = join(tmp, 'bc-' + Math.random().toString(36).slice(2));
    const items = () =>
      loadContext({ context: dir })
        .entries()
        .map((entry) => ({ name: entry.rel, entry }));

    const h1 = new ContentHasher(cacheDir, dir);
    const d1 = h1.digestOf(items());
    assert.equal(h1.reads, 3);
    h1.save();

    const h2 = new ContentHasher(cacheDir, dir);
    assert.equal(h2.digestOf(items()), d1);
    assert.equal(h2.reads, 0, 'a second process re-reads nothing when stats are unchanged');

    utimesSync(join(dir, 'a.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const h3 = new ContentHasher(cacheDir, dir);
    assert.equal(h3.digestOf(items()), d1, 'a touch does not change the digest');
    assert.equal(h3.reads, 1);
    h3.save();

    writeFileSync(join(dir, 'sub/b.txt'), 'World');
    const h4 = new ContentHasher(cacheDir, dir);
    assert.notEqual(h4.digestOf(items()), d1);
    assert.equal(h4.reads, 1);
    h4.save();

    // A path gone from the context leaves the cache when the save is told what is present.
    rmSync(join(dir, 'sub/b.txt'));
    const ctx = loadContext({ context: dir });
    const h5 = new ContentHasher(cacheDir, dir);
    h5.digestOf(ctx.entries().map((entry) => ({ name: entry.rel, entry })));
    h5.save(ctx.walkedPaths());
    const saved = readdirSync(join(cacheDir, 'hashes'))
      .map((f) => readFileSync(join(cacheDir, 'hashes', f), 'utf8'))
      .join('');
    assert.ok(!saved.includes('sub/b.txt'));
    assert.ok(saved.includes('a.txt'));
  });
});
